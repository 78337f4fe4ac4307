"""A signed JSON webhook for integrators whose platform is not listed: JSON in, JSON answer out.

Request: ``{"conversation_id": "...", "message": "...", "message_id": "optional"}`` with
``X-RRALL-Timestamp: <unix seconds>`` and ``X-RRALL-Signature: sha256=<hex HMAC-SHA256(RRALL_WEBHOOK_SECRET,
timestamp + "." + raw body)>``. A timestamp more than five minutes off, or a message id (or, without
one, a signature) seen before, is a replay: 401. The answer is the response body.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.responses import JSONResponse, Response

from api.channels import render
from api.channels.base import (
    BadPayload,
    Channel,
    Inbound,
    Outbound,
    Parsed,
    Rendered,
    Unauthorized,
    WebhookRequest,
    all_set,
    hmac_sha256_hex,
    require_fresh,
    require_signature,
)
from assistant.answer import MESSAGE_MAX_CHARS, ChatResponse, Citation, QuizCard
from assistant.settings import Settings


class GenericMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: str = Field(min_length=1, max_length=255, description="Your conversation's id")
    message: str = Field(min_length=1, max_length=MESSAGE_MAX_CHARS, description="The user's message")
    message_id: str | None = Field(default=None, max_length=255, description="Your id, to make retries safe")


class GenericReply(BaseModel):
    conversation_id: str
    session_id: str
    answer: str = Field(description="Markdown with inline citation markers like [1]")
    text: str = Field(description="The same answer as plain text, with the sources listed")
    citations: list[Citation]
    quiz: QuizCard | None = None


class GenericChannel(Channel):
    name = "generic"
    replies_later = False

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return all_set(settings.webhook_secret)

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        assert settings.webhook_secret is not None
        self._secret = settings.webhook_secret.get_secret_value()

    def secrets(self) -> list[str]:
        return [self._secret]

    def verify(self, request: WebhookRequest) -> None:
        timestamp = request.header("x-rrall-timestamp")
        require_fresh(timestamp)
        expected = "sha256=" + hmac_sha256_hex(self._secret, f"{timestamp}.".encode() + request.body)
        require_signature(expected, request.header("x-rrall-signature"))

    def parse(self, request: WebhookRequest) -> Parsed:
        try:
            body = GenericMessage.model_validate(request.json())
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            raise BadPayload(f"{where}: {first['msg']}") from exc
        event_id = f"id:{body.message_id}" if body.message_id else f"sig:{request.header('x-rrall-signature')}"
        return Parsed(messages=(Inbound(conversation=body.conversation_id, text=body.message, event_id=event_id),))

    def on_duplicate(self, request: WebhookRequest) -> None:
        raise Unauthorized("message id or signature seen before")

    def render_reply(self, message: Inbound, response: ChatResponse) -> Rendered:
        """The whole answer as one JSON body: the caller's own code arranges it."""
        reply = GenericReply(
            conversation_id=message.conversation, session_id=response.session_id, answer=response.answer,
            text=render.plain_text(response), citations=response.citations, quiz=response.quiz,
        )
        return Rendered(now=[reply.model_dump(mode="json")])

    def reply(self, answered: list[tuple[Inbound, list[Outbound]]]) -> Response:
        _, outbounds = answered[0]
        return JSONResponse(outbounds[0])
