"""Grading: an option key ("B"), its number ("2"), or free text read the way the chat reads messages.
A multiple-choice question also takes its answer in the learner's own words (meaning.py).

Free text goes through the chat's understanding layer: the same agent patterns (synonyms, brand
names, misspellings by shape), the same NegEx-style scope ("not InO" does not name InO), the same
field vocabulary and ``extract_facts`` ("CD22 unknown" names the CD22 as the missing fact), and the
same topic words for the toxicities ("VOD" is SOS). A close misspelling the patterns miss
("Kymria", "Besponza") is caught by a fuzzy match on whole words.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.tutor.generator import judge_for
from assistant.tutor.meaning import closest, concepts, label_claim
from assistant.tutor.models import Cited, Claim, Grade, Option, Question, Syndrome
from assistant.tutor.recall import canonical_trials, numbers
from assistant.understanding.facts import extract_facts
from assistant.understanding.lexicon import TOPICS
from assistant.understanding.retraction import FIELD_WORDS
from assistant.understanding.scope import Scope, normalise
from assistant.understanding.vocabulary import AGENT_PATTERNS, CD22_CAR_TERM
from tools.agents import AGENTS, Agent

_SYNDROME_TOPICS: dict[str, Syndrome] = {"sos": "SOS", "crs": "CRS", "icans": "ICANS"}
# Whole words close enough to these are read as them when no pattern matched ("kymria", "besponza").
_FUZZY: dict[str, Agent | Syndrome] = {
    "blinatumomab": "blinatumomab", "blincyto": "blinatumomab", "inotuzumab": "inotuzumab_ozogamicin",
    "ozogamicin": "inotuzumab_ozogamicin", "besponsa": "inotuzumab_ozogamicin",
    "tisagenlecleucel": "tisagenlecleucel", "kymriah": "tisagenlecleucel", "sinusoidal": "SOS",
    "venoocclusive": "SOS", "cytokine": "CRS", "neurotoxicity": "ICANS",
}
_NONE = re.compile(r"\b(?:none|neither|no\s+(?:agent|drug|one)s?|nothing|all\s+(?:three\s+)?(?:are\s+)?(?:on[\s-]label|"
                   r"fine|suitable|possible))\b", re.IGNORECASE)
_ALL = re.compile(r"\ball\s+(?:three|3)\b|\ball\s+of\s+them\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z][a-z-]{4,}")
_KEY = re.compile(r"^\s*(?:option\s+|answer\s+)?\(?([a-z])\)?[.):]?\s*$", re.IGNORECASE)
_FIELD_PATTERNS = tuple((re.compile(rf"\b(?:{words})\b", re.IGNORECASE), fields) for words, fields in FIELD_WORDS)


@dataclass(frozen=True)
class Reading:
    """What a free-text answer names, negated mentions left out."""

    agents: frozenset[Agent] = frozenset()
    none: bool = False
    syndromes: frozenset[Syndrome] = frozenset()
    fields: tuple[frozenset[str], ...] = ()
    figures: tuple[float, ...] = ()
    trials: frozenset[str] = field(default_factory=frozenset)


def read(text: str) -> Reading:
    scope = Scope(text[:500])
    low = scope.low
    taken: list[tuple[int, int]] = []
    agents: set[Agent] = set()
    for agent, pattern in AGENT_PATTERNS.items():
        for m in pattern.finditer(scope.norm):
            taken.append(m.span())
            cd22_car = agent == "tisagenlecleucel" and re.search(CD22_CAR_TERM, low[max(0, m.start() - 8):m.end()],
                                                                 re.IGNORECASE)
            if not cd22_car and not scope.negated(*m.span()):
                agents.add(agent)
    syndromes: set[Syndrome] = set()
    for name, pattern in TOPICS:
        if name in _SYNDROME_TOPICS:
            for m in pattern.finditer(low):
                taken.append(m.span())
                if not scope.negated(*m.span()):
                    syndromes.add(_SYNDROME_TOPICS[name])
    for m in _WORD.finditer(low):
        if any(a <= m.start() < b for a, b in taken) or scope.negated(*m.span()):
            continue
        close = difflib.get_close_matches(m.group().replace("-", ""), _FUZZY, n=1, cutoff=0.8)
        if close:
            target = _FUZZY[close[0]]
            (syndromes if target in ("SOS", "CRS", "ICANS") else agents).add(target)  # type: ignore[arg-type]
    if _ALL.search(low):
        agents |= set(AGENTS)
    groups: list[frozenset[str]] = []
    claimed: list[tuple[int, int]] = []
    for pattern, fields in _FIELD_PATTERNS:  # most specific first: "prior transplant" is not "transplant"
        for m in pattern.finditer(low):
            if not any(a < m.end() and m.start() < b for a, b in claimed):
                claimed.append(m.span())
                groups.append(frozenset(fields))
    groups += [frozenset({name}) for name in extract_facts(text).cleared]
    figures = tuple(n for m in re.finditer(r"(?<![a-z\d.,])\d+(?:[.,]\d+)?", low) if not scope.negated_before(m.start())
                    for n in numbers(m.group().replace(",", ".")))
    return Reading(agents=frozenset(agents), none=bool(_NONE.search(low)) and not agents,
                   syndromes=frozenset(syndromes), fields=tuple(groups), figures=figures,
                   trials=frozenset(canonical_trials(normalise(text))))


# -- free text against the keyed answer, per kind --------------------------------------------------------
def _agents_said(reading: Reading) -> frozenset[Agent] | None:
    return reading.agents if reading.agents or reading.none else None


# "The CD19-directed ones" names agents by their target.
_BY_TARGET: dict[str, tuple[Agent, ...]] = {"cd19": ("blinatumomab", "tisagenlecleucel"),
                                            "cd22": ("inotuzumab_ozogamicin",)}


def _said(question: Question, reading: Reading, text: str = "") -> Claim | None:
    """The claim a free-text answer makes, in the question's terms; None when it makes none."""
    kind = question.kind
    if kind == "label_status":
        return label_claim(text)
    if kind in ("unsuitable_agent", "off_label_agents"):
        said = _agents_said(reading)
        if said is None and kind == "unsuitable_agent":
            named = concepts(text)
            by_target = frozenset(a for target, agents in _BY_TARGET.items() if target in named for a in agents)
            said = by_target or None
        return None if said is None else Claim(agents=tuple(a for a in AGENTS if a in said))
    if kind == "toxicity_concern" and reading.syndromes:
        syndromes = tuple(s for s in ("SOS", "CRS", "ICANS") if s in reading.syndromes)
        return Claim(syndromes=syndromes, level=question.answer.level)
    if kind == "missing_fact" and reading.fields:
        target = question.answer.field
        named = next((g for g in reading.fields if target in g), reading.fields[0])
        return Claim(field=target if target in named else sorted(named)[0])
    if kind == "evidence_figure" and reading.figures:
        wanted = numbers(question.answer.figure or "")
        hit = set(wanted) <= set(reading.figures)
        return Claim(figure=question.answer.figure if hit else " ".join(f"{n:g}" for n in reading.figures))
    if kind == "evidence_trial" and reading.trials:
        return Claim(trial=question.answer.trial if question.answer.trial in reading.trials else min(reading.trials))
    return None


