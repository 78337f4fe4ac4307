"""Shared pieces of every question builder: the options (keyed plus refuted distractors) and the rule
outputs shown with the explanation."""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from assistant.tutor.judge import Case, Verdict, cap, passages_of, risk_passages
from assistant.tutor.models import Claim, Option, Question, RuleOutput, Topic, plain
from assistant.tutor.vignette import Facts, consistent, describe, profile_of
from tools.agents import Agent
from tools.flags import Flag
from tools.rules.label import LABELS
from tools.sequencing import SequencingPoint
from tools.toxicity import ToxicityRisk


class GenerationError(RuntimeError):
    """The tools did not confirm the claim a builder keyed: a bug, never shown to a learner."""


@dataclass(frozen=True)
class Meta:
    seed: int
    topic: Topic
    free_text: bool


Judge = Callable[[Claim], Verdict]


# The fields a vignette states, while the generator rebuilds a question on them (see focus.py); None
# while it builds on the fully drawn patient. A context variable, so that every builder (and any added
# later) gets the smaller patient through make_case without a new argument.
STATED: ContextVar[frozenset[str] | None] = ContextVar("rrall_tutor_stated", default=None)


def make_case(facts: Facts) -> Case:
    shown = consistent(facts)
    keep = STATED.get()
    if keep is not None:
        shown = {k: (v if k in keep else None) for k, v in shown.items()}
    return Case(profile_of(shown))


def make_question(meta: Meta, case: Case, **fields: object) -> Question:
    profile = case.profile.model_dump(mode="json", exclude_none=True)
    return Question.model_validate(
        {"seed": meta.seed, "topic": meta.topic, "vignette": describe(case.profile), "profile": profile, **fields}
    )


@dataclass(frozen=True)
class Options:
    options: tuple[Option, ...]
    keyed: Verdict


def assemble(
    rng: random.Random,
    keyed: tuple[Claim, str],
    candidates: Sequence[tuple[Claim, str]],
    judge: Judge,
    *,
    distractors: int = 3,
    minimum: int = 2,
) -> Options | None:
    """The keyed claim (which the tools must confirm) and up to ``distractors`` candidates they refute,
    shuffled and lettered. None when fewer than ``minimum`` refuted candidates exist."""
    keyed_claim, keyed_text = keyed
    verdict = judge(keyed_claim)
    if not verdict.holds:
        raise GenerationError(f"the tools do not confirm the keyed answer {keyed_text!r}: {plain(verdict.reason)}")
    seen_claims, seen_texts = {keyed_claim}, {keyed_text}
    refuted: list[tuple[Claim, str, Verdict]] = []
    for claim, text in candidates:
        if claim in seen_claims or text in seen_texts:
            continue
        seen_claims.add(claim)
        seen_texts.add(text)
        judged = judge(claim)
        if not judged.holds:
            refuted.append((claim, text, judged))
    if len(refuted) < minimum:
        return None
    chosen = rng.sample(refuted, k=min(distractors, len(refuted)))
    drafts = [(keyed_claim, keyed_text, verdict), *chosen]
    rng.shuffle(drafts)
    options = tuple(
        Option(key=key, text=text, claim=claim, correct=judged.holds, reason=judged.reason)
        for key, (claim, text, judged) in zip(string.ascii_uppercase, drafts, strict=False)
    )
    return Options(options=options, keyed=verdict)


# -- rule outputs ------------------------------------------------------------------------------------
def flag_output(agent: Agent, flag: Flag) -> RuleOutput:
    return RuleOutput(tool="assess", agent=agent, code=flag.code, value=flag.severity, text=flag.message,
                      passage_ids=passages_of([flag]))


def flag_outputs(case: Case, agents: Sequence[Agent], codes: tuple[str, ...] | None = None) -> list[RuleOutput]:
    return [flag_output(agent, flag) for agent in agents for flag in case.flags(agent, codes)]


def label_output(case: Case, agent: Agent) -> RuleOutput:
    verdict = case.verdicts[agent]
    return RuleOutput(tool="assess", agent=agent, code="label_status", value=verdict.label_status,
                      text=verdict.label_reason, passage_ids=tuple(c.passage_id for c in LABELS[agent].citations))


def suitability_output(case: Case, agent: Agent) -> RuleOutput:
    verdict = case.verdicts[agent]
    critical = [f.code for f in verdict.flags if f.severity == "critical"]
    text = f"ruled out by {', '.join(critical)}" if critical else "nothing rules it out"
    return RuleOutput(tool="assess", agent=agent, code="suitable", value=str(verdict.suitable).lower(), text=text)


def toxicity_output(agent: Agent, risk: ToxicityRisk) -> RuleOutput:
    present = [f.patient_fact for f in risk.risk_factors if f.patient_fact]
    rates = "; ".join(risk.review_rates)
    factors = "; ".join(present) if present else "none of the named risk factors present"
    return RuleOutput(tool="assess_toxicity", agent=agent, code=risk.syndrome, value=risk.level,
                      text=f"{risk.name}: {rates}. Risk factors: {factors}.",
                      passage_ids=tuple(risk_passages(risk)))


def point_output(point: SequencingPoint) -> RuleOutput:
    return RuleOutput(tool="sequencing_considerations", code=point.code,
                      value="applies" if point.applies else "does not apply",
                      text=f"{point.title}: {point.reason}. {cap(point.point)}",
                      passage_ids=tuple(c.passage_id for c in point.citations))
