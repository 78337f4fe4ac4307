"""GET/DELETE /v1/sessions/{id}: a session's transcript and patient facts, or their erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel

from api.deps import StoreDep
from api.errors import ApiError, ErrorResponse

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])


class TurnOut(BaseModel):
    role: str
    text: str
    created_at: datetime


class SessionOut(BaseModel):
    session_id: str
    created_at: datetime
    last_active: datetime
    patient: dict[str, Any]
    transcript: list[TurnOut]


@router.get("/{session_id}", response_model=SessionOut, responses={404: {"model": ErrorResponse}})
def get_session(session_id: str, store: StoreDep) -> SessionOut:
    record = store.get(session_id)
    if record is None:
        raise ApiError(404, f"Session {session_id} does not exist or has expired.")
    return SessionOut(
        session_id=record.id, created_at=record.created_at, last_active=record.last_active,
        patient=record.patient,
        transcript=[TurnOut(role=t.role, text=t.text, created_at=t.created_at) for t in record.transcript],
    )


@router.delete("/{session_id}", status_code=204, responses={404: {"model": ErrorResponse}})
def delete_session(session_id: str, store: StoreDep) -> Response:
    if not store.delete(session_id):
        raise ApiError(404, f"Session {session_id} does not exist.")
    return Response(status_code=204)
