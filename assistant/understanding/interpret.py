"""Read a message once, before anything acts on it: `interpret(text, known_patient)`. Pure.

The engine used to extract facts, classify, then second-guess both with regexes of its own. Now one
reading says everything the turn needs:

- ``about``: whether the message describes this patient, asks about the evidence, both, or leaves
  it unclear whom its facts are about (``aboutness``);
- ``update``: the facts to store, read only from the sentences about this patient (with the
  sentences that say nothing on their own, so "going w InO. plan 3 cycles" reads as one);
- ``hypothetical``: facts assumed for this answer only ("if she were 17");
- ``unconfirmed``: facts stated in a sentence that could be about this patient or about patients in
  general; they are stored only after the user says yes (the engine asks once);
- ``evidence_question``: the words to search the review with (the evidence sentences, or all of it);
- ``intent``: what kind of answer is wanted, read with only the facts that will be stored;
- ``injection``: the message tries to instruct the assistant (reported; nothing changes).

An aside about another patient ("different pt but quick q - ...", "... -- not this one") stores
nothing and starts no new case: its facts are hypothetical, for that answer only.

A bare correction of a number on file ("sorry 54 not 45", "43*") is read against the known facts
first (`correction`): it names no field, so only the stored values say which one it corrects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assistant.understanding.aboutness import About, SentenceReading, blank_except, overall, read_message
from assistant.understanding.correction import bare_correction
from assistant.understanding.facts import FactUpdate, extract_facts
from assistant.understanding.intents import Intent, classify
from assistant.understanding.safety import is_injection

_YES = re.compile(r"^\s*(?:y|yes|yep|yeah|yup|correct|right|affirmative|confirm(?:ed)?|"
                  r"that'?s\s+(?:right|my\s+patient)|(?:yes,?\s+)?(?:it'?s|they'?re)\s+(?:my|our|this)\s+patient'?s?)"
                  r"\b[\s.!]*$", re.IGNORECASE)
_NO = re.compile(r"^\s*(?:n|no|nope|nah|not\s+(?:my|this)\s+patient|(?:no,?\s+)?(?:general|in\s+general|just\s+asking|"
                 r"asking\s+generally))\b[\s.!]*$", re.IGNORECASE)


# An aside about another patient, not a switch to a new case: "different pt but quick q - ...",
# "my colleague's pt is also 8 but CNS3 -- not this one", "other case, just asking: ...".
_ASIDE = re.compile(
    r"^\W*(?:(?:a|one|my|some)\s+)?(?:different|another|other|separate|unrelated)\s+(?:pt|patient|case|kid|child)\b"
    r"[^.;:\n]{0,25}?\b(?:but|quick|q|question|query|aside|btw|just\s+(?:asking|wondering|curious))\b"
    r"|\bnot\s+(?:this|my|our|the\s+same)\s+(?:one|pt|patient|case|kid|child)\W*$|\bnot\s+mine\W*$"
    r"|\b(?:colleague|friend|registrar|resident|fellow|consultant)'?s\s+(?:pt|patient|case)\b",
    re.IGNORECASE,
)


class Reading(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    intent: Intent
    about: About
    update: FactUpdate
    hypothetical: dict[str, Any] = Field(default_factory=dict)
    unconfirmed: dict[str, Any] = Field(default_factory=dict)
    evidence_question: str = ""
    injection: bool = False
    confirmation: bool | None = Field(default=None, description="A yes/no reply to 'is this your patient?'")
    sentences: list[str] = Field(default_factory=list, description="Each sentence's kind, for logs and tests")


def _states_facts(update: FactUpdate) -> bool:
    # A note counts: "blasts 150%" tried to state a fact, and the answer must say why it was not used.
    return bool(update.set or update.cleared or update.withdrawn or update.reset or update.hypothetical or update.notes)


def confirmation(text: str) -> bool | None:
    """True for "yes", False for "no", None for anything else."""
    if _YES.match(text):
        return True
    if _NO.match(text):
        return False
    return None


def interpret(
    text: str, known_patient: Mapping[str, Any], *, pending: Mapping[str, Any] | None = None
) -> Reading:
    """Everything the engine needs to know about ``text``. ``pending``: facts awaiting a yes/no."""
    injection = is_injection(text)
    if pending and (answer := confirmation(text)) is not None:
        update = FactUpdate(set=dict(pending)) if answer else FactUpdate()
        has_patient = bool(known_patient) or answer
        intent = classify("what do you suggest?" if has_patient else "hello", has_patient=has_patient,
                          facts=update)
        return Reading(intent=intent, about="patient" if answer else "neither", update=update,
                       injection=injection, confirmation=answer)

    corrected = bare_correction(text, known_patient)
    if corrected:
        # "sorry 54 not 45": a number on file corrected by value alone (see `correction`).
        update = FactUpdate(set=dict(corrected), evidence={f: text.strip() for f in corrected})
        intent = classify(text, has_patient=True, facts=update)
        return Reading(intent=intent, about="patient", update=update, injection=injection,
                       sentences=["patient"])
    # The same correction as one sentence of a longer message ("sorry 65% not 56%. CD19+, CD22 70%"):
    # it is read alone, then blanked, so the rest is read as if it had not been said.
    corrections, evidence = _sentence_corrections(text, known_patient)
    if corrections:
        for sentence in evidence.values():
            text = text.replace(sentence, " " * len(sentence), 1)
        reading = interpret(text, known_patient, pending=pending)
        update = reading.update.model_copy(update={
            "set": {**reading.update.set, **corrections}, "evidence": {**reading.update.evidence, **evidence}})
        about: About = {"neither": "patient", "evidence": "both"}.get(reading.about, reading.about)  # type: ignore[assignment]
        return reading.model_copy(update={"update": update, "about": about,
                                          "intent": classify(text, has_patient=True, facts=update)})

    # A message is read sentence by sentence and then as a whole; a one-sentence message (most of them)
    # is the same text each time, so each distinct text is read once.
    read_already: dict[str, FactUpdate] = {}

    def facts(part: str) -> FactUpdate:
        if part not in read_already:
            read_already[part] = extract_facts(part)
        return read_already[part]

    read = read_message(text, lambda sentence: _states_facts(facts(sentence)))
    readings = [_in_context(r, known_patient, facts) for r in read]
    about = overall(readings)
    # Facts come from the sentences about the patient, found in the message with the others blanked,
    # so a correction's "not 85" still sees the words before it in its own sentence.
    # Sentences stating nothing on their own stay too: "going w InO. plan 3 cycles" needs both.
    update = facts(blank_except(text, readings, ("patient", "neither"))) if about in ("patient", "both") \
        else FactUpdate()
    unclear = facts(blank_except(text, readings, ("unclear",))) if any(
        r.kind == "unclear" for r in readings) else FactUpdate()
    hypothetical = dict(update.hypothetical)
    update = update.model_copy(update={"hypothetical": {}})
    if _ASIDE.search(text):
        # A question about someone else's case: their facts serve this answer only, and the case in
        # hand stays as it was (no reset, nothing stored).
        hypothetical = {**update.set, **hypothetical}
        update, about = FactUpdate(), "evidence"
    intent = classify(text, has_patient=bool(known_patient) or bool(update.set), facts=update)
    return Reading(
        intent=intent,
        about=about,
        update=update,
        hypothetical=hypothetical,
        unconfirmed=dict(unclear.set),
        evidence_question=_evidence_text(text, readings, about),
        injection=injection,
        sentences=[r.kind for r in readings],
    )


_SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+")


def _sentence_corrections(text: str, known: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Bare corrections that are whole sentences of ``text``: the values, and the sentence of each."""
    values: dict[str, Any] = {}
    evidence: dict[str, str] = {}
    sentences = [s for s in _SENTENCE_BREAK.split(text) if s.strip()]
    if len(sentences) < 2:
        return values, evidence
    for sentence in sentences:
        for field, value in (bare_correction(sentence.strip().rstrip(".!;").strip(), known) or {}).items():
            values[field], evidence[field] = value, sentence
    return values, evidence


def _in_context(
    reading: SentenceReading, known_patient: Mapping[str, Any], facts: Callable[[str], FactUpdate]
) -> SentenceReading:
    """An unclear sentence is about the patient when the conversation already is, or when it lists
    several findings at once: nobody asks about patients in general by listing one patient's results."""
    if reading.kind != "unclear":
        return reading
    several = len(facts(reading.text).set) >= 2
    if known_patient or several:
        return replace(reading, anchor=True)
    return reading


def _evidence_text(text: str, readings: list[SentenceReading], about: About) -> str:
    """What to search with: the sentences asking about the evidence, when the message also describes
    the patient; the whole message otherwise."""
    if about != "both":
        return text
    asked = " ".join(r.text for r in readings if r.kind in ("evidence", "unclear"))
    return asked or text
