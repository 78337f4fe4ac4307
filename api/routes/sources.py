"""GET /v1/sources: the knowledge sources answers cite, each with its kind, dates and passage count."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import RetrieverDep
from api.errors import ErrorResponse
from knowledge.pack import default_pack
from knowledge.sources import SourceSummary, describe_sources

router = APIRouter(tags=["sources"])


class SourcesResponse(BaseModel):
    sources: list[SourceSummary]


@router.get(
    "/v1/sources",
    response_model=SourcesResponse,
    responses={503: {"model": ErrorResponse, "description": "The index is still loading"}},
    summary="List the knowledge sources: the 2020 review, the dated updates since, and ingested sources",
)
def list_sources(retriever: RetrieverDep) -> SourcesResponse:
    counts = {name: retriever.count(name) for name in retriever.sources}
    return SourcesResponse(sources=describe_sources(default_pack(), counts))
