"""The one interface every messaging platform implements: verify, parse, render, deliver.

A channel never touches the engine, the database or the HTTP framework's request object: the hub
(``api.channels.hub``) hands it a ``WebhookRequest`` and the engine's ``ChatResponse``, so each
platform module is only the platform's own rules.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qs

from pydantic import SecretStr
from starlette.responses import JSONResponse, Response

from api.channels import render
from assistant.answer import ChatResponse
from assistant.settings import Settings

# Slack's and our generic webhook's replay window: a signed request older than this is refused.
TIMESTAMP_TOLERANCE_SECONDS = 5 * 60

# A button whose payload cannot carry its message (Telegram's callback data is 64 bytes at most)
# carries "button:N" instead: the Nth of the reply's held buttons (``Held.buttons``).
BUTTON_PREFIX = "button:"

Outbound = dict[str, Any]
"""One platform API call's worth of reply (a message body), JSON-serialisable so a failed one is kept."""


class Unauthorized(Exception):
    """Unsigned, forged or replayed: answered 401 and nothing is processed."""


class BadPayload(Exception):
    """A signed request whose body the platform would never send: answered 400."""


class DeliveryError(Exception):
    """An outbound call failed; ``retryable`` says whether trying again can help."""

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass(frozen=True)
class WebhookRequest:
    """What a channel sees of an inbound HTTP request: the raw body, exactly as signed."""

    method: str
    url: str
    path: str
    query: str
    headers: Mapping[str, str]  # names in lower case
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadPayload("the body is not JSON") from exc

    def json_object(self) -> dict[str, Any]:
        data = self.json()
        if not isinstance(data, dict):
            raise BadPayload("the body is not a JSON object")
        return data

    def form(self) -> dict[str, list[str]]:
        try:
            return parse_qs(self.body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError as exc:
            raise BadPayload("the form body is not UTF-8") from exc

    def query_params(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.query, keep_blank_values=True).items()}


@dataclass(frozen=True)
class Inbound:
    """One user message: which conversation, what was said, and what the reply needs to find its way."""

    conversation: str
    text: str
    event_id: str | None = None
    reply_to: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Held:
    """What a reply keeps back for later, on the conversation's link: the parts a text message sends
    on MORE (one each) and SOURCES (all), and the messages behind buttons whose payload is too small
    to carry them (Telegram's 64-byte callback data), by position."""

    more: tuple[Outbound, ...] = ()
    sources: tuple[Outbound, ...] = ()
    buttons: tuple[str, ...] = ()
    paged: bool = False  # the reply was paged: MORE and SOURCES are answered from here

    def to_json(self) -> str:
        return json.dumps({"more": list(self.more), "sources": list(self.sources), "buttons": list(self.buttons),
                           "paged": self.paged}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Held:
        data = json.loads(text)
        return cls(more=tuple(data.get("more", ())), sources=tuple(data.get("sources", ())),
                   buttons=tuple(data.get("buttons", ())), paged=bool(data.get("paged")))


@dataclass(frozen=True)
class Rendered:
    """A reply as the platform shows it: the messages sent now, and what is held for later."""

    now: list[Outbound]
    held: Held | None = None


@dataclass(frozen=True)
class Parsed:
    messages: tuple[Inbound, ...] = ()
    # A response given at once with nothing for the engine (Slack's url_verification, a help text).
    immediate: Response | None = None


class Channel(ABC):
    """A messaging platform. Subclasses set ``name`` and implement the abstract methods."""

    name: ClassVar[str]
    # True: the webhook is acknowledged at once and the answer goes out through the platform's API.
    # False: the answer is the body of the webhook's own HTTP response (TwiML, JSON).
    replies_later: ClassVar[bool] = True

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @classmethod
    @abstractmethod
    def configured(cls, settings: Settings) -> bool:
        """Whether the platform's secrets are set; an unconfigured platform is off (404)."""

    @abstractmethod
    def verify(self, request: WebhookRequest) -> None:
        """Raise Unauthorized unless the platform signed this very request."""

    @abstractmethod
    def parse(self, request: WebhookRequest) -> Parsed:
        """The user messages in a verified request; raise BadPayload when it is malformed."""

    def render(self, response: ChatResponse) -> list[Outbound]:
        """The reply as platform messages; the default is plain text every platform can show."""
        return [{"text": part} for part in render.plain_parts(response, limit=4096)]

    def render_reply(self, message: Inbound, response: ChatResponse) -> Rendered:
        """The reply to ``message``: what is sent now and what is held for MORE, SOURCES and buttons.
        Platforms that page or carry buttons override this; the rest send all of ``render`` now."""
        return Rendered(now=self.render(response))

    def notice(self, message: Inbound, text: str) -> Outbound:
        """A short plain message in the platform's shape ("That was the whole answer.")."""
        return {"text": text}

    def deliver(self, message: Inbound, outbound: Outbound) -> None:
        """Send one rendered message; raise DeliveryError on failure."""
        raise NotImplementedError(f"{self.name} replies in the webhook response")

    def acknowledge(self, request: WebhookRequest, accepted: list[Inbound]) -> Response:
        """The webhook's response when the answer follows later."""
        return JSONResponse({"ok": True})

    def reply(self, answered: list[tuple[Inbound, list[Outbound]]]) -> Response:
        """The webhook's response carrying the rendered answers (channels with ``replies_later = False``)."""
        raise NotImplementedError(f"{self.name} replies through its API")

    def on_duplicate(self, request: WebhookRequest) -> None:
        """A message id seen before. Platforms resend until they get a 2xx, so by default the
        duplicate is acknowledged and dropped; channels that can tell a replay raise Unauthorized."""
        return None

    def handshake(self, request: WebhookRequest) -> Response:
        """``GET /webhooks/{platform}``: only platforms with a subscription handshake answer it."""
        return JSONResponse({"error": {"code": "method_not_allowed", "message": "POST only."}}, status_code=405)

    def secrets(self) -> list[str]:
        """Secret values this channel holds, so log records can be scrubbed of them."""
        return []


def all_set(*values: SecretStr | str | None) -> bool:
    """Every value is present and non-empty: a platform with any required secret blank stays off."""
    return all(bool(v.get_secret_value() if isinstance(v, SecretStr) else v) for v in values)


def hmac_sha256_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def require_signature(expected: str, given: str | None) -> None:
    """Constant-time comparison; a missing header is the same failure as a wrong one."""
    if not given or not hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8")):
        raise Unauthorized("signature does not match")


def require_fresh(timestamp: str | None, *, now: float | None = None) -> None:
    """A signed timestamp within the replay window (either direction, for clock skew)."""
    try:
        moment = int(timestamp or "")
    except ValueError as exc:
        raise Unauthorized("missing or malformed timestamp") from exc
    if abs((time.time() if now is None else now) - moment) > TIMESTAMP_TOLERANCE_SECONDS:
        raise Unauthorized("timestamp outside the replay window")


def text_field(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        raise BadPayload(f"{name} must be a string")
    return value


def object_field(data: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    if not isinstance(value, dict):
        raise BadPayload(f"{name} must be an object")
    return value
