"""Microsoft Teams through the Bot Framework: activities in, connector REST calls out.

The archived ``botbuilder`` SDK is not used. Inbound: the ``Authorization: Bearer`` JWT is checked
with PyJWT against the signing keys at ``RRALL_TEAMS_JWKS_URL`` (issuer, audience = app id, expiry),
and its ``serviceurl`` claim must name the activity's ``serviceUrl``, since our own bearer token is
sent there. Outbound: a client-credentials token from ``teams_token_url``, then
``POST {serviceUrl}/v3/conversations/{id}/activities/{activityId}``, the assessment as an Adaptive Card.
"""

from __future__ import annotations

import html
import re
import threading
import time
from typing import Any
from urllib.parse import quote

import httpx
import jwt
from starlette.responses import Response

from api.channels import render
from api.channels.base import (
    Channel,
    DeliveryError,
    Inbound,
    Outbound,
    Parsed,
    Unauthorized,
    WebhookRequest,
    all_set,
    object_field,
    text_field,
)
from api.channels.cards import assessment_card, quiz_card
from assistant.answer import ChatResponse
from assistant.settings import Settings

# The Bot Framework allows five minutes of clock skew between its token service and the bot.
CLOCK_SKEW_SECONDS = 300
_MENTION = re.compile(r"<at>[^<]*</at>")
_TAG = re.compile(r"<[^>]+>")


class TeamsChannel(Channel):
    name = "teams"

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return all_set(settings.teams_app_id, settings.teams_app_password)

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        assert settings.teams_app_id is not None and settings.teams_app_password is not None
        self._app_id = settings.teams_app_id
        self._password = settings.teams_app_password.get_secret_value()
        self._keys = jwt.PyJWKClient(settings.teams_jwks_url, cache_keys=True, lifespan=3600, timeout=10)
        self._http = httpx.Client(timeout=10)
        self._token: tuple[str, float] | None = None  # (token, expires at)
        self._token_lock = threading.Lock()

    def secrets(self) -> list[str]:
        return [self._password]

    def verify(self, request: WebhookRequest) -> None:
        scheme, _, token = (request.header("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("no bearer token")
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token, key.key, algorithms=["RS256"], audience=self._app_id, issuer=self.settings.teams_issuer,
                leeway=CLOCK_SKEW_SECONDS, options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"token rejected: {type(exc).__name__}") from exc
        service_url = request.json_object().get("serviceUrl")
        claimed = claims.get("serviceurl") or claims.get("serviceUrl")
        if not isinstance(service_url, str) or not claimed or claimed.rstrip("/") != service_url.rstrip("/"):
            raise Unauthorized("the token was not issued for this serviceUrl")

    def parse(self, request: WebhookRequest) -> Parsed:
        activity = request.json_object()
        if activity.get("type") != "message" or not isinstance(activity.get("text"), str):
            return Parsed()  # conversationUpdate, typing, reactions: acknowledged, nothing to answer
        conversation = text_field(object_field(activity, "conversation"), "id")
        activity_id = text_field(activity, "id")
        sender, recipient = object_field(activity, "from"), object_field(activity, "recipient")
        return Parsed(messages=(Inbound(
            conversation=conversation, text=_user_text(activity["text"]), event_id=f"{conversation}:{activity_id}",
            reply_to={"service_url": text_field(activity, "serviceUrl"), "conversation_id": conversation,
                      "activity_id": activity_id, "from": recipient, "recipient": sender},
        ),))

    def acknowledge(self, request: WebhookRequest, accepted: list[Inbound]) -> Response:
        return Response(status_code=202)

    def render(self, response: ChatResponse) -> list[Outbound]:
        quiz = quiz_card(response.quiz)  # its buttons carry the choices, so the text need not
        attachments = [card for card in (assessment_card(response), quiz) if card]
        activity: dict[str, Any] = {"type": "message", "textFormat": "markdown",
                                    "text": render.answer_markdown(response, with_quiz=quiz is None)}
        if attachments:
            activity["attachments"] = [{"contentType": "application/vnd.microsoft.card.adaptive", "content": c}
                                       for c in attachments]
        return [activity]

    def deliver(self, message: Inbound, outbound: Outbound) -> None:
        to = message.reply_to
        url = (f"{to['service_url'].rstrip('/')}/v3/conversations/{quote(to['conversation_id'], safe='')}"
               f"/activities/{quote(to['activity_id'], safe='')}")
        activity = {**outbound, "from": to["from"], "recipient": to["recipient"],
                    "conversation": {"id": to["conversation_id"]}, "replyToId": to["activity_id"]}
        sent = self._post(url, json=activity, headers={"Authorization": f"Bearer {self._bearer()}"})
        if sent.status_code == 401:
            self._token = None  # revoked or expired early: fetch a new one on the retry
        if sent.status_code >= 300:
            raise DeliveryError(f"connector answered HTTP {sent.status_code}",
                                retryable=sent.status_code >= 500 or sent.status_code in (401, 429))

    def _bearer(self) -> str:
        with self._token_lock:
            if self._token is None or self._token[1] < time.time() + 60:
                sent = self._post(self.settings.teams_token_url, data={
                    "grant_type": "client_credentials", "client_id": self._app_id,
                    "client_secret": self._password, "scope": self.settings.teams_token_scope,
                })
                if sent.status_code != 200:
                    raise DeliveryError(f"token endpoint answered HTTP {sent.status_code}",
                                        retryable=sent.status_code >= 500 or sent.status_code == 429)
                body = sent.json()
                self._token = (str(body["access_token"]), time.time() + float(body.get("expires_in", 3600)))
            return self._token[0]

    def _post(self, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.post(url, **kwargs)
        except httpx.TransportError as exc:
            raise DeliveryError(f"{httpx.URL(url).host} unreachable: {type(exc).__name__}", retryable=True) from exc


def _user_text(text: str) -> str:
    """Teams wraps mentions in <at> tags and may send HTML: the question is what remains."""
    if "<" not in text:
        return text.strip()
    text = _MENTION.sub("", text)
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())

