"""What the tools return: flags with their citations, per-agent verdicts, and the whole assessment.

The JSON of ``Assessment`` is the body of ``POST /v1/assess`` (api-contract.md), field for field;
``summary``, ``indicator``, ``source``, ``facts`` and ``label_reason`` are additions. A flag is shaped
so an EHR can show it as a CDS Hooks card: summary (<= 140 characters), indicator, source, and the
message as its detail.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from knowledge.schema import LaterAgent
from tools.agents import Agent
from tools.profile import PatientProfile

Severity = Literal["info", "warning", "critical"]
LabelStatus = Literal["on_label", "off_label", "unknown"]

# Most serious first; the order flags are listed in.
SEVERITY_RANK: dict[Severity, int] = {"critical": 0, "warning": 1, "info": 2}

SUMMARY_MAX_CHARS = 140  # CDS Hooks card summary limit
REVIEW_SOURCE = (
    "Curran E, O'Brien M. Role of blinatumomab, inotuzumab, and CAR T-cells: which to choose and how "
    "to sequence for patients with relapsed disease. Semin Hematol 2020"
)


CitationSource = Literal["review", "updates"]


class Citation(BaseModel):
    """A knowledge passage a statement rests on: a review passage with the review's reference numbers
    behind it, or a dated updates passage with the page it was checked against."""

    model_config = ConfigDict(frozen=True)

    passage_id: str = Field(description="Id of a passage in the knowledge pack, e.g. tox-sos-02")
    refs: tuple[int, ...] = Field(description="The review's own reference numbers, e.g. [13]")
    source: CitationSource = Field(
        default="review", description="review (Curran & O'Brien 2020) or updates (what changed since)"
    )
    date: dt.date | None = Field(default=None, description="An update's regulatory or publication date")
    url: str | None = Field(default=None, description="The page an update was checked against")
    publisher: str | None = Field(default=None, description="Who states an update, e.g. FDA")
    source_kind: Literal["regulator", "label", "publication", "secondary"] | None = Field(
        default=None, description="An update's kind of source; secondary ones are shown as reported"
    )


class Source(BaseModel):
    """Where a flag comes from (the CDS Hooks card 'source')."""

    model_config = ConfigDict(frozen=True)

    label: str = Field(default=REVIEW_SOURCE, description="The evidence the rule encodes")
    rule: str = Field(description="The rule that raised the flag (tools/rules)")


class Flag(BaseModel):
    """One thing a clinician should know about this agent for this patient."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(description="Stable flag code, e.g. HIGH_DISEASE_BURDEN")
    severity: Severity
    message: str = Field(description="Plain clinical English; begins with the patient facts that fired it")
    summary: str = Field(max_length=SUMMARY_MAX_CHARS, description="One line for a card or a chat")
    citations: list[Citation] = Field(min_length=1)
    facts: list[str] = Field(default_factory=list, description="The patient facts that fired the flag")
    indicator: Severity = Field(description="CDS Hooks card indicator; equals severity")
    source: Source


class LabelNow(BaseModel):
    """An agent's label status in the current edition."""

    model_config = ConfigDict(frozen=True)

    status: LabelStatus
    as_of: dt.date = Field(description="The date of the current edition (latest date in the updates source)")
    changed_by: list[str] = Field(description="Updates passages that make it differ from the review's status")


class LaterApproval(BaseModel):
    """A CD19 CAR T product approved after the review, with its label status for this patient."""

    model_config = ConfigDict(frozen=True)

    agent: LaterAgent
    label_status: LabelStatus
    approved: dt.date
    citations: list[Citation]


class AgentAssessment(BaseModel):
    model_config = ConfigDict(frozen=True)

    agent: Agent
    label_status: LabelStatus = Field(description="FDA label as the review states it (2020)")
    label_reason: str = Field(description="Why the label status is what it is")
    label_now: LabelNow = Field(description="The FDA label in the current edition (the updates source)")
    suitable: bool = Field(description="False exactly when a critical flag exists")
    flags: list[Flag]


class Assessment(BaseModel):
    model_config = ConfigDict(frozen=True)

    profile: PatientProfile = Field(description="The validated, normalised profile")
    agents: list[AgentAssessment] = Field(
        description="Always three, in order: blinatumomab, inotuzumab_ozogamicin, tisagenlecleucel"
    )
    missing: list[str] = Field(
        description="Profile fields not given that could change a label status or flag"
    )
    as_of: dt.date | None = Field(default=None, description="The date the caller assessed for, if given")
    label_basis: str = Field(
        default="FDA labels as stated in the review (2020); label_now gives the current edition",
        description="Which label facts label_status and the label flags reflect",
    )
    edition: Literal["review-2020", "current"] = Field(
        default="review-2020", description="The label edition the label flags follow"
    )
    later_approvals: list[LaterApproval] = Field(
        default_factory=list,
        description="CD19 CAR T products approved after the review, with their label status for this patient",
    )
    later_approvals_note: str = Field(
        default="", description="What the review can and cannot say about the later approvals"
    )
