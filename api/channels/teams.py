"""Microsoft Teams through the Bot Framework: activities in, connector REST calls out.

The archived ``botbuilder`` SDK is not used. Inbound: the ``Authorization: Bearer`` JWT is checked
with PyJWT against the signing keys at ``RRALL_TEAMS_JWKS_URL`` (issuer, audience = app id, expiry),
and its ``serviceurl`` claim must name the activity's ``serviceUrl``, since our own bearer token is
sent there. Outbound: the bot's token comes from msal (Microsoft's maintained identity library:
client-credentials with a secret or a certificate, token caching and refresh), then
``POST {serviceUrl}/v3/conversations/{id}/activities/{activityId}``, the reply as one Adaptive Card
(``api.channels.cards``) with a short text fallback.

Why msal and not the Microsoft 365 Agents SDK packages (microsoft-agents-hosting-core and
-authentication-msal, the archived SDK's successor): their token side is this same msal call, and
their inbound JwtTokenValidator is PyJWT too, but it picks the Bot Framework's key URL from a
built-in table by issuer (so it cannot be pointed at a gateway or a test's keys), does not check the
serviceUrl claim, is asyncio-only, and brings aiohttp, OpenTelemetry SDK and azure-core with it.
"""

from __future__ import annotations

import functools
import html
import re
import threading
from typing import Any
from urllib.parse import quote

import httpx
import jwt
import msal
import requests
from starlette.responses import Response

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
from api.channels.cards import answer_card, fallback_text
from api.channels.layout import layout
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
        certificate = bool(settings.teams_certificate_path and settings.teams_certificate_thumbprint)
        return all_set(settings.teams_app_id) and (all_set(settings.teams_app_password) or certificate)

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        assert settings.teams_app_id is not None
        self._app_id = settings.teams_app_id
        password = settings.teams_app_password
        self._password = password.get_secret_value() if password is not None else ""
        self._keys = jwt.PyJWKClient(settings.teams_jwks_url, cache_keys=True, lifespan=3600, timeout=10)
        self._http = httpx.Client(timeout=10)
        self._identity: msal.ConfidentialClientApplication | None = None
        self._token_lock = threading.Lock()

    def secrets(self) -> list[str]:
        return [self._password] if self._password else []

    def _credential(self) -> str | dict[str, str]:
        """A certificate when one is configured (Microsoft's advice for production), else the secret."""
        s = self.settings
        if s.teams_certificate_path and s.teams_certificate_thumbprint:
            with open(s.teams_certificate_path, encoding="utf-8") as pem:
                return {"private_key": pem.read(), "thumbprint": s.teams_certificate_thumbprint}
        return self._password

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
        """One card and no text beside it (Teams would show both); ``summary`` is what a notification
        shows, the card's own fallback text what a client without cards does."""
        shaped = layout(response)
        card = answer_card(shaped)
        return [{"type": "message", "summary": fallback_text(shaped)[:200],
                 "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}]

    def deliver(self, message: Inbound, outbound: Outbound) -> None:
        to = message.reply_to
        url = (f"{to['service_url'].rstrip('/')}/v3/conversations/{quote(to['conversation_id'], safe='')}"
               f"/activities/{quote(to['activity_id'], safe='')}")
        activity = {**outbound, "from": to["from"], "recipient": to["recipient"],
                    "conversation": {"id": to["conversation_id"]}, "replyToId": to["activity_id"]}
        sent = self._post(url, json=activity, headers={"Authorization": f"Bearer {self._bearer()}"})
        if sent.status_code == 401 and self._identity is not None:
            self._identity.remove_tokens_for_client()  # revoked or expired early: a new one on the retry
        if sent.status_code >= 300:
            raise DeliveryError(f"connector answered HTTP {sent.status_code}",
                                retryable=sent.status_code >= 500 or sent.status_code in (401, 429))

    def _bearer(self) -> str:
        """The bot's bearer token; msal keeps it cached and asks again shortly before it expires."""
        with self._token_lock:
            try:
                if self._identity is None:  # built on first use: it reads the authority's discovery document
                    self._identity = msal.ConfidentialClientApplication(
                        self._app_id, client_credential=self._credential(), authority=self.settings.teams_authority,
                        # Instance discovery would ask login.microsoftonline.com about a sovereign cloud's or
                        # a gateway's authority; the configured one is trusted as given.
                        instance_discovery=False, http_client=_identity_http(self.settings.teams_ca_bundle))
                result = self._identity.acquire_token_for_client(scopes=[self.settings.teams_token_scope])
            except (ValueError, OSError) as exc:  # discovery failed, or the identity platform unreachable
                self._identity = None
                raise DeliveryError(f"identity platform: {type(exc).__name__}", retryable=True) from exc
            token = result.get("access_token")
            if not token:
                error = str(result.get("error") or "no token")
                raise DeliveryError(f"token request refused: {error}",
                                    retryable=error in ("temporarily_unavailable", "server_error"))
            return str(token)

    def _post(self, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.post(url, **kwargs)
        except httpx.TransportError as exc:
            raise DeliveryError(f"{httpx.URL(url).host} unreachable: {type(exc).__name__}", retryable=True) from exc


class _Session(requests.Session):
    """requests lets REQUESTS_CA_BUNDLE in the environment override a session's own CA bundle; a bundle
    configured for the identity platform must win over the machine-wide one."""

    def merge_environment_settings(self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any) -> Any:
        merged = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if isinstance(self.verify, str):
            merged["verify"] = self.verify
        return merged


def _identity_http(ca_bundle: str) -> requests.Session:
    """msal's HTTP client: requests, as msal's own default, with a timeout and the configured CA bundle."""
    session = _Session()
    if ca_bundle:
        session.verify = ca_bundle
    session.request = functools.partial(session.request, timeout=10)  # type: ignore[method-assign]
    return session


def _user_text(text: str) -> str:
    """Teams wraps mentions in <at> tags and may send HTML: the question is what remains."""
    if "<" not in text:
        return text.strip()
    text = _MENTION.sub("", text)
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())

