"""Test-side stand-ins for each platform: build realistic payloads, sign them as the platform does
(with the platform's own SDK where there is one), post them, and read the replies back.

Async platforms' replies are read from the fake platform server's record; synchronous ones (Twilio,
generic) from the webhook's response.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import hmac
import itertools
import json
import secrets
import time
import xml.etree.ElementTree as ET
from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa
from slack_sdk.signature import SignatureVerifier
from twilio.request_validator import RequestValidator

from api.channels.hub import NOTHING_MORE
from tests.channels import harness as c
from tests.channels.fake_platform import FakePlatform
from tests.channels.harness import FIXTURES, LiveApp

_counter = itertools.count(1000)


@functools.cache
def _attacker() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Prepared:
    conversation: str
    path: str
    headers: dict[str, str]
    body: bytes


MAX_PARTS = 20


class Driver(ABC):
    platform: ClassVar[str]
    replies_later: ClassVar[bool] = True
    paged: ClassVar[bool] = False  # a text-message platform: MORE and SOURCES send the rest
    # What an identical resend gets: 200 where the platform itself resends (dropped), 401 where we can
    # tell a replay from a retry.
    duplicate_status: ClassVar[int] = 200

    def __init__(self, live: LiveApp, fake: FakePlatform) -> None:
        self.live, self.fake = live, fake
        self._sync_replies: dict[str, list[str]] = {}

    @abstractmethod
    def new_conversation(self) -> str: ...

    @abstractmethod
    def message(self, text: str, conversation: str) -> Prepared:
        """A signed request carrying one user message."""

    @abstractmethod
    def unsign(self, prepared: Prepared) -> Prepared: ...

    @abstractmethod
    def forge(self, prepared: Prepared) -> Prepared:
        """The request as an attacker would send it: changed after signing, or signed with the wrong key."""

    def stale(self, text: str, conversation: str) -> Prepared | None:
        """A request signed long ago, for platforms whose signature covers a time; None otherwise."""
        return None

    @abstractmethod
    def malformed(self) -> Prepared:
        """A correctly signed request whose body the platform would never send."""

    def replies(self, conversation: str) -> list[str]:
        return list(self._sync_replies.get(conversation, []))

    def post(self, prepared: Prepared) -> httpx.Response:
        response = httpx.post(self.live.base + prepared.path, content=prepared.body, headers=prepared.headers,
                              timeout=30)
        if not self.replies_later and response.status_code == 200:
            self._sync_replies.setdefault(prepared.conversation, []).extend(self.read_sync(response))
        self.live.wait_idle()
        return response

    def read_sync(self, response: httpx.Response) -> list[str]:
        raise NotImplementedError

    def ask(self, text: str, conversation: str) -> str:
        """The whole answer: on a platform that pages, the first message, every MORE part and SOURCES."""
        new = [self.send(text, conversation)]
        if self.paged:
            for _ in range(MAX_PARTS):
                part = self.send("MORE", conversation)
                if part == NOTHING_MORE:
                    break
                new.append(part)
            else:
                raise AssertionError(f"{self.platform}: more than {MAX_PARTS} MORE parts")
            new.append(self.send("SOURCES", conversation))
        return "\n".join(new)

    def send(self, text: str, conversation: str) -> str:
        """What one message gets back, as the user reads it."""
        before = len(self.replies(conversation))
        response = self.post(self.message(text, conversation))
        assert response.status_code in (200, 202), response.text
        new = self.replies(conversation)[before:]
        assert new, f"no reply from {self.platform}"
        return "\n".join(new)


def slack_visible(message: dict[str, Any]) -> str:
    """What a Slack user reads of a message: its blocks' text (the fallback text when it has none)."""
    blocks = message.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not blocks:
        return str(message.get("text", ""))
    texts = [b["text"]["text"] for b in blocks if b.get("type") == "section"]
    texts += [e["text"] for b in blocks if b.get("type") == "context" for e in b["elements"]]
    return "\n".join(texts)


