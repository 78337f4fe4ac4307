"""The OpenAI chat-completions wire format and how a conversation maps to a session (pure, no I/O).

Chat UIs (Open WebUI, LibreChat) and OpenAI clients resend the whole conversation each turn. The last
user message is the turn; the session is either the explicit ``session_id`` extension field, or the
one linked to a hash of ``user`` and the earlier messages. After each answer the conversation so far
(with the answer as the client will send it back) is linked to the session, so the next turn finds it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.answer import MESSAGE_MAX_CHARS, Citation

MODEL_ID = "rrall-navigator"
# A fixed creation time: the model is the service itself, not a file with a date.
MODEL_CREATED = 1_767_225_600


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[TextPart] | None = Field(
        default=None, description="Text, or a list of text parts (other part types are not accepted)"
    )
    name: str | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text for part in self.content)
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    # Clients send sampling options (temperature, top_p, max_tokens...); the answers are
    # deterministic, so they are accepted and ignored rather than refused.
    model_config = ConfigDict(extra="ignore")

    model: str = Field(description=f"Must be {MODEL_ID!r}")
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False
    user: str | None = Field(default=None, max_length=256, description="The end user; part of the session key")
    session_id: str | None = Field(
        default=None, max_length=64, description="Extension: continue this session instead of matching history"
    )

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str) -> str:
        if value != MODEL_ID:
            raise ValueError(f"unknown model {value!r}; use {MODEL_ID!r} (GET /v1/models)")
        return value

    @field_validator("messages")
    @classmethod
    def _ends_with_a_user_turn(cls, messages: list[ChatMessage]) -> list[ChatMessage]:
        last = messages[-1]
        if last.role != "user":
            raise ValueError("the last message must have role 'user': it is the turn to answer")
        text = last.text.strip()
        if not text:
            raise ValueError("the last user message has no text")
        if len(text) > MESSAGE_MAX_CHARS:
            raise ValueError(f"the last user message is longer than {MESSAGE_MAX_CHARS} characters")
        return messages

    @property
    def turn(self) -> str:
        return self.messages[-1].text.strip()

    @property
    def earlier(self) -> list[ChatMessage]:
        return self.messages[:-1]


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def conversation_key(principal: str | None, user: str | None, messages: Sequence[ChatMessage]) -> str | None:
    """The link key of a conversation: who asks, and its user and assistant messages (system prompts
    are left out: UIs edit them). None for a conversation with no earlier turn."""
    turns = [(m.role, _normal(m.text)) for m in messages if m.role in ("user", "assistant")]
    if not turns:
        return None
    blob = json.dumps([principal or "", user or "", turns], ensure_ascii=False)
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


def after_answer(messages: Sequence[ChatMessage], answer: str) -> list[ChatMessage]:
    """The conversation as the client will send it next time, with our answer in it."""
    return [*messages, ChatMessage(role="assistant", content=answer)]


class ModelCard(BaseModel):
    id: str = MODEL_ID
    object: Literal["model"] = "model"
    created: int = MODEL_CREATED
    owned_by: str = "rrall"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    # Words, not model tokens: there is no tokenizer behind the answers; clients only display these.
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = MODEL_ID
    choices: list[Choice]
    usage: Usage
    session_id: str = Field(description="Extension: the session this conversation maps to")
    citations: list[Citation] = Field(description="Extension: the passages behind the [n] markers")


def usage(prompt: Sequence[ChatMessage], answer: str) -> Usage:
    asked = sum(len(m.text.split()) for m in prompt)
    said = len(answer.split())
    return Usage(prompt_tokens=asked, completion_tokens=said, total_tokens=asked + said)


def chunk(completion_id: str, created: int, delta: dict[str, Any], *, finish: bool = False,
          extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """One ``chat.completion.chunk`` of a streamed answer."""
    return {
        "id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
        "choices": [{"index": 0, "delta": delta, "finish_reason": "stop" if finish else None}],
        **(extra or {}),
    }
