"""Decide what a turn does: which tools run, what to retrieve, which facts to ask for. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.compose import questions_for
from tools.vocabulary import ASK_ORDER, FIELDS

# Facts whose absence changes a judgement, by the agent they matter for (tools.vocabulary).
_DECISIVE_FOR_AGENT = {
    agent: tuple(name for name in ASK_ORDER if agent in FIELDS[name].decisive_for)
    for agent in ("blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel")
}
_DECISIVE = ASK_ORDER


@dataclass(frozen=True)
class Plan:
    intent: str
    kind: str
    agents: tuple[str, ...] = ()
    run_assessment: bool = False
    run_sequencing: bool = False
    run_toxicity: bool = False
    retrieve: bool = False
    query: str | None = None
    k: int = 6
    show: int = 3
    ask: tuple[tuple[str, str], ...] = ()
    acknowledge: bool = False
    discusses_patient: bool = False
    reset: bool = False
    injection: bool = False
    subject: str | None = None
    topics: tuple[str, ...] = field(default=())


def plan_turn(
    intent: Any,
    *,
    patient: dict[str, Any],
    new_facts: dict[str, Any],
    cleared: Sequence[str],
    reset: bool,
    injection: bool,
    asked_before: Sequence[str] = (),
) -> Plan:
    """``asked_before``: the facts asked for last turn; a question the user let pass is not repeated."""
    kind: str = intent.kind
    has_patient = bool(patient)
    stated_facts = bool(new_facts) or bool(cleared) or reset
    base = Plan(
        intent=kind, kind=kind, agents=tuple(getattr(intent, "agents", ()) or ()), reset=reset,
        injection=injection, topics=tuple(getattr(intent, "topics", ()) or ()),
        subject=getattr(intent, "subject", None),
    )

    if kind in ("greeting", "help", "out_of_scope") and not stated_facts:
        return base
    # Facts about a patient, with or without a question: assess, and say what is still missing.
    facts_only = stated_facts and kind in ("greeting", "help", "out_of_scope", "evidence_fact", "definition") \
        and not _asks_question(intent)
    if kind == "patient_assessment" or facts_only:
        if reset and not new_facts:
            return replace(base, kind="reset")
        return replace(
            base, kind="patient_assessment", run_assessment=has_patient, acknowledge=True,
            discusses_patient=True, ask=_ask(patient, base.agents, asked_before),
        )
    if kind == "patient_toxicity":
        return replace(
            base, run_toxicity=True, acknowledge=stated_facts, discusses_patient=True,
            ask=_ask(patient, base.agents, asked_before),
        )
    if kind == "sequencing":
        return replace(
            base, run_sequencing=True, retrieve=not has_patient, show=2,
            acknowledge=has_patient and stated_facts, discusses_patient=has_patient,
        )
    if kind == "comparison":
        return replace(
            base, run_assessment=has_patient, retrieve=True, k=8, show=4,
            acknowledge=has_patient and stated_facts, discusses_patient=has_patient,
        )
    # Evidence and definitions: retrieval; with a patient known, facts stated this turn still count.
    return replace(
        base, retrieve=True, acknowledge=has_patient and stated_facts,
        run_assessment=has_patient and stated_facts, discusses_patient=has_patient and stated_facts,
    )


def _ask(
    patient: dict[str, Any], agents: Sequence[str], asked_before: Sequence[str] = ()
) -> tuple[tuple[str, str], ...]:
    decisive: list[str] = []
    for agent in agents:
        decisive.extend(_DECISIVE_FOR_AGENT.get(agent, ()))
    decisive.extend(_DECISIVE)
    missing = [f for f in dict.fromkeys(decisive) if f not in patient and f not in asked_before]
    return tuple(questions_for(missing, limit=2))


def _asks_question(intent: Any) -> bool:
    return bool(getattr(intent, "is_question", False))
