"""Seeded question generation: ``generate(seed, topic)`` always gives the same question.

A topic is asked through a few kinds of question (weights below); a builder may decline a draw that
makes a poor question (say, too few refuted distractors), and the next draw from the same random
source is tried, so the result stays a pure function of (seed, topic, free_text).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import partial

from assistant.tutor import cases, factors, focus, judge, label_currency, plausibility, recall
from assistant.tutor.build import STATED, GenerationError, Meta
from assistant.tutor.judge import Case, Verdict
from assistant.tutor.models import TOPICS, Claim, Kind, Question, Topic
from tools.profile import PatientProfile

Builder = Callable[[random.Random, Meta], Question | None]

BUILDERS: dict[str, Builder] = {
    "label_status": cases.label_status,  # its free-text form asks for the off-label agents
    "unsuitable_agent": cases.unsuitable_agent,
    "toxicity_concern": cases.toxicity_concern,
    "factor": factors.factor,
    "missing_fact": factors.missing_fact,
    "sequencing_point": factors.sequencing_point,
    "evidence_figure": recall.evidence_figure,
    "evidence_trial": recall.evidence_trial,
    "label_now": label_currency.label_now,
}
# Builders that also ask in free text (about one question in four, unless the caller decides).
FREE_TEXT = frozenset({"label_status", "unsuitable_agent", "toxicity_concern", "missing_fact", "evidence_figure",
                       "evidence_trial"})
FREE_TEXT_SHARE = 0.25

TOPIC_KINDS: dict[Topic, tuple[tuple[str, float], ...]] = {
    "label": (("label_status", 0.55), ("label_now", 0.2), ("missing_fact", 0.25)),
    "antigen": (("unsuitable_agent", 0.45), ("factor", 0.4), ("missing_fact", 0.15)),
    "toxicity": (("toxicity_concern", 0.75), ("missing_fact", 0.25)),
    "burden": (("factor", 0.75), ("missing_fact", 0.25)),
    "cns": (("factor", 0.75), ("missing_fact", 0.25)),
    "hsct": (("factor", 0.7), ("missing_fact", 0.3)),
    "logistics": (("factor", 0.75), ("missing_fact", 0.25)),
    "sequencing": (("sequencing_point", 1.0),),
    "evidence": (("evidence_figure", 0.65), ("evidence_trial", 0.35)),
}
_ATTEMPTS = 50


def topic_for_seed(seed: int) -> Topic:
    topic: Topic = random.Random(f"rrall-tutor-topic:{seed}").choice(TOPICS)
    return topic


def generate(seed: int, topic: Topic | None = None, *, free_text: bool | None = None,
             distractors: int = focus.DISTRACTOR_COUNT) -> Question:
    """The question for ``seed`` on ``topic`` (a topic drawn from the seed when None).
    ``free_text``: True or False forces the form where a kind offers both; None lets the seed decide.
    ``distractors``: how many facts the vignette states beyond those the question turns on."""
    topic = topic or topic_for_seed(seed)
    rng = random.Random(f"rrall-tutor:{seed}:{topic}")
    builders, weights = zip(*TOPIC_KINDS[topic], strict=True)
    facts_rng = random.Random(f"rrall-tutor-facts:{seed}:{topic}")
    for _ in range(_ATTEMPTS):
        name = rng.choices(builders, weights=weights)[0]
        wants_free = rng.random() < FREE_TEXT_SHARE if free_text is None else free_text
        meta = Meta(seed=seed, topic=topic, free_text=wants_free and name in FREE_TEXT)
        before = rng.getstate()
        question = BUILDERS[name](rng, meta)
        if question is None or question.profile is None:
            if question is not None:
                return question
            continue
        # Build again on the same draw, keeping only what the question turns on and a few distractors.
        after = rng.getstate()
        token = STATED.set(focus.stated(question, facts_rng, distractors=distractors))
        try:
            rng.setstate(before)
            question = BUILDERS[name](rng, meta)
        finally:
            STATED.reset(token)
            rng.setstate(after)
        if question is not None and not plausibility.problems(question.profile or {}, agent=question.agent):
            return question
    raise GenerationError(f"no question for seed {seed} on {topic} after {_ATTEMPTS} draws")


def judge_for(question: Question) -> Callable[[Claim], Verdict]:
    """The tools' judge for any claim about this question's patient (or pack fact)."""
    if question.fact_ref is not None:
        found = recall.find(*question.fact_ref)
        return partial(recall.judge_figure, found) if question.kind == "evidence_figure" \
            else partial(recall.judge_trial, found)
    case = Case(PatientProfile.model_validate(question.profile or {}))
    agent = question.agent
    by_kind: dict[Kind, Callable[[Claim], Verdict]] = {
        "unsuitable_agent": partial(judge.unsuitable_agent, case),
        "off_label_agents": partial(judge.off_label_agents, case),
        "factor": partial(judge.factor, case, question.focus_codes),
        "sequencing_point": partial(judge.sequencing_point, case),
        "label_now": partial(label_currency.judge_label_now, case),
    }
    if agent is not None:
        by_kind |= {
            "label_status": partial(judge.label_status, case, agent),
            "toxicity_concern": partial(judge.toxicity_concern, case, agent),
            "missing_fact": partial(judge.missing_fact, case, agent),
        }
    return by_kind[question.kind]


def disagreements(question: Question) -> list[str]:
    """Where a stored question and a fresh run of the tools disagree: the keyed answer not confirmed,
    or an option marked wrong that they confirm. Empty for every question the generator makes."""
    check = judge_for(question)
    problems = []
    if not check(question.answer).holds:
        problems.append(f"keyed answer {question.answer_text!r} not confirmed")
    for option in question.options:
        if check(option.claim).holds != option.correct:
            problems.append(f"option {option.key} {option.text!r}: marked {option.correct}, tools say otherwise")
    if question.options and sum(o.correct for o in question.options) != 1:
        problems.append("not exactly one keyed option")
    return problems
