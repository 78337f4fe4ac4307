"""The assessment: for each agent its label status, its flags and whether it is suitable, plus the
facts not given that could change any of that. The body of ``POST /v1/assess``."""

from __future__ import annotations

import datetime as dt

from tools.agents import AGENTS, Agent
from tools.flags import SEVERITY_RANK, AgentAssessment, Assessment, Flag
from tools.profile import PROFILE_FIELDS, PatientProfile
from tools.rules import RULES
from tools.rules.label import label_reads, label_status
from tools.rules.label_editions import (
    Edition,
    edition_flags,
    label_now,
    later_approvals,
    later_approvals_note,
)


def decisive_fields(agent: Agent) -> frozenset[str]:
    """The fields the agent's label or one of its rules reads. ph_positive, for one, is in none:
    blinatumomab's label covers Ph-negative and Ph-positive disease alike."""
    return frozenset(label_reads(agent)).union(*(r.reads for r in RULES if agent in r.agents))


DECISIVE_FIELDS: dict[Agent, frozenset[str]] = {agent: decisive_fields(agent) for agent in AGENTS}


def agent_flags(profile: PatientProfile, agent: Agent) -> list[Flag]:
    """The agent's flags, most serious first, then in registry order."""
    flags = [flag for r in RULES if (flag := r.evaluate(profile, agent)) is not None]
    return sorted(flags, key=lambda flag: SEVERITY_RANK[flag.severity])


def assess_agent(profile: PatientProfile, agent: Agent, *, edition: Edition = "review-2020") -> AgentAssessment:
    status, reason = label_status(profile, agent)
    flags = edition_flags(profile, agent, agent_flags(profile, agent), edition)
    flags.sort(key=lambda flag: SEVERITY_RANK[flag.severity])
    return AgentAssessment(
        agent=agent,
        label_status=status,
        label_reason=reason,
        label_now=label_now(profile, agent, review=status),
        suitable=not any(flag.severity == "critical" for flag in flags),
        flags=flags,
    )


def missing_facts(profile: PatientProfile, agent: Agent | None = None) -> list[str]:
    """Fields not given that a label or a rule reads (for one agent, or any), in the profile's order."""
    agents = AGENTS if agent is None else (agent,)
    decisive = frozenset().union(*(DECISIVE_FIELDS[a] for a in agents))
    return [f for f in PROFILE_FIELDS if f in decisive and getattr(profile, f) is None]


LABEL_BASIS: dict[Edition, str] = {
    "review-2020": "FDA labels as stated in the review (2020); label_now gives the current edition",
    "current": "label flags follow the current edition (the updates source); label_status stays the review's",
}


def assess(
    profile: PatientProfile, *, as_of: dt.date | None = None, edition: Edition = "review-2020"
) -> Assessment:
    """Assess all three agents for this patient. Pure: the same profile always gives the same result.

    Every agent carries both label editions: ``label_status`` as the review states it (2020) and
    ``label_now`` as of the latest date in the updates source. ``edition`` picks which one the label
    flags follow; nothing but the label rules changes with it. ``as_of`` is recorded in the result.
    """
    return Assessment(
        profile=profile,
        agents=[assess_agent(profile, agent, edition=edition) for agent in AGENTS],
        missing=missing_facts(profile),
        as_of=as_of,
        edition=edition,
        label_basis=LABEL_BASIS[edition],
        later_approvals=later_approvals(profile),
        later_approvals_note=later_approvals_note(profile),
    )
