"""GET /v1/search: the passages hybrid retrieval returns for a query, with scores and metadata."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from api.deps import RetrieverDep, SettingsDep
from api.errors import ErrorResponse
from knowledge.normalize import canonical_agent, normalize_query
from knowledge.pack import default_pack
from knowledge.schema import UPDATES_SOURCE
from tools.agents import AGENT_SYNONYMS

router = APIRouter(tags=["search"])
SearchMode = Literal["hybrid", "dense", "bm25"]

# What the filters accept, written into the schema. The server takes a superset (any spelling of an
# agent that normalises, the sections and sources of ingested documents), never less.
_AGENT_SPELLINGS = sorted(
    name for name in {*AGENT_SYNONYMS, "blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel", "InO",
                      "Blincyto", "Besponsa", "Kymriah", "CAR-T", "tisa-cel"}
    if canonical_agent(name) is not None
)
_PACK_SECTIONS = sorted({p.section for p in default_pack()})
_ENUM_ITEMS = "items"


class SearchResult(BaseModel):
    passage_id: str = Field(description="Stable passage id, e.g. tox-sos-02")
    section: str = Field(description="The review section the passage comes from")
    text: str
    agents: list[str] = Field(description="Agents the passage concerns")
    topics: list[str]
    refs: list[int] = Field(description="The review's reference numbers")
    score: float = Field(description="hybrid: fused reciprocal-rank score; dense: cosine; bm25: BM25 score")
    source: str = Field(description='"review" for the knowledge pack, else the ingested source\'s name')
    date: dt.date | None = Field(default=None, description='An "updates" passage\'s regulatory or publication date')
    url: str | None = Field(default=None, description='The page an "updates" passage was checked against')


class SearchResponse(BaseModel):
    query: str
    normalized_query: str = Field(description="The query with abbreviations and brand names expanded")
    results: list[SearchResult]


def _result(hit: dict[str, Any]) -> SearchResult:
    update = default_pack().updates.by_id.get(hit["passage_id"]) if hit["source"] == UPDATES_SOURCE else None
    if update is not None:
        hit |= {"date": update.date, "url": update.source_url}
    return SearchResult.model_validate(hit)


def _invalid(field: str, problem: str) -> RequestValidationError:
    # The common 422 shape, naming the parameter, as FastAPI's own validation does.
    return RequestValidationError([{"loc": ("query", field), "msg": problem, "type": "value_error"}])


@router.get(
    "/v1/search",
    response_model=SearchResponse,
    responses={
        422: {"model": ErrorResponse, "description": "A parameter is missing or invalid; `fields` names it"},
        503: {"model": ErrorResponse, "description": "The index is still loading"},
    },
    summary="Search the knowledge base (hybrid dense + BM25 retrieval)",
)
def search(
    retriever: RetrieverDep,
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=500, pattern=r"\S", description="The question or keywords")],
    k: Annotated[int | None, Query(ge=1, le=50, description="How many passages (default 5)")] = None,
    agent: Annotated[
        list[str] | None,
        Query(description="Only passages about this agent (repeatable); brand names and abbreviations work",
              json_schema_extra={_ENUM_ITEMS: {"type": "string", "enum": _AGENT_SPELLINGS}}),
    ] = None,
    section: Annotated[
        list[str] | None,
        Query(description="Only passages from this section (repeatable); an ingested document's sections work too",
              json_schema_extra={_ENUM_ITEMS: {"type": "string", "enum": _PACK_SECTIONS}}),
    ] = None,
    source: Annotated[str | None, Query(description='Only this source: "review", "updates" or an ingested name',
                                        json_schema_extra={"enum": ["review", "updates"]})] = None,
    mode: Annotated[SearchMode, Query(description="Which retriever ranks the passages")] = "hybrid",
) -> SearchResponse:
    if not q.strip():
        raise _invalid("q", "must contain some text")
    agents = []
    for name in agent or []:
        resolved = canonical_agent(name)
        if resolved is None:
            raise _invalid("agent", f"unknown agent {name!r}; use blinatumomab, inotuzumab_ozogamicin or "
                           "tisagenlecleucel")
        agents.append(resolved)
    known_sections = {s.lower() for s in retriever.sections}
    for name in section or []:
        if name.lower() not in known_sections:
            raise _invalid("section", f"unknown section {name!r}; see the review's headings")
    if source is not None and source not in retriever.sources:
        raise _invalid("source", f"unknown source {source!r}; indexed: {', '.join(retriever.sources)}")
    hits = retriever.search(
        q, k=k or settings.search_default_k, agents=agents, sections=section, source=source, mode=mode
    )
    return SearchResponse(
        query=q,
        normalized_query=normalize_query(q),
        results=[_result(hit.model_dump()) for hit in hits],
    )
