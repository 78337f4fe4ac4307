"""Evidence recall from the knowledge pack's structured facts (trial, population, outcome, figure).

The keyed figure is the fact's own value, which the pack's tests check against the passage text;
a distractor is a figure of the same kind taken from another fact, kept only when it shares no
number with the keyed figure or its comparator, so the pack itself proves it wrong.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache

from assistant.tutor.build import Meta, assemble
from assistant.tutor.judge import Verdict, cited
from assistant.tutor.models import Claim, Question, RuleOutput
from knowledge.pack import default_pack
from knowledge.schema import EvidenceFact

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# The trials a trainee is expected to know by name; other series have descriptive names.
TRIALS: dict[str, re.Pattern[str]] = {
    "INO-VATE": re.compile(r"\bino[\s-]?vate\b", re.IGNORECASE),
    "TOWER": re.compile(r"\btower\b", re.IGNORECASE),
    "ELIANA": re.compile(r"\beliana\b", re.IGNORECASE),
    "AALL1331": re.compile(r"\baall\s?1331\b", re.IGNORECASE),
    "AALL1621": re.compile(r"\baall\s?1621\b|\bnct02981628\b", re.IGNORECASE),
}


def numbers(text: str) -> tuple[float, ...]:
    return tuple(float(n) for n in _NUMBER.findall(text))


def canonical_trials(text: str) -> set[str]:
    return {name for name, pattern in TRIALS.items() if pattern.search(text)}


def unit(fact: EvidenceFact) -> str | None:
    """The kind of figure, so distractors look alike: percent, months, ratio or 'n of N'; None for
    figures not worth recalling (P values, trial numbers, words)."""
    value, outcome = fact.value.strip(), fact.outcome.lower()
    # P values, trial numbers, confidence intervals and thresholds ("≥15%") are not outcomes to recall.
    if not numbers(value) or value.startswith("P") or "NCT" in value or "CI" in value or value[:1] in "<>≥≤":
        return None
    if "%" in value:
        return "percent"
    if " of " in f" {value} ":
        return "count"
    if "month" in value or value.endswith("mo") or "(months)" in outcome:
        return "months"
    if "ratio" in outcome:
        return "ratio"
    return None


@dataclass(frozen=True)
class Recall:
    passage_id: str
    index: int
    fact: EvidenceFact
    unit: str


@cache
def recallable() -> tuple[Recall, ...]:
    out = []
    for passage in default_pack():
        for i, fact in enumerate(passage.facts):
            kind = unit(fact)
            if kind is not None:
                out.append(Recall(passage.id, i, fact, kind))
    return tuple(out)


def find(passage_id: str, index: int) -> Recall:
    return next(r for r in recallable() if (r.passage_id, r.index) == (passage_id, index))


def _statement(fact: EvidenceFact) -> str:
    versus = f" (comparator: {fact.comparator})" if fact.comparator else ""
    return f"{_named(fact.trial)}, {fact.population}: {fact.outcome}: {fact.value}{versus}."


def _named(trial: str, *, article: str = "The") -> str:
    """'INO-VATE' or 'COG NCT02981628' as they are; a descriptive name ('multicenter ... analysis',
    '19-28z CAR phase 1') with an article."""
    first = trial.split()[0] if trial.split() else trial
    return trial if first.upper() == first else f"{article} {trial}"


def judge_figure(recall: Recall, claim: Claim) -> Verdict:
    holds = numbers(claim.figure or "") == numbers(recall.fact.value)
    return Verdict(holds, (cited(_statement(recall.fact), (recall.passage_id,)),))


def judge_trial(recall: Recall, claim: Claim) -> Verdict:
    holds = claim.trial in canonical_trials(recall.fact.trial)
    return Verdict(holds, (cited(_statement(recall.fact), (recall.passage_id,)),))


def _output(recall: Recall) -> RuleOutput:
    passage = default_pack().by_id[recall.passage_id]
    refs = f" Review refs {', '.join(map(str, passage.refs))}." if passage.refs else ""
    return RuleOutput(tool="pack", code=recall.passage_id, value=recall.fact.value,
                      text=_statement(recall.fact) + refs, passage_ids=(recall.passage_id,))


def _question(meta: Meta, recall: Recall, **fields: object) -> Question:
    section = default_pack().by_id[recall.passage_id].section
    return Question.model_validate({
        "seed": meta.seed, "topic": "evidence", "fact_ref": (recall.passage_id, recall.index),
        "vignette": f"Evidence recall: Curran & O'Brien (Semin Hematol 2020), section \"{section}\".",
        "rule_outputs": (_output(recall),), **fields,
    })


def evidence_figure(rng: random.Random, meta: Meta) -> Question | None:
    recall = rng.choice(recallable())
    fact = recall.fact
    versus = f" The comparator was {fact.comparator}." if fact.comparator else ""
    prompt = f"In {_named(fact.trial, article='the')} ({fact.population}), what was the {fact.outcome}?{versus}"
    answer = Claim(figure=fact.value)
    if meta.free_text:
        verdict = judge_figure(recall, answer)
        return _question(meta, recall, kind="evidence_figure", prompt=prompt + " Give the figure.", answer=answer,
                         answer_text=fact.value, answer_reason=verdict.reason)
    taken = set(numbers(fact.value)) | set(numbers(fact.comparator or ""))
    pool = [r.fact.value for r in recallable() if r.unit == recall.unit and not taken & set(numbers(r.fact.value))]
    alike = [v for v in pool if len(numbers(v)) == len(numbers(fact.value))]
    values = list(dict.fromkeys(alike if len(set(alike)) >= 3 else pool))
    candidates = [(Claim(figure=v), v) for v in rng.sample(values, k=min(6, len(values)))]
    built = assemble(rng, (answer, fact.value), candidates, lambda c: judge_figure(recall, c))
    if built is None:
        return None
    return _question(meta, recall, kind="evidence_figure", prompt=prompt, answer=answer, options=built.options,
                     answer_text=fact.value, answer_reason=built.keyed.reason)


def evidence_trial(rng: random.Random, meta: Meta) -> Question | None:
    named = [r for r in recallable() if len(canonical_trials(r.fact.trial)) == 1]
    recall = rng.choice(named)
    fact = recall.fact
    trial = next(iter(canonical_trials(fact.trial)))
    versus = f" (comparator: {fact.comparator})" if fact.comparator else ""
    prompt = (f"Which trial reported this? Population: {fact.population}. Outcome: {fact.outcome}. "
              f"Figure: {fact.value}{versus}.")
    answer = Claim(trial=trial)
    if meta.free_text:
        verdict = judge_trial(recall, answer)
        return _question(meta, recall, kind="evidence_trial", prompt=prompt + " Name the trial.", answer=answer,
                         answer_text=trial, answer_reason=verdict.reason)
    # A trial that reported the same figure elsewhere would be a fair answer too: never offered.
    same = {t for r in recallable() if numbers(r.fact.value) == numbers(fact.value)
            for t in canonical_trials(r.fact.trial)}
    candidates = [(Claim(trial=t), t) for t in TRIALS if t not in same]
    built = assemble(rng, (answer, trial), candidates, lambda c: judge_trial(recall, c))
    if built is None:
        return None
    return _question(meta, recall, kind="evidence_trial", prompt=prompt, answer=answer, options=built.options,
                     answer_text=trial, answer_reason=built.keyed.reason)
