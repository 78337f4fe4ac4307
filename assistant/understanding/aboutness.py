"""Whom a message is about: this patient, the evidence, both, or it is unclear. Pure.

A clinician's message can describe the patient in front of them ("45M, 2nd relapse, CD22 90%"),
ask about the evidence ("ino sos rate in inovate?", "do centres cap cycles when a transplant
follows?"), or do both in one breath. Clinical words alone cannot tell these apart: "relapsed",
"MRD+" and "HSCT planned" appear in all three. What tells them apart is the grammar of the
sentence around the words:

- an *anchor* points at an individual: a pronoun (she, his), "my/this patient", an age-and-sex
  shorthand ("45M", "a 62-year-old"), or a plain list of findings with no question at all;
- a *population* points at groups: patients, pts, children, responders, a trial, a series, a
  centre's practice ("do centres...", "is it common...");
- a *data request* asks for a figure or a fact of the literature: a rate, a share, how often, a
  median, results, risk factors, a mechanism, a definition;
- an *advice request* asks what to do: options, which agent, eligible, should we.

A protocol named as the patient's treatment ("prior COG AALL1231 chemo") is a regimen, not a trial
population; a suitability question beside findings ("CD22 70%, is ino reasonable?") is advice; an
"be" or "have" opens a question only with its subject after it, since shorthand drops the subject
of statements ("had blina in CR1"); a course of disease ("no response") is a finding, not a request
for response data; and a bare "no" after a question ("prior CAR-T? no.") is read with it.

Each sentence is read on its own, so "45M 2nd relapse. What was CR in TOWER?" stores the facts of
the first sentence and answers the second from the evidence. Facts are taken only from sentences
about the patient; a sentence that states facts, asks a question, and has neither an anchor nor a
population nor an advice request is *unclear*, and the assistant asks before storing anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from assistant.understanding.scope import NOT_PEOPLE, SENTENCE_END

About = Literal["patient", "evidence", "both", "unclear", "neither"]

_I = re.IGNORECASE

# Pronouns and case descriptors that single out one person.
_ANCHOR = re.compile(
    r"\b(?:she|he|her|him|his|hers|herself|himself|mine)\b"
    r"|\b(?:my|our|this|the|that)\s+(?:pt|patient|boy|girl|man|woman|lady|gentleman|child|kid|son|daughter|teen|"
    r"teenager|toddler|infant|baby|case|guy|chap|adolescent|young\s+(?:man|woman|adult))\b"
    r"|\b(?:an?)\s+(?:\d{1,3}(?:\.\d)?\s*-?\s*(?:year|yr|y|month|mo)s?\s*-?\s*old\s+)?"
    r"(?:man|woman|boy|girl|lady|gentleman|male|female|teen(?:ager)?|toddler|infant|baby|child|kid|adolescent)\b"
    r"|\b\d{1,3}(?:\.\d)?\s*-?\s*(?:y/o|yo|y\.o\.?|yrs?\s*-?\s*old|years?\s*-?\s*old|mo(?:nths?)?\s*-?\s*old)\b"
    r"|(?<![\w/.-])\d{1,3}\s?(?-i:[MF])(?![\w/%])"
    r"|\bpt\s+(?:is|has|had|was|with|now|relapsed|got|received|presents?|presenting)\b"
    r"|\bpatient\s+(?:is|has|had|was|now|relapsed|got|received|presents?|presenting)\b"
    # "I have a patient who ...", "we are treating a 30-year-old with ...": the speaker's own case
    r"|\b(?:i|we)\s+(?:have|had|see|saw|am\s+treating|are\s+treating|treat|look\s+after|am\s+looking\s+after|"
    r"are\s+looking\s+after|got)\s+(?:a|an|this|one)\s+(?:[\w-]+\s+){0,3}?(?:pt|patient|case|man|woman|boy|girl|child|kid)\b",
    _I,
)
# Groups, trials and practice: the subject of an evidence question.
_POPULATION = re.compile(
    r"\b(?:patients|pts|people|children|kids|adults|adolescents|infants|responders|non-?responders|cases|cohorts?|"
    r"subgroups?|populations?|those|series|trials?|stud(?:y|ies)|phase\s*[123i]+|arms?|registry|"
    r"centres|centers|institutions|guidelines?|practice|literature|review|evidence|data|authors?|article|paper|"
    r"investigators|"
    r"ino[\s-]?vate|tower|eliana|aall\d+|zuma[\s-]?\d+|felix|e1910|19[\s-]?28z)\b"
    # a kind of patient, not a person: "in a patient who had InO", "for any child with CNS3 disease"
    r"|\b(?:in|for|to|with|of)\s+(?:(?:an?|any)\s+(?:pt|patient|child|adult|person|individual|case)|someone|anyone|"
    r"somebody|anybody)\s+(?:who|that|with|whose|after|on)\b",
    _I,
)
# A protocol named as the patient's treatment ("prior COG AALL1231 chemo", "tx: AALL0232") is a
# regimen, not the trial population.
_REGIMEN_USE = re.compile(
    r"\b(?:prior|previous|previously|after|post|per|on|following|tx|treated|received|had|got|with|then|completed|"
    r"finished|failed|relapsed|refractory|progressed|during|s/p|off|frontline|front-line|first[\s-]line|upfront)\b[\s:-]*"
    r"(?:(?:with|on|per|the|a|an|cog|standard)\s+)*aall\s?\d+"
    r"|\baall\s?\d+(?:\s+|-)(?:induction|therapy|chemo\w*|protocol|regimen|backbone|consolidation|maintenance|based)\b",
    _I,
)
# Asking for a figure or a fact of the literature.
_DATA_REQUEST = re.compile(
    r"\b(?:rates?|incidence|frequency|how\s+(?:often|common|many|much|long|likely|well|quickly|fast)|what\s+(?:share|"
    r"fraction|proportion|percent\w*|number)|proportion|percent\w*|median|mean|odds|hazard|survival|os|efs|rfs|"
    r"cr(?:/cri|/crh)?\s*rates?|response\s+rates?|responses?|respond\w*|results?|outcomes?|efficacy|risk\s+factors?|"
    r"predictors?|associated|mechanism|work|works|target\w*|defin\w*|mean[st]?|stand\s+for|why|reported|shown|"
    r"found|seen|observed|trend|difference|compared|versus|vs\.?|than|benefit|role|approved|approval|label(?:led)?|"
    r"indicat\w*|eligib\w*\s+for\s+(?:the\s+)?trial|enrol\w*|excluded|included|designed?|randomi[sz]\w*|"
    r"limit|cap|cycles?\s+(?:before|when)|typically|usually|common(?:ly)?)\b",
    _I,
)
# Asking what to do for someone.
_ADVICE = re.compile(
    r"\b(?:options?|what\s+(?:next|now|would\s+you|do\s+you|should|to\s+(?:do|give|use|pick|choose))|which\s+(?:agent|"
    r"drug|therapy|treatment|one|option|is\s+best)|best\s+(?:option|choice|agent|next)|next\s+steps?|"
    r"(?:should|can|could|would)\s+(?:we|i|she|he|they)\b|(?:is|would)\s+(?:she|he|they)\s+(?:eligible|a\s+candidate|"
    r"suitable|ok)|candidate|suitable|eligible|recommend\w*|suggest\w*|advise|plan|pick|choose|go\s+for|"
    r"thoughts|your\s+(?:view|take|opinion)|what\s+about|how\s+about)\b",
    _I,
)
# "be" and "have" open a question only with their subject after them ("had she...", "is it..."):
# shorthand drops the subject of statements, so "had Blincyto in 1st relapse" and "is 45" state facts.
# Modal auxiliaries ("can InO be given after allo") always ask.
# Whether a drug suits someone: advice when the sentence also gives that someone's findings
# ("CD22 70%, is ino reasonable?"); alone it may ask about the evidence ("is InO safe in pregnancy?").
_SUITABILITY = re.compile(
    r"\b(?:reasonable|appropriate|ok|okay|safe|sensible|worth\s+(?:it|trying|a\s+try)|a\s+good\s+idea|an\s+option|"
    r"the\s+(?:right|best)\s+(?:choice|option|call)|indicated|justified|fit\s+for|go\s+ahead|feasible)\b",
    _I,
)
_QUESTION_START = re.compile(
    r"^\s*(?:what|which|who|whom|when|where|why|how|any|tell|explain|describe|summari[sz]e|list|give|show|compare|"
    r"define|do|does|did|can|could|should|would|will|may|might|(?:is|are|was|were)\s+(?:she|he|it|they|"
    r"there|this|that|these|those|the|a|an|my|our|your|we|i|you|patients?|pts?|one|any|all|most|some)\b"
    # "had a transplant 3 years ago" is shorthand for a statement; "has she had ..." asks
    r"|(?:has|have|had)\s+(?:she|he|it|they|there|this|that|these|those|the|my|our|your|we|i|you|patients?|pts?|"
    r"any|all|most|some)\b)\b",
    _I,
)


# A question put indirectly: "our team wants to know which criteria ...", "asking whether ...".
_INDIRECT_QUESTION = re.compile(
    r"\b(?:want|wants|wanted|would\s+like|need|needs|needed|asked|asking|asks|trying)\s+to\s+(?:know|find\s+out|"
    r"understand|check)\b|\b(?:asking|asks|asked|wondering|wonder|unsure|not\s+sure|query|question\s+is)\s+"
    r"(?:about\s+)?(?:whether|if|which|what|how|when|why)\b|\bcan\s+you\s+(?:tell|explain)\b",
    _I,
)
_BARE_ANSWER = re.compile(r"^\s*(?:yes|yep|no|nope|none|never|nil|n/a)\s*[.!]*\s*$", _I)
# A course of the disease in a statement, not a request for response data: "no response", "responded".
_OUTCOME_FINDING = re.compile(
    r"\b(?:no|poor|partial|good|complete|minimal|without|any|some|brief|transient)\s+(?:response|responses)\b"
    r"|\b(?:responded|did\s*n[o']?t\s+respond|not\s+responding)\b",
    _I,
)


@dataclass(frozen=True)
class SentenceReading:
    text: str
    start: int
    end: int
    question: bool
    anchor: bool
    population: bool
    data_request: bool
    advice: bool
    states_facts: bool = False

    @property
    def kind(self) -> About:
        """What this sentence is about, in the order of the module docstring."""
        if self.anchor:
            return "patient"
        if self.population:
            return "evidence"
        if self.advice:
            return "patient"
        if not self.question and not self.data_request:
            return "patient" if self.states_facts else "neither"
        if self.states_facts:
            # "HSCT planned, SOS risk?": findings and a question, and nothing says whose.
            return "unclear"
        return "evidence"


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the message's sentences; decimals ("1.5x ULN") stay inside their sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in re.finditer(rf"(?:{SENTENCE_END})+", text, re.IGNORECASE):
        end = match.end()
        if text[start:end].strip(" .!?;\n"):
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    # "prior CAR-T? no.": a bare yes/no answers the question before it, and reads with it.
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and _BARE_ANSWER.match(text[span[0] : span[1]]) and text[: merged[-1][1]].rstrip().endswith("?"):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def read_sentence(text: str, start: int = 0, end: int | None = None, *, states_facts: bool = False) -> SentenceReading:
    end = len(text) if end is None else end
    piece = text[start:end]
    stripped = piece.strip()
    return SentenceReading(
        text=stripped,
        start=start,
        end=end,
        question=stripped.endswith("?") or bool(_QUESTION_START.match(stripped) or _INDIRECT_QUESTION.search(piece)),
        anchor=bool(_ANCHOR.search(piece)),
        population=bool(_POPULATION.search(NOT_PEOPLE.sub(" ", _REGIMEN_USE.sub(" ", piece)))),
        data_request=bool(_DATA_REQUEST.search(_OUTCOME_FINDING.sub(" ", piece))),
        advice=bool(_ADVICE.search(piece)) or (states_facts and bool(_SUITABILITY.search(piece))),
        states_facts=states_facts,
    )


def blank_except(text: str, readings: list[SentenceReading], kinds: tuple[About, ...]) -> str:
    """The message with every sentence not of ``kinds`` blanked out (same length), so fact spans
    found in the result still point into the original words."""
    keep = [" "] * len(text)
    for r in readings:
        if r.kind in kinds:
            keep[r.start : r.end] = text[r.start : r.end]
    return "".join(keep)


def overall(readings: list[SentenceReading]) -> About:
    kinds = {r.kind for r in readings}
    patient = "patient" in kinds
    evidence = "evidence" in kinds
    if patient and evidence:
        return "both"
    if patient:
        return "patient"
    if "unclear" in kinds:
        return "unclear"
    if evidence:
        return "evidence"
    return "neither"


def read_message(text: str, states_facts: Callable[[str], bool] = lambda _: False) -> list[SentenceReading]:
    """Each sentence of ``text``, read; ``states_facts`` says whether a sentence sets or clears a fact."""
    return [read_sentence(text, s, e, states_facts=states_facts(text[s:e])) for s, e in sentences(text)]
