"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import StateDep
from api.errors import error_response

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Index not loaded yet"}})
def readyz(state: StateDep) -> JSONResponse:
    if state.ready:
        return JSONResponse({"status": "ready"})
    message = "The knowledge index is still loading."
    if state.load_error:
        message = f"The knowledge index failed to load: {state.load_error}"
    return error_response(503, message)
