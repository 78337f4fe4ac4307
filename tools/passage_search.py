"""The passage search as a catalog tool: typed arguments and results over any searcher.

The searcher (knowledge/retrieval.py's hybrid retriever in the service) is handed in by the caller,
so this module stays pure: it never opens an index itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tools.agents import Agent, parse_agent


class Searcher(Protocol):
    def search(self, query: str, *, k: int = 5, agents: Sequence[str] | None = None) -> Sequence[Any]:
        """Hits with the fields of PassageHit (pydantic models or mappings)."""
        ...


class SearchArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=500, pattern=r"\S",
                       description="What to look up in the review, in clinical words")
    k: int = Field(default=5, ge=1, le=20, description="How many passages to return")
    agent: Agent | None = Field(
        default=None, description="Only passages about this agent (blina, InO, tisa-cel and other names work)"
    )

    @field_validator("agent", mode="before")
    @classmethod
    def _agent(cls, value: object) -> Agent | None:
        return None if value is None else parse_agent(value)


class PassageHit(BaseModel):
    passage_id: str = Field(description="Stable passage id, e.g. tox-sos-02; cite it as [tox-sos-02]")
    section: str = Field(description="The review section the passage comes from")
    text: str
    refs: list[int] = Field(description="The review's reference numbers")
    agents: list[str]
    source: str = Field(description='"review" for the knowledge pack, else the ingested source\'s name')


class PassageSearch(BaseModel):
    query: str
    results: list[PassageHit]


class SearchUnavailable(RuntimeError):
    """The passage search was called where no index is loaded (yet)."""


def search_passages(args: SearchArgs, searcher: Searcher | None) -> PassageSearch:
    if searcher is None:
        raise SearchUnavailable("The passage index is not loaded yet; retry shortly.")
    hits = searcher.search(args.query, k=args.k, agents=[args.agent] if args.agent else None)
    results = [PassageHit.model_validate(hit.model_dump() if isinstance(hit, BaseModel) else hit) for hit in hits]
    return PassageSearch(query=args.query, results=results)
