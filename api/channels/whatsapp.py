"""WhatsApp Cloud API (Meta): webhook handshake, signed notifications, replies via the Graph API.

``GET /webhooks/whatsapp`` answers Meta's subscription check (``hub.mode=subscribe``, the verify
token, ``hub.challenge`` echoed). Notifications carry ``X-Hub-Signature-256: sha256=HMAC(app secret,
raw body)``. Meta resends a notification until it gets a 2xx, for days: message ids (``wamid``) make
sure each is answered once. Replies are ``POST {RRALL_WHATSAPP_API_URL}/{phone_number_id}/messages``.
"""

from __future__ import annotations

import hmac
from typing import Any

import httpx
from starlette.responses import PlainTextResponse, Response

from api.channels.base import (
    BadPayload,
    Channel,
    DeliveryError,
    Inbound,
    Outbound,
    Parsed,
    Rendered,
    WebhookRequest,
    all_set,
    hmac_sha256_hex,
    require_signature,
)
from api.channels.pages import WHATSAPP_TEXT, paged_reply
from assistant.answer import ChatResponse
from assistant.settings import Settings

# The Cloud API's limit for a text body; our pages keep to WHATSAPP_LIMIT, far below it.
MESSAGE_LIMIT = 4096


class WhatsAppChannel(Channel):
    name = "whatsapp"

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return all_set(settings.whatsapp_app_secret, settings.whatsapp_access_token)

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        assert settings.whatsapp_app_secret is not None and settings.whatsapp_access_token is not None
        self._app_secret = settings.whatsapp_app_secret.get_secret_value()
        self._access_token = settings.whatsapp_access_token.get_secret_value()
        verify_token = settings.whatsapp_verify_token
        self._verify_token = verify_token.get_secret_value() if verify_token else ""
        self._http = httpx.Client(timeout=10)

    def secrets(self) -> list[str]:
        return [self._app_secret, self._access_token, self._verify_token]

    def handshake(self, request: WebhookRequest) -> Response:
        query = request.query_params()
        token = query.get("hub.verify_token", "")
        if (query.get("hub.mode") != "subscribe" or not self._verify_token
                or not hmac.compare_digest(token.encode(), self._verify_token.encode())):
            return PlainTextResponse("verification failed", status_code=403)
        return PlainTextResponse(query.get("hub.challenge", ""))

    def verify(self, request: WebhookRequest) -> None:
        expected = "sha256=" + hmac_sha256_hex(self._app_secret, request.body)
        require_signature(expected, request.header("x-hub-signature-256"))

    def parse(self, request: WebhookRequest) -> Parsed:
        data = request.json_object()
        entries = data.get("entry")
        if data.get("object") != "whatsapp_business_account" or not isinstance(entries, list):
            raise BadPayload("expected a whatsapp_business_account notification with entries")
        messages: list[Inbound] = []
        for entry in entries:
            for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
                value = change.get("value") if isinstance(change, dict) else None
                if isinstance(value, dict) and change.get("field") == "messages":
                    messages.extend(_messages(value))
        return Parsed(messages=tuple(messages))

    def render(self, response: ChatResponse) -> list[Outbound]:
        return paged_reply(response, WHATSAPP_TEXT).now

    def render_reply(self, message: Inbound, response: ChatResponse) -> Rendered:
        """Read on a phone: the bottom line and one question now; MORE and SOURCES send the rest."""
        return paged_reply(response, WHATSAPP_TEXT)

    def deliver(self, message: Inbound, outbound: Outbound) -> None:
        url = f"{self.settings.whatsapp_api_url.rstrip('/')}/{message.reply_to['phone_number_id']}/messages"
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": message.reply_to["to"],
                "type": "text", "text": {"preview_url": False, "body": outbound["text"]}}
        try:
            sent = self._http.post(url, json=body, headers={"Authorization": f"Bearer {self._access_token}"})
        except httpx.TransportError as exc:
            raise DeliveryError(f"Graph API unreachable: {type(exc).__name__}", retryable=True) from exc
        if sent.status_code >= 300:
            raise DeliveryError(f"Graph API answered HTTP {sent.status_code}",
                                retryable=sent.status_code >= 500 or sent.status_code == 429)


def _messages(value: dict[str, Any]) -> list[Inbound]:
    """The text messages of one change; statuses (sent, delivered, read) and media are skipped."""
    metadata = value.get("metadata")
    phone_number_id = metadata.get("phone_number_id") if isinstance(metadata, dict) else None
    out: list[Inbound] = []
    for message in value.get("messages") or []:
        if not isinstance(message, dict):
            raise BadPayload("messages must be objects")
        text = _text_of(message)
        if text is None:
            continue
        sender, message_id = message.get("from"), message.get("id")
        if not isinstance(sender, str) or not isinstance(message_id, str) or not isinstance(phone_number_id, str):
            raise BadPayload("a message needs from, id and metadata.phone_number_id")
        out.append(Inbound(conversation=f"{phone_number_id}:{sender}", text=text, event_id=message_id,
                           reply_to={"phone_number_id": phone_number_id, "to": sender}))
    return out


def _text_of(message: dict[str, Any]) -> str | None:
    kind = message.get("type")
    if kind == "text" and isinstance(message.get("text"), dict):
        body = message["text"].get("body")
        return body if isinstance(body, str) else None
    if kind == "button" and isinstance(message.get("button"), dict):
        label = message["button"].get("text")
        return label if isinstance(label, str) else None
    return None
