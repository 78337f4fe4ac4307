"""WhatsApp Cloud API: the hub.challenge handshake, X-Hub-Signature-256, replies via the Graph API."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from api.channels.whatsapp import WhatsAppChannel
from tests.channels.drivers import WhatsAppDriver, fixture
from tests.channels.fake_platform import FakePlatform
from tests.channels.harness import (
    MESSAGE_BREAK,
    WHATSAPP_ACCESS_TOKEN,
    WHATSAPP_VERIFY_TOKEN,
    LiveApp,
    chat_response,
    check_golden,
    platform_settings,
)


@pytest.fixture
def whatsapp(live: LiveApp, fake: FakePlatform) -> WhatsAppDriver:
    return WhatsAppDriver(live, fake)


@pytest.mark.parametrize("name", ["assessment", "quiz", "since"])
def test_text_rendering_matches_golden(name: str, tmp_path: Path, update_channel_golden: bool) -> None:
    channel = WhatsAppChannel(platform_settings(tmp_path, "http://fake.invalid"))
    text = MESSAGE_BREAK.join(m["text"] for m in channel.render(chat_response(name)))
    check_golden(f"whatsapp_{name}", text, update=update_channel_golden)


def test_subscription_handshake_echoes_the_challenge(live: LiveApp) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": WHATSAPP_VERIFY_TOKEN, "hub.challenge": "1158201444"}
    response = httpx.get(f"{live.base}/webhooks/whatsapp", params=query)
    assert response.status_code == 200 and response.text == "1158201444"


@pytest.mark.parametrize("query", [
    {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
    {"hub.mode": "unsubscribe", "hub.verify_token": WHATSAPP_VERIFY_TOKEN, "hub.challenge": "1"},
    {},
])
def test_handshake_with_a_wrong_token_is_refused(live: LiveApp, query: dict) -> None:
    response = httpx.get(f"{live.base}/webhooks/whatsapp", params=query)
    assert response.status_code == 403 and "1" not in response.text


def test_reply_uses_the_access_token_and_the_business_number(whatsapp: WhatsAppDriver, fake: FakePlatform) -> None:
    number = whatsapp.new_conversation()
    whatsapp.send("What is CRS?", number)
    [call] = fake.calls_to(f"/graph/{whatsapp.phone_number_id}/messages", lambda c: c.data.get("to") == number)
    assert call.headers["authorization"] == f"Bearer {WHATSAPP_ACCESS_TOKEN}"
    assert call.data["messaging_product"] == "whatsapp" and call.data["type"] == "text"


def test_two_messages_in_one_notification_are_both_answered(whatsapp: WhatsAppDriver) -> None:
    first, second = whatsapp.new_conversation(), whatsapp.new_conversation()
    payload = whatsapp.notification("What is CRS?", first)
    other = whatsapp.notification("What is ICANS?", second)
    payload["entry"][0]["changes"][0]["value"]["messages"] += other["entry"][0]["changes"][0]["value"]["messages"]
    assert whatsapp.post(whatsapp.signed(json.dumps(payload).encode())).status_code == 200
    assert whatsapp.replies(first) and whatsapp.replies(second)


def test_status_notification_is_acknowledged_without_a_reply(whatsapp: WhatsAppDriver, fake: FakePlatform) -> None:
    calls = len(fake.calls)
    assert whatsapp.post(whatsapp.signed(json.dumps(fixture("whatsapp_status.json")).encode())).status_code == 200
    assert len(fake.calls) == calls


def test_notification_for_another_product_is_refused(whatsapp: WhatsAppDriver) -> None:
    body = json.dumps({"object": "page", "entry": []}).encode()
    assert whatsapp.post(whatsapp.signed(body)).status_code == 400
