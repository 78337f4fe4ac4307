"""What each knowledge source is: its name, kind, the dates it covers and how many passages it holds.

Pure: built from the pack and the passage counts of the index (GET /v1/sources).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, Field

from knowledge.pack import KnowledgePack
from knowledge.schema import UPDATES_SOURCE
from knowledge.store import REVIEW_SOURCE

SourceKindName = Literal["review", "updates", "ingested"]
REVIEW_TITLE = (
    "Curran E, O'Brien M. Role of blinatumomab, inotuzumab, and CAR T-cells: which to choose and how to "
    "sequence for patients with relapsed disease. Semin Hematol 2020"
)
UPDATES_TITLE = "What changed after the review: FDA actions and reports, each dated and sourced"


class DateRange(BaseModel):
    start: str = Field(description="ISO date, or a year where the source gives only the year")
    end: str = Field(description="ISO date, or a year where the source gives only the year")


class SourceSummary(BaseModel):
    name: str = Field(description='The name search and citations use: "review", "updates" or an ingested name')
    kind: SourceKindName
    title: str
    date_range: DateRange | None = Field(
        description="review: the years of its references; updates: its first and latest dates; "
        "ingested: not known"
    )
    current_through: str | None = Field(
        default=None, description="The latest date the source speaks for (the review: its year, 2020)"
    )
    passages: int = Field(description="Passages indexed for this source")


def describe_sources(pack: KnowledgePack, indexed: Mapping[str, int]) -> list[SourceSummary]:
    """The review, the updates layer and any ingested source, in the order the index holds them."""
    out: list[SourceSummary] = []
    for name, count in indexed.items():
        if name == REVIEW_SOURCE:
            years = sorted(r.year for r in pack.references.values())
            out.append(SourceSummary(
                name=name, kind="review", title=REVIEW_TITLE, passages=count, current_through="2020",
                date_range=DateRange(start=str(years[0]), end=str(years[-1])) if years else None,
            ))
        elif name == UPDATES_SOURCE:
            dates = sorted(p.date for p in pack.updates)
            out.append(SourceSummary(
                name=name, kind="updates", title=UPDATES_TITLE, passages=count,
                current_through=dates[-1].isoformat() if dates else None,
                date_range=DateRange(start=dates[0].isoformat(), end=dates[-1].isoformat()) if dates else None,
            ))
        else:
            out.append(SourceSummary(name=name, kind="ingested", title=name, passages=count, date_range=None))
    return out
