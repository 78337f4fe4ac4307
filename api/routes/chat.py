"""POST /v1/chat: one turn of the conversation, as JSON or as Server-Sent Events."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.deps import EngineDep
from api.errors import ApiError, ErrorResponse
from assistant.answer import ChatRequest, ChatResponse
from assistant.engine import SessionNotFound

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
async def chat(body: ChatRequest, request: Request, engine: EngineDep) -> JSONResponse | EventSourceResponse:
    try:
        response = await run_in_threadpool(engine.respond, body.message, body.session_id)
    except SessionNotFound as exc:
        raise ApiError(404, f"Session {exc} does not exist or has expired; omit session_id to start anew.") \
            from exc
    payload = response.model_dump(mode="json")
    if "text/event-stream" not in request.headers.get("accept", ""):
        return JSONResponse(payload)
    return EventSourceResponse(_stream(response.answer, payload), ping=15)


async def _stream(answer: str, payload: dict[str, object]) -> AsyncIterator[ServerSentEvent]:
    # The answer is composed whole (it is deterministic and fast); streaming it in word-sized
    # pieces lets clients render progressively, and the final event carries the full object.
    for piece in _CHUNK.findall(answer):
        yield ServerSentEvent(data=json.dumps({"text": piece}), event="token")
    yield ServerSentEvent(data=json.dumps(payload), event="final")
