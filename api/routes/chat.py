"""POST /v1/chat: one turn of the conversation, as JSON or as Server-Sent Events.

The session belongs to the caller: a new one is created in the caller's name before the engine runs,
and continuing another principal's session is a 404, as for one that never existed.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.deps import AuditDep, Caller, CallerDep, EngineDep, StoreDep
from api.errors import ApiError, ErrorResponse
from assistant.answer import ChatRequest, ChatResponse
from assistant.db.audit import Action, AuditLog
from assistant.engine import ChatEngine, SessionNotFound
from assistant.sessions import SessionStore

router = APIRouter(prefix="/v1", tags=["chat"])

_CHUNK = re.compile(r"\S+\s*|\s+")


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "JSON, or SSE token/final events"},
        404: {"model": ErrorResponse, "description": "Unknown or expired session"},
        422: {"model": ErrorResponse},
        503: {"model": ErrorResponse},
    },
)
async def chat(body: ChatRequest, request: Request, engine: EngineDep, store: StoreDep, audit: AuditDep,
               caller: CallerDep) -> JSONResponse | EventSourceResponse:
    try:
        response = await run_in_threadpool(_turn, engine, store, audit, caller, body)
    except SessionNotFound as exc:
        raise ApiError(404, f"Session {exc} does not exist or has expired; omit session_id to start anew.") \
            from exc
    payload = response.model_dump(mode="json")
    if "text/event-stream" not in request.headers.get("accept", ""):
        return JSONResponse(payload)
    return EventSourceResponse(_stream(response.answer, payload), ping=15)


def _turn(engine: ChatEngine, store: SessionStore, audit: AuditLog, caller: Caller, body: ChatRequest) -> ChatResponse:
    action: Action
    if body.session_id is None:
        session_id, action = store.create(owner=caller.owner).id, "create"
    else:
        session_id, action = body.session_id, "continue"
        owner = store.owner_of(session_id)
        if owner != caller.owner:
            if owner is not None:
                audit.record(caller.owner, "continue", "session", session_id, "denied")
            raise SessionNotFound(session_id)
    response = engine.respond(body.message, session_id)
    audit.record(caller.owner, action, "session", session_id)
    return response


async def _stream(answer: str, payload: dict[str, object]) -> AsyncIterator[ServerSentEvent]:
    # The answer is composed whole (it is deterministic and fast); streaming it in word-sized
    # pieces lets clients render progressively, and the final event carries the full object.
    for piece in _CHUNK.findall(answer):
        yield ServerSentEvent(data=json.dumps({"text": piece}), event="token")
    yield ServerSentEvent(data=json.dumps(payload), event="final")
