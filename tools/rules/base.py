"""The shape every rule shares, so each rule module reads like a page of the review.

A rule is data plus one small function:
- ``Outcome``: what the rule says for one agent (severity, wording, summary, citations), written
  beside the rule as a constant a reviewer can tick against the review;
- the check function: given the profile and an agent, does the rule fire, and on which patient facts;
- ``Rule``: the code, the agents it applies to, and the profile fields it reads (those fields are
  what ``missing`` reports when they are not given).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tools.agents import Agent
from tools.flags import Citation, Flag, Severity, Source
from tools.profile import PROFILE_FIELDS, PatientProfile

FlagCode = Literal[
    "LABEL_AGE",
    "LABEL_SETTING",
    "CD19_NEGATIVE",
    "CD19_DIM",
    "CD22_NEGATIVE",
    "CD22_PARTIAL",
    "KMT2A_REARRANGED",
    "PRIOR_CD19_THERAPY",
    "HIGH_DISEASE_BURDEN",
    "LOW_DISEASE_BURDEN",
    "SOS_RISK",
    "CRS_RISK",
    "ICANS_RISK",
    "CNS_DISEASE",
    "EXTRAMEDULLARY_DISEASE",
    "T_CELL_DYSFUNCTION",
    "MANUFACTURING_DELAY",
    "PRIOR_MANUFACTURING_FAILURE",
    "CONTINUOUS_INFUSION",
    "HSCT_BRIDGE",
    "HSCT_NOT_NEEDED",
]


def cite(passage_id: str, *refs: int) -> Citation:
    """A citation: a knowledge passage id (anchors.md) and the review's reference numbers."""
    return Citation(passage_id=passage_id, refs=refs)


def cite_update(passage_id: str) -> Citation:
    """A citation of an updates passage, with the date, page and publisher the source gives it.

    Read from the updates source itself, so a rule can never cite an update that does not exist or
    show a date the source does not have (KeyError at import otherwise).
    """
    from knowledge.pack import default_pack

    update = default_pack().updates.by_id[passage_id]
    return Citation(
        passage_id=passage_id, refs=(), source="updates", date=update.date, url=update.source_url,
        publisher=update.source_name, source_kind=update.source_kind,
    )


class Outcome(BaseModel):
    """What a rule says for one agent. ``text`` and ``summary`` may hold {placeholders} that the check
    function fills with patient values."""

    model_config = ConfigDict(frozen=True)

    severity: Severity
    text: str
    summary: str
    citations: tuple[Citation, ...] = Field(min_length=1)


class Finding(BaseModel):
    """A rule fired: which outcome, and the patient facts that fired it."""

    model_config = ConfigDict(frozen=True)

    outcome: Outcome
    facts: tuple[str, ...] = ()
    # Sentences that only hold for this patient (e.g. the 2-cycle limit when HSCT follows).
    extra: tuple[str, ...] = ()
    extra_citations: tuple[Citation, ...] = ()
    values: dict[str, str] = Field(default_factory=dict)


CheckFn = Callable[[PatientProfile, Agent], Finding | None]


class Rule(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: FlagCode
    agents: tuple[Agent, ...]
    reads: tuple[str, ...]
    check: CheckFn

    def evaluate(self, profile: PatientProfile, agent: Agent) -> Flag | None:
        if agent not in self.agents:
            return None
        finding = self.check(profile, agent)
        return None if finding is None else render(self.code, finding)


def render(code: str, finding: Finding) -> Flag:
    """Message = the patient facts, then the evidence; the summary is filled the same way."""
    outcome = finding.outcome
    evidence = " ".join([outcome.text.format(**finding.values), *finding.extra])
    facts = "; ".join(finding.facts)
    message = f"{facts}: {evidence}" if facts else evidence
    return Flag(
        code=code,
        severity=outcome.severity,
        message=message[:1].upper() + message[1:],
        summary=outcome.summary.format(**finding.values),
        citations=(
            merge_citations([*outcome.citations, *finding.extra_citations])
            if finding.extra_citations
            else list(outcome.citations)
        ),
        facts=list(finding.facts),
        indicator=outcome.severity,
        source=Source(rule=code),
    )


def merge_citations(citations: list[Citation]) -> list[Citation]:
    """One citation per passage, first-cited order, with the union of its reference numbers."""
    first: dict[str, Citation] = {}
    refs: dict[str, set[int]] = {}
    for citation in citations:
        first.setdefault(citation.passage_id, citation)
        refs.setdefault(citation.passage_id, set()).update(citation.refs)
    return [first[pid].model_copy(update={"refs": tuple(sorted(numbers))}) for pid, numbers in refs.items()]


def rule(code: FlagCode, *, agents: tuple[Agent, ...], reads: tuple[str, ...]) -> Callable[[CheckFn], Rule]:
    """Register a check function as the rule ``code``; fails at import if it reads an unknown field."""
    unknown = [f for f in reads if f not in PROFILE_FIELDS]
    if unknown:
        raise ValueError(f"rule {code} reads unknown profile field(s) {unknown}")

    def wrap(check: CheckFn) -> Rule:
        return Rule(code=code, agents=agents, reads=reads, check=check)

    return wrap


def pct(value: float) -> str:
    """80.0 -> '80%', 89.9 -> '89.9%'."""
    return f"{value:g}%"


def num(value: float) -> str:
    return f"{value:g}"
