"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.errors import ErrorResponse, FieldProblem, error_response
from api.readiness import readiness_for

router = APIRouter(tags=["health"])


class Ready(BaseModel):
    status: str = Field(description="Always 'ready'")
    checks: list[str] = Field(description="The parts checked: index, database, and chroma or queue when configured")


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=Ready,
    responses={503: {"model": ErrorResponse,
                     "description": "A part is not ready; `fields` names each (index, database, chroma, ...)"}},
)
async def readyz(request: Request) -> Ready | JSONResponse:
    """Ready when every part a chat turn needs answers: the index, the session database, and the rest."""
    readiness = readiness_for(request.app)
    problems = await readiness.problems()
    if not problems:
        return Ready(status="ready", checks=[name for name, _ in readiness.checks])
    fields = [FieldProblem(field=name, problem=problem) for name, problem in problems.items()]
    message = "Not ready: " + "; ".join(f"{f.field}: {f.problem}" for f in fields)
    return error_response(503, message, fields=fields)
