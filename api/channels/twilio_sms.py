"""Twilio: SMS and WhatsApp messages (``From: whatsapp:+...``), answered with TwiML in the response.

Twilio signs the full public URL plus the sorted form parameters (``X-Twilio-Signature``), checked
with twilio's RequestValidator. Behind a proxy the URL Twilio called is not the one uvicorn sees,
so ``RRALL_PUBLIC_BASE_URL`` is used when set. A reply is the bottom line and at most one question in
three SMS segments (GSM-7 only, so a stray symbol cannot turn it into 67-character UCS-2 segments), or
480 characters on WhatsApp; MORE and SOURCES send the rest (``api.channels.pages``).
"""

from __future__ import annotations

from starlette.responses import Response
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]
from twilio.twiml.messaging_response import MessagingResponse  # type: ignore[import-untyped]

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
)
from api.channels.pages import SMS, WHATSAPP_TEXT, Surface, paged_reply
from assistant.answer import ChatResponse
from assistant.settings import Settings

# Twilio's limit for one message body; longer ones are refused (error 21617). Our pages stay far below.
MESSAGE_LIMIT = 1600


class TwilioChannel(Channel):
    name = "twilio"
    replies_later = False

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return all_set(settings.twilio_auth_token)

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        assert settings.twilio_auth_token is not None
        self._auth_token = settings.twilio_auth_token.get_secret_value()
        self._validator = RequestValidator(self._auth_token)

    def secrets(self) -> list[str]:
        return [self._auth_token]

    def signed_url(self, request: WebhookRequest) -> str:
        """The URL Twilio requested: the public base URL when configured, else the one received."""
        base = self.settings.public_base_url.rstrip("/")
        if not base:
            return request.url
        return base + request.path + (f"?{request.query}" if request.query else "")

    def verify(self, request: WebhookRequest) -> None:
        signature = request.header("x-twilio-signature")
        params = {k: v[-1] for k, v in request.form().items()}
        if not signature or not self._validator.validate(self.signed_url(request), params, signature):
            raise Unauthorized("X-Twilio-Signature missing or wrong")
        account = self.settings.twilio_account_sid
        if account and params.get("AccountSid") != account:
            raise Unauthorized("signed for another Twilio account")

    def parse(self, request: WebhookRequest) -> Parsed:
        form = {k: v[-1] for k, v in request.form().items()}
        if "Body" not in form:
            if "MessageStatus" in form:
                return Parsed()  # a delivery status callback: nothing to answer
            raise BadPayload("an incoming message has Body, From and MessageSid")
        sid = form.get("MessageSid") or form.get("SmsMessageSid")
        sender = form.get("From")
        if not sid or not sender:
            raise BadPayload("an incoming message has Body, From and MessageSid")
        # "whatsapp:+15551234567" and "+15551234567" are different conversations, as they should be.
        return Parsed(messages=(Inbound(conversation=sender, text=form["Body"], event_id=sid,
                                        reply_to={"to": sender, "from": form.get("To", "")}),))

    def render(self, response: ChatResponse) -> list[Outbound]:
        return paged_reply(response, SMS).now

    def render_reply(self, message: Inbound, response: ChatResponse) -> Rendered:
        return paged_reply(response, surface(message))

    def notice(self, message: Inbound, text: str) -> Outbound:
        return {"text": surface(message).prepare(text)}

    def reply(self, answered: list[tuple[Inbound, list[Outbound]]]) -> Response:
        twiml = MessagingResponse()
        for _, outbounds in answered:
            for outbound in outbounds:
                twiml.message(outbound["text"])
        return Response(content=str(twiml), media_type="application/xml")


def surface(message: Inbound) -> Surface:
    """WhatsApp through Twilio is not cut into SMS segments and shows any character."""
    return WHATSAPP_TEXT if message.conversation.startswith("whatsapp:") else SMS

