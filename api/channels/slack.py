"""Slack: the Events API (app mentions and direct messages) and the /rrall slash command.

Requests are signed with the app's signing secret (v0 HMAC-SHA256 over ``v0:timestamp:body``, five
minute window), checked with slack_sdk's SignatureVerifier. The webhook is acknowledged at once and
the answer posted in the thread with ``chat.postMessage`` (or, for the slash command, through the
command's ``response_url``). Slack resends an event with ``X-Slack-Retry-Num`` when it got no 2xx in
three seconds: the event id makes sure it is answered once; the same event without that header is
a replay and gets 401.

Replies are Block Kit (``api.channels.blocks``): the bottom line first with buttons for the quiz's
options and the suggested follow-ups, then the details and sources. A pressed button arrives at the
same signed endpoint as an interactivity payload (``payload=`` form field, ``block_actions``) and is
answered as if its value had been typed in the conversation the button sits in.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient
from starlette.responses import JSONResponse, Response

from api.channels import render
from api.channels.base import (
    BadPayload,
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
from api.channels.blocks import slack_messages
from api.channels.layout import layout
from assistant.answer import ChatResponse
from assistant.compose import HELP
from assistant.settings import Settings

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
_LINK = re.compile(r"<(https?://[^>|]+)(?:\|([^>]*))?>")
_ACK = "Looking into it; the answer follows here (only you can see it)."


class SlackChannel(Channel):
    name = "slack"

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        """The Events API webhook (Socket Mode needs no signing secret; see slack_socket.py)."""
        return all_set(settings.slack_signing_secret, settings.slack_bot_token)

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        assert settings.slack_bot_token is not None
        secret = settings.slack_signing_secret
        self._verifier = SignatureVerifier(secret.get_secret_value()) if secret is not None else None
        self._token = settings.slack_bot_token.get_secret_value()
        self._client = WebClient(token=self._token, base_url=settings.slack_api_url, timeout=10)

    def secrets(self) -> list[str]:
        return [self._token, *([self._verifier.signing_secret] if self._verifier else [])]

    def verify(self, request: WebhookRequest) -> None:
        if self._verifier is None:
            raise Unauthorized("no signing secret configured (Socket Mode only)")
        try:
            valid = self._verifier.is_valid(
                body=request.body, timestamp=request.header("x-slack-request-timestamp"),
                signature=request.header("x-slack-signature"),
            )
        except ValueError as exc:  # a timestamp that is not a number
            raise Unauthorized("malformed timestamp") from exc
        if not valid:
            raise Unauthorized("signature missing, wrong or outside the five-minute window")

    def parse(self, request: WebhookRequest) -> Parsed:
        if "application/x-www-form-urlencoded" in (request.header("content-type") or ""):
            form = {k: v[-1] for k, v in request.form().items()}
            if "payload" in form:  # a button pressed (interactivity is signed like events)
                try:
                    payload = json.loads(form["payload"])
                except ValueError as exc:
                    raise BadPayload("payload is not JSON") from exc
                if not isinstance(payload, dict):
                    raise BadPayload("payload must be a JSON object")
                return self.parse_interaction(payload)
            return self._slash_command(request)
        return self.parse_event(request.json_object())

    def parse_interaction(self, payload: dict[str, Any]) -> Parsed:
        """A ``block_actions`` payload: the pressed button's value, in the conversation of the message
        it sits on (the thread, the DM, or the slash command's private reply)."""
        if payload.get("type") != "block_actions":
            return Parsed()  # view submissions, shortcuts: not offered, nothing to answer
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
            raise BadPayload("block_actions needs actions")
        value = text_field(actions[0], "value")
        team = str(_optional_object(payload, "team").get("id") or "")
        channel = text_field(object_field(payload, "channel"), "id")
        user = text_field(object_field(payload, "user"), "id")
        trigger = text_field(payload, "trigger_id")
        container = _optional_object(payload, "container")
        if container.get("is_ephemeral") and isinstance(payload.get("response_url"), str):
            return Parsed(messages=(Inbound(
                conversation=f"{team}:{channel}:{user}:slash", text=value, event_id=f"action:{trigger}",
                reply_to={"response_url": payload["response_url"], "channel": channel, "interaction": True},
            ),))
        message = _optional_object(payload, "message")
        thread = message.get("thread_ts")
        return Parsed(messages=(Inbound(
            conversation=f"{team}:{channel}" + (f":{thread}" if thread else ""), text=value,
            event_id=f"action:{trigger}", reply_to={"channel": channel, "thread_ts": thread, "interaction": True},
        ),))

    def parse_event(self, data: dict[str, Any]) -> Parsed:
        """An Events API body, as the webhook receives it or as a Socket Mode envelope carries it."""
        kind = data.get("type")
        if kind == "url_verification":
            return Parsed(immediate=JSONResponse({"challenge": text_field(data, "challenge")}))
        if kind != "event_callback":
            return Parsed()  # app_rate_limited and the like: acknowledged, nothing to answer
        event = object_field(data, "event")
        event_id = text_field(data, "event_id")
        if not _is_question(event, data):
            return Parsed()
        channel = text_field(event, "channel")
        ts = text_field(event, "ts")
        thread = event.get("thread_ts") or (ts if event.get("type") == "app_mention" else None)
        team = str(data.get("team_id") or event.get("team") or "")
        conversation = f"{team}:{channel}" + (f":{thread}" if thread else "")
        return Parsed(messages=(Inbound(
            conversation=conversation, text=_plain(text_field(event, "text")), event_id=event_id,
            reply_to={"channel": channel, "thread_ts": thread},
        ),))

    def _slash_command(self, request: WebhookRequest) -> Parsed:
        form = {k: v[-1] for k, v in request.form().items()}
        return self.parse_command(form, fallback_id=hashlib.sha256(request.body).hexdigest())

    def parse_command(self, form: dict[str, Any], *, fallback_id: str) -> Parsed:
        """A slash command's fields (a form over the webhook, a JSON payload over Socket Mode)."""
        if not form.get("command") or not form.get("channel_id") or not form.get("response_url"):
            raise BadPayload("a slash command needs command, channel_id and response_url")
        text = form.get("text", "").strip()
        if not text:
            help_text = render.styled(HELP, render.SLACK)
            return Parsed(immediate=JSONResponse({"response_type": "ephemeral", "text": help_text}))
        user = form.get("user_id", "")
        # Slack never resends a slash command, so a repeated body is a replay.
        event_id = "slash:" + (form.get("trigger_id") or fallback_id)
        return Parsed(messages=(Inbound(
            conversation=f"{form.get('team_id', '')}:{form['channel_id']}:{user}:slash", text=text, event_id=event_id,
            reply_to={"response_url": form["response_url"], "channel": form["channel_id"]},
        ),))

    def on_duplicate(self, request: WebhookRequest) -> None:
        if request.header("x-slack-retry-num") is None:
            raise Unauthorized("event id seen before and the request is not a Slack retry")

    def acknowledge(self, request: WebhookRequest, accepted: list[Inbound]) -> Response:
        if any(m.reply_to.get("interaction") for m in accepted):
            return Response(status_code=200)  # Slack wants an empty 200 for a button within 3 seconds
        if any("response_url" in m.reply_to for m in accepted):
            return JSONResponse({"response_type": "ephemeral", "text": _ACK})
        headers = {"X-Slack-No-Retry": "1"} if request.header("x-slack-retry-num") else None
        return Response(status_code=200, headers=headers)

    def render(self, response: ChatResponse) -> list[Outbound]:
        return slack_messages(layout(response))

    def deliver(self, message: Inbound, outbound: Outbound) -> None:
        try:
            if "response_url" in message.reply_to:
                sent = WebhookClient(message.reply_to["response_url"], timeout=10).send(
                    text=outbound["text"], blocks=outbound.get("blocks"), response_type="ephemeral",
                    replace_original=False)
                if sent.status_code != 200:
                    raise DeliveryError(f"response_url answered HTTP {sent.status_code}",
                                        retryable=sent.status_code >= 500 or sent.status_code == 429)
                return
            self._client.chat_postMessage(channel=message.reply_to["channel"], thread_ts=message.reply_to["thread_ts"],
                                          text=outbound["text"], blocks=outbound.get("blocks"), mrkdwn=True,
                                          unfurl_links=False)
        except SlackApiError as exc:
            status = exc.response.status_code
            retry_after = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
            raise DeliveryError(f"chat.postMessage: HTTP {status}, {exc.response.get('error')}",
                                retryable=status >= 500 or status == 429,
                                retry_after=float(retry_after) if retry_after else None) from exc
        except (URLError, OSError) as exc:
            raise DeliveryError(f"Slack unreachable: {type(exc).__name__}", retryable=True) from exc


def _optional_object(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def _is_question(event: dict[str, Any], data: dict[str, Any]) -> bool:
    """App mentions anywhere, plain messages only in DMs; never a bot's (or our own) message."""
    if event.get("bot_id") or event.get("subtype"):
        return False
    bot_users = {a.get("user_id") for a in data.get("authorizations") or [] if isinstance(a, dict) and a.get("is_bot")}
    if event.get("user") in bot_users:
        return False
    if event.get("type") == "app_mention":
        return True
    return event.get("type") == "message" and event.get("channel_type") == "im"


def _plain(text: str) -> str:
    """Slack's wire text to what the user typed: no mentions, links as written, entities decoded."""
    text = _MENTION.sub("", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return html.unescape(text).strip()
