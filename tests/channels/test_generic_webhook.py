"""The generic signed webhook: JSON in, JSON answer out, HMAC over timestamp and body."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from api.channels.base import Inbound
from api.channels.generic import GenericChannel
from tests.channels.drivers import GenericDriver
from tests.channels.fake_platform import FakePlatform
from tests.channels.harness import LiveApp, chat_response, check_golden, platform_settings


@pytest.fixture
def generic(live: LiveApp, fake: FakePlatform) -> GenericDriver:
    return GenericDriver(live, fake)


@pytest.mark.parametrize("name", ["assessment", "quiz", "since"])
def test_plain_text_matches_golden(name: str, tmp_path: Path, update_channel_golden: bool) -> None:
    channel = GenericChannel(platform_settings(tmp_path, "http://fake.invalid"))
    message = Inbound(conversation="c1", text="q")
    reply = json.loads(bytes(channel.reply([(message, channel.render_reply(message, chat_response(name)).now)]).body))
    check_golden(f"generic_{name}", reply["text"], update=update_channel_golden)


def test_reply_carries_answer_citations_and_session(generic: GenericDriver) -> None:
    conversation = generic.new_conversation()
    response = generic.post(generic.message("What were the CR/CRi rates with inotuzumab in INO-VATE?", conversation))
    data = response.json()
    assert set(data) == {"conversation_id", "session_id", "answer", "text", "citations", "quiz"}
    assert data["conversation_id"] == conversation and data["session_id"].startswith("s_")
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", data["answer"])}
    assert markers and markers == {c["marker"] for c in data["citations"]}


def test_one_conversation_is_one_session(generic: GenericDriver) -> None:
    conversation = generic.new_conversation()
    first = generic.post(generic.message("62yo first relapse", conversation)).json()
    second = generic.post(generic.message("CD22 40%, which agent?", conversation)).json()
    assert first["session_id"] == second["session_id"]


def test_reused_message_id_is_a_replay(generic: GenericDriver) -> None:
    conversation = generic.new_conversation()
    body = generic.body("hello", conversation)
    assert generic.post(generic.signed(body, conversation)).status_code == 200
    # Another timestamp, so another signature: only the message id repeats.
    resent = generic.signed(body, conversation, timestamp=int(time.time()) - 30)
    assert generic.post(resent).status_code == 401


@pytest.mark.parametrize("timestamp", [str(int(time.time()) + 3600), "yesterday", ""])
def test_timestamp_outside_the_window_or_unreadable_is_refused(generic: GenericDriver, timestamp: str) -> None:
    request = generic.message("hello", generic.new_conversation())
    request.headers["x-rrall-timestamp"] = timestamp
    assert generic.post(request).status_code == 401


@pytest.mark.parametrize("body", [
    b"not json",
    b'["a", "list"]',
    b'{"conversation_id": "c1"}',
    b'{"conversation_id": "c1", "message": ""}',
    b'{"conversation_id": "c1", "message": "hi", "colour": "blue"}',
    json.dumps({"conversation_id": "c1", "message": "x" * 4001}).encode(),
])
def test_malformed_bodies_get_400_naming_the_problem(generic: GenericDriver, body: bytes) -> None:
    response = generic.post(generic.signed(body))
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Malformed generic payload")
