"""POST /v1/chat: one turn of the conversation, as JSON or as Server-Sent Events.

The session belongs to the caller: a new one is created in the caller's name before the engine runs,
and continuing another principal's session is a 404, as for one that never existed.

With an ``Idempotency-Key`` header the turn, the key with the reply, and the audit entry are written in
one transaction: a retry with the same key (after a lost response, say) gets the stored reply and
stores nothing; the same key with another body is a 409.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.deps import AuditDep, Caller, CallerDep, EngineDep, StoreDep
from api.errors import ApiError, ErrorResponse
from assistant.answer import ChatRequest, ChatResponse
from assistant.db import idempotency
from assistant.db.audit import Action, AuditLog, add_entry
from assistant.engine import ChatEngine, SessionNotFound
from assistant.sessions import SessionStore

router = APIRouter(prefix="/v1", tags=["chat"])

_CHUNK = re.compile(r"\S+\s*|\s+")
_PACE_EVERY = 16
_PACE_SECONDS = 0.003


IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$",
    description="Any unique string (a UUID): a retry with the same key returns the stored reply and stores "
                "nothing again. Remembered for 24 hours, per API key.",
)]


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "JSON, or SSE token/final events"},
        404: {"model": ErrorResponse, "description": "Unknown or expired session"},
        409: {"model": ErrorResponse, "description": "The Idempotency-Key was used for another request"},
        422: {"model": ErrorResponse},
        503: {"model": ErrorResponse},
    },
)
async def chat(body: ChatRequest, request: Request, engine: EngineDep, store: StoreDep, audit: AuditDep,
               caller: CallerDep, idempotency_key: IdempotencyKey = None) -> JSONResponse | EventSourceResponse:
    try:
        payload, replayed = await run_in_threadpool(_turn, engine, store, audit, caller, body, idempotency_key)
    except SessionNotFound as exc:
        raise ApiError(404, f"Session {exc} does not exist or has expired; omit session_id to start anew.") \
            from exc
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    if "text/event-stream" not in request.headers.get("accept", ""):
        return JSONResponse(payload, headers=headers)
    return EventSourceResponse(_stream(str(payload["answer"]), payload), ping=15, headers=headers)


def _turn(engine: ChatEngine, store: SessionStore, audit: AuditLog, caller: Caller, body: ChatRequest,
          key: str | None) -> tuple[dict[str, Any], bool]:
    """The reply as JSON, and whether it is a stored one replayed for a repeated Idempotency-Key."""
    request = idempotency.request_hash(body.message, body.session_id)
    if key is not None and (stored := _stored(store, caller, key, request)) is not None:
        return stored, True
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
    with store.deferred() as batch:
        response = engine.respond(body.message, session_id)
    payload = response.model_dump(mode="json")

    def also(db: Session) -> None:
        add_entry(db, caller.owner, action, "session", session_id)
        if key is not None:
            idempotency.add(db, owner=caller.owner, key=key, request=request, session_id=session_id,
                            response=payload)

    try:
        store.commit(batch, also)
    except IntegrityError:  # the same key, sent again while this one ran, committed first: use its reply
        if key is None or (stored := _stored(store, caller, key, request)) is None:
            raise
        return stored, True
    return payload, False


def _stored(store: SessionStore, caller: Caller, key: str, request: str) -> dict[str, Any] | None:
    found = idempotency.find(store.engine, caller.owner, key)
    if found is not None and found.request_hash != request:
        raise ApiError(409, "This Idempotency-Key was used for another request; send a new key for a new message.",
                       code="idempotency_key_reused")
    return None if found is None else found.response


async def _stream(answer: str, payload: dict[str, object]) -> AsyncIterator[ServerSentEvent]:
    # The answer is composed whole (it is deterministic and fast); streaming it in word-sized
    # pieces lets clients render progressively, and the final event carries the full object.
    for n, piece in enumerate(_CHUNK.findall(answer), start=1):
        yield ServerSentEvent(data=json.dumps({"text": piece}), event="token")
        if n % _PACE_EVERY == 0:
            # Sent back to back, the whole answer lands in one network read and a client shows it at
            # once; a pause of a few milliseconds now and then lets it arrive, and render, in pieces.
            await asyncio.sleep(_PACE_SECONDS)
    yield ServerSentEvent(data=json.dumps(payload), event="final")
