"""Twilio SMS and WhatsApp: X-Twilio-Signature over the public URL, TwiML replies within 1,600 characters."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from api.channels.base import Inbound, Unauthorized, WebhookRequest
from api.channels.pages import SMS_LIMIT, gsm_septets
from api.channels.twilio_sms import TwilioChannel
from tests.channels.drivers import TwilioDriver, fixture
from tests.channels.fake_platform import FakePlatform
from tests.channels.harness import TWILIO_AUTH_TOKEN, LiveApp, chat_response, check_golden, platform_settings


@pytest.fixture
def sms(live: LiveApp, fake: FakePlatform) -> TwilioDriver:
    return TwilioDriver(live, fake)


@pytest.fixture
def whatsapp(live: LiveApp, fake: FakePlatform) -> TwilioDriver:
    return TwilioDriver(live, fake, whatsapp=True)


@pytest.mark.parametrize("name", ["assessment", "quiz", "since"])
def test_twiml_reply_matches_golden(name: str, tmp_path: Path, update_channel_golden: bool) -> None:
    channel = TwilioChannel(platform_settings(tmp_path, "http://fake.invalid"))
    message = Inbound(conversation="+14155550100", text="q")
    reply = channel.reply([(message, channel.render_reply(message, chat_response(name)).now)])
    check_golden(f"twilio_{name}", bytes(reply.body).decode(), update=update_channel_golden)


def test_a_patient_answer_is_one_short_sms_and_more_sends_the_rest(sms: TwilioDriver) -> None:
    number = sms.new_conversation()
    sms.ask("62yo first relapse", number)
    response = sms.post(sms.message("CD22 40%, which agent?", number))
    assert response.headers["content-type"].startswith("application/xml")
    [text] = [m.text or "" for m in ET.fromstring(response.text).iter("Message")]
    assert gsm_septets(text) <= SMS_LIMIT and "**" not in text
    assert "- InO: main concern" in text and text.endswith("or SOURCES.")
    first_part = sms.send("MORE", number)
    assert first_part.startswith("- ") and "(1/" in first_part
    rest = sms.ask("CD22 40%, which agent?", number)  # the whole answer again: every part, then SOURCES
    assert "CD22_PARTIAL" in rest and "Sources:\n[1" in rest


def test_whatsapp_through_twilio_keeps_its_own_conversation(sms: TwilioDriver, whatsapp: TwilioDriver) -> None:
    number = sms.new_conversation()
    sms.ask("62yo first relapse, CD22 40%", number)
    reply = whatsapp.ask("which agent?", f"whatsapp:{number}")
    assert "CD22_PARTIAL" not in reply
    assert "CD22_PARTIAL" in whatsapp.ask("62yo first relapse, CD22 40%, which agent?", f"whatsapp:{number}")


def test_delivery_status_callback_gets_empty_twiml(sms: TwilioDriver) -> None:
    response = sms.post(sms.signed(fixture("twilio_status_callback.json")))
    assert response.status_code == 200
    assert list(ET.fromstring(response.text)) == []


def test_request_signed_for_another_account_is_rejected(sms: TwilioDriver) -> None:
    params = sms.params("hello", sms.new_conversation())
    params["AccountSid"] = "AC99999999999999999999999999999999"
    assert sms.post(sms.signed(params)).status_code == 401


def _request(url: str, params: dict[str, str], signature: str) -> WebhookRequest:
    return WebhookRequest(method="POST", url=url, path="/webhooks/twilio", query="",
                          headers={"x-twilio-signature": signature}, body=urlencode(params).encode())


def test_public_base_url_is_the_url_twilio_signed(tmp_path: Path) -> None:
    public = "https://rrall.example.org"
    channel = TwilioChannel(platform_settings(tmp_path, "http://fake.invalid", public_base_url=public + "/"))
    params = fixture("twilio_sms.json")
    validator = RequestValidator(TWILIO_AUTH_TOKEN)
    internal = "http://10.0.0.5:8000/webhooks/twilio"  # what uvicorn sees behind the proxy
    channel.verify(_request(internal, params, validator.compute_signature(public + "/webhooks/twilio", params)))
    with pytest.raises(Unauthorized):
        channel.verify(_request(internal, params, validator.compute_signature(internal, params)))
