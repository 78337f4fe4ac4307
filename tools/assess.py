"""The assessment: for each agent its label status, its flags and whether it is suitable, plus the
facts not given that could change any of that. The body of ``POST /v1/assess``."""

from __future__ import annotations

import datetime as dt

from tools.agents import AGENTS, Agent
from tools.flags import SEVERITY_RANK, AgentAssessment, Assessment, Flag
from tools.profile import PROFILE_FIELDS, PatientProfile
from tools.rules import RULES
from tools.rules.label import label_reads, label_status


def decisive_fields(agent: Agent) -> frozenset[str]:
    """The fields the agent's label or one of its rules reads. ph_positive, for one, is in none:
    blinatumomab's label covers Ph-negative and Ph-positive disease alike."""
    return frozenset(label_reads(agent)).union(*(r.reads for r in RULES if agent in r.agents))


DECISIVE_FIELDS: dict[Agent, frozenset[str]] = {agent: decisive_fields(agent) for agent in AGENTS}


def agent_flags(profile: PatientProfile, agent: Agent) -> list[Flag]:
    """The agent's flags, most serious first, then in registry order."""
    flags = [flag for r in RULES if (flag := r.evaluate(profile, agent)) is not None]
    return sorted(flags, key=lambda flag: SEVERITY_RANK[flag.severity])


def assess_agent(profile: PatientProfile, agent: Agent) -> AgentAssessment:
    status, reason = label_status(profile, agent)
    flags = agent_flags(profile, agent)
    return AgentAssessment(
        agent=agent,
        label_status=status,
        label_reason=reason,
        suitable=not any(flag.severity == "critical" for flag in flags),
        flags=flags,
    )


def missing_facts(profile: PatientProfile, agent: Agent | None = None) -> list[str]:
    """Fields not given that a label or a rule reads (for one agent, or any), in the profile's order."""
    agents = AGENTS if agent is None else (agent,)
    decisive = frozenset().union(*(DECISIVE_FIELDS[a] for a in agents))
    return [f for f in PROFILE_FIELDS if f in decisive and getattr(profile, f) is None]


def assess(profile: PatientProfile, *, as_of: dt.date | None = None) -> Assessment:
    """Assess all three agents for this patient. Pure: the same profile always gives the same result.

    ``as_of`` is recorded in the result; the label facts are those the review states (2020) whatever
    the date, and a later label source would be added as a separate, dated source.
    """
    return Assessment(
        profile=profile,
        agents=[assess_agent(profile, agent) for agent in AGENTS],
        missing=missing_facts(profile),
        as_of=as_of,
    )