def slack_buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The buttons of a posted Slack message, by their label."""
    blocks = message.get("blocks") or []
    return {e["text"]["text"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}


def teams_visible(activity: dict[str, Any]) -> str:
    """What a Teams user can read of an activity: its text and every TextBlock of its cards (the
    hidden details and sources included: one tap shows them)."""
    texts = [activity["text"]] if activity.get("text") else []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                texts.append(str(node.get("text", "")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk([a.get("content") for a in activity.get("attachments") or []])
    return "\n".join(texts)


def _json(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


class SlackDriver(Driver):
    platform = "slack"
    duplicate_status = 401
    verifier = SignatureVerifier(c.SLACK_SIGNING_SECRET)

    def __init__(self, live: LiveApp, fake: FakePlatform) -> None:
        super().__init__(live, fake)
        self._threads: dict[str, str] = {}

    def new_conversation(self) -> str:
        return "C" + secrets.token_hex(5).upper()

    def pressed(self, channel: str, thread: str | None, button: dict[str, Any], *,
                ephemeral_url: str | None = None) -> dict[str, Any]:
        """The ``block_actions`` payload Slack sends when a user presses ``button`` on one of our messages."""
        now = f"{time.time():.6f}"
        return {
            "type": "block_actions", "team": {"id": "T0RRALL01"}, "user": {"id": "U0CLINICIAN"},
            "channel": {"id": channel}, "trigger_id": f"{now}.{next(_counter)}",
            "container": {"type": "message", "channel_id": channel, "is_ephemeral": ephemeral_url is not None},
            "message": {"type": "message", "ts": now, **({"thread_ts": thread} if thread else {})},
            "actions": [{"type": "button", "action_id": button["action_id"], "block_id": "b",
                         "value": button["value"], "action_ts": now}],
            **({"response_url": ephemeral_url} if ephemeral_url else {}),
        }

    def event(self, text: str, conversation: str) -> dict[str, Any]:
        payload = copy.deepcopy(fixture("slack_app_mention.json"))
        ts = f"{time.time():.6f}"
        event = payload["event"]
        event.update(channel=conversation, ts=ts, event_ts=ts, text=f"<@U0RRALLBOT> {text}")
        if conversation in self._threads:
            event["thread_ts"] = self._threads[conversation]
        else:
            self._threads[conversation] = ts
        payload["event_id"] = f"Ev{next(_counter)}{secrets.token_hex(3).upper()}"
        return payload

    def signed(self, body: bytes, *, timestamp: int | None = None, content_type: str = "application/json",
               extra: dict[str, str] | None = None, conversation: str = "") -> Prepared:
        ts = str(timestamp or int(time.time()))
        headers = {"content-type": content_type, "x-slack-request-timestamp": ts,
                   "x-slack-signature": self.verifier.generate_signature(timestamp=ts, body=body) or "",
                   **(extra or {})}
        return Prepared(conversation, "/webhooks/slack", headers, body)

    def message(self, text: str, conversation: str) -> Prepared:
        return self.signed(_json(self.event(text, conversation)), conversation=conversation)

    def unsign(self, prepared: Prepared) -> Prepared:
        headers = {k: v for k, v in prepared.headers.items() if k != "x-slack-signature"}
        return replace(prepared, headers=headers)

    def forge(self, prepared: Prepared) -> Prepared:
        return replace(prepared, body=prepared.body.replace(b"<@U0RRALLBOT>", b"<@U0RRALLBOT> ignore that,"))

    def stale(self, text: str, conversation: str) -> Prepared:
        body = _json(self.event(text, conversation))
        return self.signed(body, timestamp=int(time.time()) - 10 * 60, conversation=conversation)

    def malformed(self) -> Prepared:
        return self.signed(b'{"type": "event_callback", "event": "not an object"}')

    def replies(self, conversation: str) -> list[str]:
        return [slack_visible(call.data) for call in self.fake.calls_to("chat.postMessage")
                if call.status == 200 and call.data.get("channel") == conversation]


class TelegramDriver(Driver):
    platform = "telegram"

    def new_conversation(self) -> str:
        return str(secrets.randbelow(10**9) + 10**8)

    def update(self, text: str, conversation: str) -> dict[str, Any]:
        payload = copy.deepcopy(fixture("telegram_message.json"))
        payload["update_id"] = next(_counter)
        message = payload["message"]
        message.update(message_id=next(_counter), date=int(time.time()), text=text)
        message["chat"]["id"] = int(conversation)
        return payload

    def message(self, text: str, conversation: str) -> Prepared:
        return self.signed(_json(self.update(text, conversation)), conversation)

    def signed(self, body: bytes, conversation: str = "") -> Prepared:
        headers = {"content-type": "application/json", "x-telegram-bot-api-secret-token": c.TELEGRAM_SECRET_TOKEN}
        return Prepared(conversation, "/webhooks/telegram", headers, body)

    def unsign(self, prepared: Prepared) -> Prepared:
        return replace(prepared, headers={"content-type": "application/json"})

    def forge(self, prepared: Prepared) -> Prepared:
        return replace(prepared, headers={**prepared.headers, "x-telegram-bot-api-secret-token": "guessed-secret"})

    def malformed(self) -> Prepared:
        return self.signed(b'{"update_id": "seven", "message": {}}')

    def replies(self, conversation: str) -> list[str]:
        return [call.data["text"] for call in self.fake.calls_to("/sendMessage")
                if call.status == 200 and call.data.get("chat_id") == conversation]


class TwilioDriver(Driver):
    platform = "twilio"
    replies_later = False
    paged = True
    validator = RequestValidator(c.TWILIO_AUTH_TOKEN)

    def __init__(self, live: LiveApp, fake: FakePlatform, *, whatsapp: bool = False) -> None:
        super().__init__(live, fake)
        self.prefix = "whatsapp:" if whatsapp else ""

    def new_conversation(self) -> str:
        return f"{self.prefix}+1555{secrets.randbelow(10**7):07d}"

    def params(self, text: str, conversation: str) -> dict[str, str]:
        params: dict[str, str] = fixture("twilio_whatsapp.json" if self.prefix else "twilio_sms.json")
        sid = f"SM{secrets.token_hex(16)}"
        params.update(Body=text, From=conversation, MessageSid=sid, SmsMessageSid=sid, SmsSid=sid)
        return params

    def signed(self, params: dict[str, str], conversation: str = "", *, token: str | None = None) -> Prepared:
        url = self.live.base + "/webhooks/twilio"
        validator = RequestValidator(token) if token else self.validator
        headers = {"content-type": "application/x-www-form-urlencoded",
                   "x-twilio-signature": validator.compute_signature(url, params)}
        return Prepared(conversation, "/webhooks/twilio", headers, urlencode(params).encode())

    def message(self, text: str, conversation: str) -> Prepared:
        return self.signed(self.params(text, conversation), conversation)

    def unsign(self, prepared: Prepared) -> Prepared:
        return replace(prepared, headers={"content-type": "application/x-www-form-urlencoded"})

    def forge(self, prepared: Prepared) -> Prepared:
        return replace(prepared, body=prepared.body.replace(b"Body=", b"Body=ignore+that%2C+"))

    def malformed(self) -> Prepared:
        return self.signed({"AccountSid": c.TWILIO_ACCOUNT_SID, "Body": "hello", "ApiVersion": "2010-04-01"})

    def read_sync(self, response: httpx.Response) -> list[str]:
        return [m.text or "" for m in ET.fromstring(response.text).iter("Message")]


class TeamsDriver(Driver):
    platform = "teams"
    duplicate_status = 202

    def new_conversation(self) -> str:
        return f"a:1{secrets.token_urlsafe(24)}"

    @property
    def service_url(self) -> str:
        return f"{self.fake.url}/teams/"

    def activity(self, text: str, conversation: str) -> dict[str, Any]:
        payload = copy.deepcopy(fixture("teams_message.json"))
        payload.update(id=f"1{next(_counter)}", text=f"<at>RR-ALL Navigator</at> {text}", serviceUrl=self.service_url)
        payload["conversation"]["id"] = conversation
        payload["recipient"]["id"] = f"28:{c.TEAMS_APP_ID}"
        return payload

    def token(self, *, key: rsa.RSAPrivateKey | None = None, **claims: Any) -> str:
        base = {"iss": c.TEAMS_ISSUER, "aud": c.TEAMS_APP_ID, "serviceurl": self.service_url}
        return self.fake.sign_teams_token({**base, **claims}, key=key)

    def signed(self, body: bytes, conversation: str = "", **claims: Any) -> Prepared:
        key = claims.pop("key", None)
        headers = {"content-type": "application/json", "authorization": f"Bearer {self.token(key=key, **claims)}"}
        return Prepared(conversation, "/webhooks/teams", headers, body)

    def message(self, text: str, conversation: str) -> Prepared:
        return self.signed(_json(self.activity(text, conversation)), conversation)

    def unsign(self, prepared: Prepared) -> Prepared:
        return replace(prepared, headers={"content-type": "application/json"})

    def forge(self, prepared: Prepared) -> Prepared:
        """A well-formed token for our app id and the right kid, signed with someone else's key."""
        return replace(prepared, headers={**prepared.headers, "authorization": f"Bearer {self.token(key=_attacker())}"})

    def stale(self, text: str, conversation: str) -> Prepared:
        body = _json(self.activity(text, conversation))
        past = int(time.time()) - 3 * 3600
        return self.signed(body, conversation, iat=past, nbf=past, exp=past + 3600)

    def malformed(self) -> Prepared:
        return self.signed(_json({"type": "message", "text": "hi", "serviceUrl": self.service_url,
                                  "conversation": "not an object"}))

    def replies(self, conversation: str) -> list[str]:
        path = f"/teams/v3/conversations/{quote(conversation, safe='')}/"
        return [teams_visible(call.data) for call in self.fake.calls_to(path) if call.status == 200]


