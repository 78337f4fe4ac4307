"""The catalogue's tools over HTTP: GET /v1/tools lists them with their JSON schemas; POST /v1/tools/{name}
runs one with a body of {"profile": {...}} (plus "agent" for the tools that take one), or
{"query": ...} for search_review."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from api.deps import StateDep
from api.errors import ApiError, ErrorResponse
from tools.catalog import CATALOG, SearchUnavailable, ToolContext, run_tool

router = APIRouter(tags=["tools"])


class ToolDescription(BaseModel):
    name: str
    description: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]


@router.get("/v1/tools", response_model=list[ToolDescription], summary="The catalogue's tools and their schemas")
async def list_tools() -> list[ToolDescription]:
    return [
        ToolDescription(
            name=spec.name,
            description=spec.description,
            input_schema=spec.input_schema(),
            output_schema=spec.output_schema(),
        )
        for spec in CATALOG.values()
    ]


@router.post(
    "/v1/tools/{name}",
    responses={
        404: {
            "model": ErrorResponse,
            "description": "No tool of that name; the message lists the known ones",
        },
        422: {"model": ErrorResponse, "description": "Invalid arguments; `fields` names each problem"},
        503: {"model": ErrorResponse, "description": "search_review while the index is still loading"},
    },
    summary="Run one tool of the catalogue",
)
async def call_tool(
    name: str,
    state: StateDep,
    arguments: Annotated[
        dict[str, Any],
        Body(examples=[{"profile": {"age_years": 34, "disease_status": "first_relapse"}, "agent": "InO"}]),
    ],
) -> dict[str, Any]:
    if name not in CATALOG:
        raise ApiError(404, f"Unknown tool {name!r}; known tools: {', '.join(CATALOG)}.")
    try:
        # A pydantic ValidationError here is rendered as 422 with fields (api/errors.py).
        return await run_in_threadpool(run_tool, name, arguments, context=ToolContext(searcher=state.retriever))
    except SearchUnavailable as exc:
        raise ApiError(503, str(exc)) from exc
