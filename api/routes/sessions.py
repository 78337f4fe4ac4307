"""GET/PATCH/DELETE /v1/sessions/{id}: a session's transcript and patient facts, their correction, or
their erasure.

A session belongs to the principal that created it. Anyone else gets the same 404 as for an id that
never existed, so ids say nothing; admin keys may read (never change) any session. Every access is
written to the audit log (with no text).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError, WithJsonSchema

from api.deps import AuditDep, Caller, CallerDep, StoreDep
from api.errors import ApiError, ErrorResponse, FieldProblem, error_response
from assistant.answer import Citation, citations_for
from assistant.db.audit import Action, AuditLog
from assistant.sessions import SessionRecord, SessionStore
from knowledge.pack import default_pack
from tools.profile import PatientProfile, profile_problems

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])


class TurnOut(BaseModel):
    role: str
    text: str
    created_at: datetime
    citations: list[Citation] = Field(
        default_factory=list, description="For an answer: what its [n] markers resolve to, as in POST /v1/chat"
    )


class SessionOut(BaseModel):
    session_id: str
    created_at: datetime
    last_active: datetime
    patient: dict[str, Any]
    transcript: list[TurnOut]


class PatientPatch(BaseModel):
    # Documented as the profile itself (its fields, each nullable, nothing else); validated after the
    # merge with the stored facts, so the 422 names patient.<field> in the profile's own words.
    patient: Annotated[dict[str, Any], WithJsonSchema(PatientProfile.model_json_schema())] = Field(
        description="Facts to change, by profile field name; null removes a fact. Fields left out stay as they are",
        examples=[{"cd22_positive_pct": 95, "marrow_blasts_pct": None}],
    )


def _session_out(record: SessionRecord) -> SessionOut:
    pack = default_pack()
    return SessionOut(
        session_id=record.id, created_at=record.created_at, last_active=record.last_active,
        patient=record.patient,
        transcript=[
            TurnOut(role=t.role, text=t.text, created_at=t.created_at,
                    citations=citations_for(pack, list(t.meta.get("citations", []))))
            for t in record.transcript
        ],
    )


def _missing(session_id: str) -> ApiError:
    return ApiError(404, f"Session {session_id} does not exist or has expired.")


def owned_session(store: SessionStore, audit: AuditLog, caller: Caller, session_id: str, action: Action) -> \
        SessionRecord:
    """The session if ``caller`` may do ``action`` on it (admins may read any); otherwise a 404 that is the
    same whether the id is another principal's or nobody's."""
    record = store.get(session_id)
    allowed = record is not None and (caller.may_read(record.owner) if action == "read" else
                                      record.owner == caller.owner)
    if record is None or not allowed:
        if record is not None:
            audit.record(caller.owner, action, "session", session_id, "denied")
        raise _missing(session_id)
    audit.record(caller.owner, action, "session", session_id)
    return record


@router.get("/{session_id}", response_model=SessionOut, responses={404: {"model": ErrorResponse}})
def get_session(session_id: str, store: StoreDep, audit: AuditDep, caller: CallerDep) -> SessionOut:
    return _session_out(owned_session(store, audit, caller, session_id, "read"))


@router.patch(
    "/{session_id}", response_model=SessionOut,
    responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
)
def correct_patient(session_id: str, body: PatientPatch, store: StoreDep, audit: AuditDep,
                    caller: CallerDep) -> SessionOut | JSONResponse:
    """Correct or remove patient facts (a widget's fact chips); the next chat turn reasons with them."""
    record = owned_session(store, audit, caller, session_id, "update")
    try:
        profile = PatientProfile.model_validate({**record.patient, **body.patient})
    except ValidationError as exc:
        # Named as the client wrote them (patient.<field>), in the profile's own words ("did you mean ...").
        fields = [FieldProblem(field=f"patient.{name}" if name else "patient", problem=problem)
                  for name, problem in profile_problems(exc)]
        summary = "; ".join(f"{f.field}: {f.problem}" for f in fields[:3])
        return error_response(422, f"Invalid input: {summary}", fields=fields)
    updated = store.update_patient(session_id, profile.model_dump(mode="json", exclude_none=True), owner=caller.owner)
    if updated is None:
        raise _missing(session_id)
    return _session_out(updated)


@router.delete("/{session_id}", status_code=204, responses={404: {"model": ErrorResponse}})
def delete_session(session_id: str, store: StoreDep, audit: AuditDep, caller: CallerDep) -> Response:
    owner = store.owner_of(session_id)
    if not store.delete(session_id, owner=caller.owner):
        if owner is not None:
            audit.record(caller.owner, "erase", "session", session_id, "denied")
        raise ApiError(404, f"Session {session_id} does not exist.")
    audit.record(caller.owner, "erase", "session", session_id)
    return Response(status_code=204)
