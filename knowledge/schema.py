"""Schema of the knowledge pack: passages in our own words, each traceable to the review.

The pack lives in ``knowledge/pack/*.yaml`` (one file per review section) plus
``bibliography.yaml``. Loading validates everything and names the file and passage of any
problem, so a clinical reviewer editing YAML gets an actionable message.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Agent = Literal["blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel"]
AGENTS: tuple[Agent, ...] = ("blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel")

# The review's own headings; a passage names the one it comes from.
SECTIONS: tuple[str, ...] = (
    "Abstract",
    "Introduction",
    "Novel Agents: Blinatumomab",
    "Novel Agents: Inotuzumab ozogamicin",
    "Novel Agents: CAR T cells",
    "Considerations in choosing a novel agent",
    "Efficacy",
    "Table 1",
    "Toxicity",
    "Burden of disease",
    "Antigen expression",
    "CNS and extramedullary disease",
    "Eligibility and need for HSCT",
    "Logistics/patient preferences",
    "Sequencing approaches",
    "Combination with other agents",
    "Remaining challenges",
    "Conclusion",
)

# Topic tags: a closed vocabulary so filters and the tutor's topics stay consistent.
TOPICS: frozenset[str] = frozenset(
    {
        "mechanism", "administration", "approval", "label", "efficacy", "survival", "mrd",
        "pediatric", "adult", "table1", "toxicity", "crs", "icans", "sos", "burden", "antigen",
        "cd19", "cd22", "cns", "emd", "hsct", "logistics", "manufacturing", "t_cell",
        "sequencing", "combination", "checkpoint", "kmt2a", "lineage_switch", "challenges",
        "ph_positive", "real_world", "trial_design", "overview",
    }
)

REFERENCE_COUNT = 67
PASSAGE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A sentence ends at . ! or ? followed by space and a capital letter or digit; figures such as
# "P=.032" and "1.8 mg/m2" therefore do not split a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


def count_sentences(text: str) -> int:
    return len([s for s in _SENTENCE_END.split(text.strip()) if s])


def known_topics(value: tuple[str, ...]) -> tuple[str, ...]:
    unknown = sorted(set(value) - TOPICS)
    if unknown:
        raise ValueError(f"unknown topic(s) {unknown}; allowed: {sorted(TOPICS)}")
    return value


def one_to_four_sentences(value: str) -> str:
    value = " ".join(value.split())
    n = count_sentences(value)
    if not 1 <= n <= 4:
        raise ValueError(f"text must be 1-4 sentences, found {n}")
    return value


class EvidenceFact(BaseModel):
    """A structured figure from the review, for recall questions and answer checks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trial: str = Field(description="Trial or series name as the review gives it, e.g. INO-VATE")
    population: str = Field(description="Who was studied, e.g. adults with R/R B-ALL")
    outcome: str = Field(description="What was measured, e.g. CR/CRi rate")
    value: str = Field(description="The figure exactly as it appears in the passage text, e.g. 73.8%")
    comparator: str | None = Field(default=None, description="The comparison figure, if any")


