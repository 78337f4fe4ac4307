"""OpenAI-compatible chat: POST /v1/chat/completions (JSON, or SSE chunks with "stream": true) and
GET /v1/models, for chat UIs (Open WebUI, LibreChat) and any OpenAI client. Same keys, limits and
error shape as the rest of /v1; the answer is whatever the engine answers (api/openai_compat.py has
the wire format and the session mapping)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.cached import per_app
from api.channels.links import ChannelLinks
from api.channels.render import answer_markdown
from api.deps import CallerDep, EngineDep, StateDep
from api.errors import ApiError, ErrorResponse
from api.openai_compat import (
    AssistantMessage,
    ChatCompletion,
    ChatCompletionRequest,
    Choice,
    ModelCard,
    ModelList,
    after_answer,
    chunk,
    conversation_key,
    usage,
)
from api.routes.chat import _CHUNK
from assistant.answer import ChatResponse
from assistant.engine import ChatEngine, SessionNotFound

router = APIRouter(prefix="/v1", tags=["openai-compatible"])
_LINKS = "openai"  # the channel_links platform name of these conversations


@router.get("/models", response_model=ModelList, summary="The one model: rrall-navigator")
async def models() -> ModelList:
    return ModelList(data=[ModelCard()])


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "JSON, or chat.completion.chunk SSE events"},
        404: {"model": ErrorResponse, "description": "Unknown or expired session_id"},
        422: {"model": ErrorResponse},
        503: {"model": ErrorResponse},
    },
    summary="OpenAI-compatible chat completion (the last user message is the turn)",
)
async def chat_completions(
    body: ChatCompletionRequest, request: Request, engine: EngineDep, state: StateDep, caller: CallerDep
) -> JSONResponse | EventSourceResponse:
    principal = getattr(request.state, "principal", None)
    links = per_app(request, "conversation_links", lambda: ChannelLinks(state.store.engine))
    if body.session_id is not None and state.store.owner_of(body.session_id) != caller.owner:
        # Another principal's session is as unknown as one that never existed (ids leak nothing).
        raise ApiError(404, f"Session {body.session_id} does not exist or has expired; omit session_id to start "
                            "anew.")
    try:
        response = await run_in_threadpool(_answer, engine, links, body, principal, caller.owner)
    except SessionNotFound as exc:
        raise ApiError(404, f"Session {exc} does not exist or has expired; omit session_id to start anew.") \
            from exc
    content = answer_markdown(response)
    citations = [c.model_dump(mode="json") for c in response.citations]
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    if not body.stream:
        completion = ChatCompletion(
            id=completion_id, created=created, choices=[Choice(message=AssistantMessage(content=content))],
            usage=usage(body.messages, content), session_id=response.session_id, citations=response.citations,
        )
        return JSONResponse(completion.model_dump(mode="json"))
    extra = {"session_id": response.session_id, "citations": citations}
    return EventSourceResponse(_stream(completion_id, created, content, extra), ping=15)


def _answer(
    engine: ChatEngine, links: ChannelLinks, body: ChatCompletionRequest, principal: str | None, owner: str
) -> ChatResponse:
    def new_session() -> str:
        # Created before the engine answers, so the session belongs to the caller (assistant.db).
        return engine.store.create(owner=owner).id

    session_id = body.session_id
    if session_id is None and (key := conversation_key(principal, body.user, body.earlier)) is not None:
        link = links.get(_LINKS, key)
        if link is not None:
            session_id = link.session_id
        else:
            # A conversation this service has not seen (begun elsewhere, or its link expired): replay
            # the earlier user turns so the patient facts they gave are known before this one.
            for message in body.earlier:
                if message.role == "user" and message.text.strip():
                    session_id = engine.respond(message.text.strip(), session_id or new_session()).session_id
    try:
        response = engine.respond(body.turn, session_id or new_session())
    except SessionNotFound:
        if body.session_id is not None:
            raise
        response = engine.respond(body.turn, new_session())  # the linked session expired: start again
    if body.session_id is None:
        key = conversation_key(principal, body.user, after_answer(body.messages, answer_markdown(response)))
        assert key is not None
        links.save(_LINKS, key, session_id=response.session_id, quiz=response.quiz, owner=owner)
    return response


async def _stream(
    completion_id: str, created: int, content: str, extra: dict[str, Any]
) -> AsyncIterator[ServerSentEvent]:
    # As in /v1/chat: the answer is composed whole, then sent in word-sized pieces; the last chunk
    # carries the extension fields (session id, citations).
    yield ServerSentEvent(data=json.dumps(chunk(completion_id, created, {"role": "assistant", "content": ""})))
    for piece in _CHUNK.findall(content):
        yield ServerSentEvent(data=json.dumps(chunk(completion_id, created, {"content": piece})))
    yield ServerSentEvent(data=json.dumps(chunk(completion_id, created, {}, finish=True, extra=extra)))
    yield ServerSentEvent(data="[DONE]")