class WhatsAppDriver(Driver):
    platform = "whatsapp"
    paged = True
    phone_number_id = "106540352242922"

    def new_conversation(self) -> str:
        return f"1555{secrets.randbelow(10**7):07d}"

    def notification(self, text: str, conversation: str) -> dict[str, Any]:
        payload = copy.deepcopy(fixture("whatsapp_text_message.json"))
        value = payload["entry"][0]["changes"][0]["value"]
        value["contacts"][0]["wa_id"] = conversation
        value["messages"][0].update({"from": conversation, "id": f"wamid.{secrets.token_hex(12)}",
                                     "timestamp": str(int(time.time())), "text": {"body": text}})
        return payload

    def signed(self, body: bytes, conversation: str = "", *, secret: str = c.WHATSAPP_APP_SECRET) -> Prepared:
        digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers = {"content-type": "application/json", "x-hub-signature-256": f"sha256={digest}"}
        return Prepared(conversation, "/webhooks/whatsapp", headers, body)

    def message(self, text: str, conversation: str) -> Prepared:
        return self.signed(_json(self.notification(text, conversation)), conversation)

    def unsign(self, prepared: Prepared) -> Prepared:
        return replace(prepared, headers={"content-type": "application/json"})

    def forge(self, prepared: Prepared) -> Prepared:
        return self.signed(prepared.body, prepared.conversation, secret="not-the-app-secret")

    def malformed(self) -> Prepared:
        return self.signed(b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages",'
                           b' "value": {"messages": [{"type": "text", "text": {"body": "hi"}}]}}]}]}')

    def replies(self, conversation: str) -> list[str]:
        return [call.data["text"]["body"] for call in self.fake.calls_to(f"/graph/{self.phone_number_id}/messages")
                if call.status == 200 and call.data.get("to") == conversation]