class Passage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Stable id, e.g. tox-sos-02")
    section: str = Field(description="The review heading the passage comes from")
    topics: tuple[str, ...] = Field(min_length=1)
    agents: tuple[Agent, ...] = Field(default=(), description="Agents the passage concerns")
    refs: tuple[int, ...] = Field(default=(), description="The review's reference numbers")
    text: str = Field(min_length=20, description="1-4 sentences in our own words")
    facts: tuple[EvidenceFact, ...] = ()
    # Questions this passage answers, written from the passage itself in varied clinical phrasing
    # (never copied from an evaluation set). They are indexed beside the text so that a question
    # worded unlike the passage still finds it.
    questions: tuple[str, ...] = Field(default=(), description="Questions the passage answers")

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not PASSAGE_ID.match(value):
            raise ValueError(f"id {value!r} must be lower-case words joined by hyphens")
        return value

    @field_validator("section")
    @classmethod
    def _known_section(cls, value: str) -> str:
        if value not in SECTIONS:
            raise ValueError(f"unknown section {value!r}; use one of: {', '.join(SECTIONS)}")
        return value

    @field_validator("topics")
    @classmethod
    def _known_topics(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return known_topics(value)

    @field_validator("refs")
    @classmethod
    def _refs_in_range(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        bad = [r for r in value if not 1 <= r <= REFERENCE_COUNT]
        if bad:
            raise ValueError(f"reference number(s) {bad} outside 1-{REFERENCE_COUNT}")
        return value

    @field_validator("text")
    @classmethod
    def _one_to_four_sentences(cls, value: str) -> str:
        return one_to_four_sentences(value)


class PackFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    section: str
    passages: list[Passage] = Field(min_length=1)


class Reference(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int = Field(ge=1, le=REFERENCE_COUNT)
    authors: str
    title: str
    journal: str
    year: int = Field(ge=1950, le=2030)
    doi: str | None = None
    citation: str = Field(description="The full reference as one line, for display")


class Bibliography(BaseModel):
    model_config = ConfigDict(extra="forbid")

    references: list[Reference]


# --- The updates source: what changed after the review (../shared/spec/label-updates.md) ---------

# Agents approved after the review: the review holds no data on them.
LaterAgent = Literal["brexucabtagene_autoleucel", "obecabtagene_autoleucel"]
LATER_AGENTS: tuple[LaterAgent, ...] = ("brexucabtagene_autoleucel", "obecabtagene_autoleucel")
UpdateAgent = Literal[
    "blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel",
    "brexucabtagene_autoleucel", "obecabtagene_autoleucel",
]
SourceKind = Literal["regulator", "label", "publication", "secondary"]
UPDATES_SECTION = "Since the review"
UPDATES_SOURCE = "updates"  # the name the updates layer is indexed and listed under
UPDATE_ID = re.compile(r"^upd-[a-z0-9]+(?:-[a-z0-9]+)*$")
SPEC_ROW = re.compile(r"^U[1-9][0-9]*$")
# A rule outcome an update changes: "label:<agent>" (that agent's label rule).
SUPERSEDED_LABEL = re.compile(r"^label:(blinatumomab|inotuzumab_ozogamicin|tisagenlecleucel)$")


class UpdatePassage(BaseModel):
    """One or two facts from after the review, in our own words, never without its date and source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Stable id starting upd-, e.g. upd-ino-peds-01")
    row: str = Field(description="The row of label-updates.md it comes from, e.g. U2")
    date: dt.date = Field(description="The regulatory or publication date")
    date_note: str | None = Field(default=None, description="How sure the date is, when not exact")
    source_name: str = Field(min_length=2, description="Who says so, for display: 'FDA', 'AABB'")
    source_url: str = Field(description="The page the fact was checked against (https)")
    source_kind: SourceKind
    agents: tuple[UpdateAgent, ...] = Field(min_length=1)
    topics: tuple[str, ...] = Field(min_length=1)
    supersedes: tuple[str, ...] = Field(
        default=(), description="Review passage ids, or label:<agent> rule outcomes, that this changes"
    )
    headline: str = Field(
        min_length=10, max_length=140,
        description="The change in one clause, for a 'Since the review: ...' line (no final full stop)",
    )
    text: str = Field(min_length=20, description="1-4 sentences in our own words")
    facts: tuple[EvidenceFact, ...] = ()

    @property
    def section(self) -> str:
        return UPDATES_SECTION

    @property
    def refs(self) -> tuple[int, ...]:
        return ()

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not UPDATE_ID.match(value):
            raise ValueError(f"id {value!r} must start with 'upd-' and be lower-case words joined by hyphens")
        return value

    @field_validator("row")
    @classmethod
    def _row_shape(cls, value: str) -> str:
        if not SPEC_ROW.match(value):
            raise ValueError(f"row {value!r} must name a row of label-updates.md, e.g. U2")
        return value

    @field_validator("source_url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not re.match(r"^https://[a-z0-9.-]+\.[a-z]{2,}/\S+$", value):
            raise ValueError(f"source_url {value!r} must be an https address of the page checked")
        return value

    @field_validator("topics")
    @classmethod
    def _known_topics(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return known_topics(value)

    @field_validator("supersedes")
    @classmethod
    def _superseded_shape(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in value if not (PASSAGE_ID.match(v) or SUPERSEDED_LABEL.match(v))]
        if bad:
            raise ValueError(f"supersedes {bad}: use review passage ids or label:<agent>")
        return value

    @field_validator("text")
    @classmethod
    def _sentences(cls, value: str) -> str:
        return one_to_four_sentences(value)

    @model_validator(mode="after")
    def _secondary_is_reported(self) -> UpdatePassage:
        # A news or society page is not the regulator: the passage must say the fact is reported.
        if self.source_kind == "secondary" and not all(
            "reported" in t.lower() for t in (self.text, self.headline)
        ):
            raise ValueError("a passage from a secondary source must word its fact (and headline) as reported")
        return self


class UpdatesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    passages: list[UpdatePassage] = Field(min_length=1)