def _correct(question: Question, said: Claim) -> bool:
    if question.kind == "toxicity_concern":
        # Naming one of the main syndromes is enough in free text ("CRS" for CAR T); the level is not asked.
        return bool(said.syndromes) and set(said.syndromes or ()) <= set(question.answer.syndromes or ())
    return said == question.answer


def _same(question: Question, said: Claim, option: Option) -> bool:
    """Whether a free-text answer says what an option says (in the terms the question asks)."""
    claim = option.claim
    checks: dict[str, Callable[[], bool]] = {
        "unsuitable_agent": lambda: set(claim.agents or ()) == set(said.agents or ()),
        "label_status": lambda: (claim.age_out, claim.setting_out) == (said.age_out, said.setting_out),
        "toxicity_concern": lambda: set(claim.syndromes or ()) == set(said.syndromes or ()),
        "missing_fact": lambda: claim.field == said.field,
        "evidence_figure": lambda: numbers(claim.figure or "") == numbers(said.figure or ""),
        "evidence_trial": lambda: claim.trial == said.trial,
    }
    check = checks.get(question.kind)
    return check is not None and check()


def choose(question: Question, answer: str) -> Option | None:
    """The option a reply picks by key, number or its own words; None when it picks none."""
    text = answer.strip()
    by_key = {o.key.lower(): o for o in question.options}
    key = _KEY.match(text)
    if key and key.group(1).lower() in by_key:
        return by_key[key.group(1).lower()]
    number = re.fullmatch(r"\s*#?(\d{1,2})[.)]?\s*", text)
    if number and 1 <= int(number.group(1)) <= len(question.options):
        return question.options[int(number.group(1)) - 1]
    texts = {o.text.casefold(): o for o in question.options}
    close = difflib.get_close_matches(text.casefold(), texts, n=1, cutoff=0.85)
    return texts[close[0]] if close else None


def grade(question: Question, answer: str) -> Grade:
    """Right or wrong, and for a wrong answer the tools' reason it is wrong for this patient.
    ``recognised`` is False only for a multiple-choice reply that picks no option and says nothing
    the question's kind can read."""
    option = choose(question, answer) if question.options else None
    if option is not None:
        return _option_grade(option)
    said = _said(question, read(answer), answer)
    if said is None:
        if question.options:  # the learner's own words: the option they mean, if one clearly is
            meant = closest(question, answer)
            return _option_grade(meant) if meant else Grade(recognised=False, correct=False)
        return Grade(recognised=True, correct=False, why_wrong=(Cited(text=_NOTHING[question.kind]),))
    matches = [o for o in question.options if _same(question, said, o)]
    return _option_grade(matches[0]) if len(matches) == 1 else _free_grade(question, said)


def _option_grade(option: Option) -> Grade:
    if option.correct:
        return Grade(recognised=True, correct=True, chosen=option.key)
    return Grade(recognised=True, correct=False, chosen=option.key, why_wrong=option.reason)


def _free_grade(question: Question, said: Claim) -> Grade:
    if _correct(question, said):
        return Grade(recognised=True, correct=True)
    verdict = judge_for(question)(said)
    return Grade(recognised=True, correct=False, why_wrong=verdict.reason)


_NOTHING: dict[str, str] = {
    "unsuitable_agent": "The answer names none of the three agents (and does not say 'none').",
    "off_label_agents": "The answer names none of the three agents (and does not say 'none').",
    "toxicity_concern": "The answer names no toxicity (SOS, CRS or neurotoxicity).",
    "missing_fact": "The answer names no patient fact.",
    "evidence_figure": "The answer gives no figure.",
    "evidence_trial": "The answer names none of the trials (INO-VATE, TOWER, ELIANA, AALL1331, AALL1621).",
}