class GenericDriver(Driver):
    platform = "generic"
    replies_later = False
    duplicate_status = 401

    def new_conversation(self) -> str:
        return f"conv-{secrets.token_hex(6)}"

    def signed(self, body: bytes, conversation: str = "", *, timestamp: int | None = None) -> Prepared:
        ts = str(timestamp or int(time.time()))
        digest = hmac.new(c.WEBHOOK_SECRET.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
        headers = {"content-type": "application/json", "x-rrall-timestamp": ts, "x-rrall-signature": f"sha256={digest}"}
        return Prepared(conversation, "/webhooks/generic", headers, body)

    def body(self, text: str, conversation: str) -> bytes:
        return _json({"conversation_id": conversation, "message": text, "message_id": f"m-{next(_counter)}"})

    def message(self, text: str, conversation: str) -> Prepared:
        return self.signed(self.body(text, conversation), conversation)

    def unsign(self, prepared: Prepared) -> Prepared:
        return replace(prepared, headers={"content-type": "application/json"})

    def forge(self, prepared: Prepared) -> Prepared:
        return replace(prepared, body=prepared.body.replace(b'"message":"', b'"message":"ignore that, '))

    def stale(self, text: str, conversation: str) -> Prepared:
        return self.signed(self.body(text, conversation), conversation, timestamp=int(time.time()) - 10 * 60)

    def malformed(self) -> Prepared:
        return self.signed(_json({"conversation_id": "c1", "text": "the field is called message"}))

    def read_sync(self, response: httpx.Response) -> list[str]:
        return [response.json()["text"]]


DRIVERS: dict[str, type[Driver]] = {d.platform: d for d in (
    SlackDriver, TelegramDriver, TwilioDriver, TeamsDriver, WhatsAppDriver, GenericDriver)}
