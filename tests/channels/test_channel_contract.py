"""What every channel must do, run against each platform over real HTTP."""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from api.app import create_app
from api.channels.base import BadPayload, Channel, WebhookRequest, all_set
from api.channels.registry import CHANNELS
from assistant.settings import Settings
from tests.channels.drivers import DRIVERS, Driver
from tests.channels.fake_platform import FakePlatform
from tests.channels.harness import SECRETS, LiveApp, platform_settings
from tests.live import live_server

ASYNC = [name for name, driver in DRIVERS.items() if driver.replies_later]
# Platforms whose signature covers a time, so a stale request can be told apart. Telegram, Twilio and
# WhatsApp sign no time: their replays are caught by message id (test_a_resent_request_is_answered_once).
TIMED = [name for name, driver in DRIVERS.items() if driver.stale is not Driver.stale]
OUTBOUND_PATH = {"slack": "chat.postMessage", "telegram": "/sendMessage", "teams": "/teams/v3/conversations/",
                 "whatsapp": "/graph/"}


@pytest.fixture(params=list(DRIVERS))
def driver(request: pytest.FixtureRequest, live: LiveApp, fake: FakePlatform) -> Driver:
    return DRIVERS[request.param](live, fake)


@pytest.fixture(params=ASYNC)
def async_driver(request: pytest.FixtureRequest, live: LiveApp, fake: FakePlatform) -> Driver:
    return DRIVERS[request.param](live, fake)


def test_registry_and_drivers_cover_the_same_platforms() -> None:
    assert set(CHANNELS) == set(DRIVERS) == {"slack", "telegram", "twilio", "teams", "whatsapp", "generic"}
    assert set(OUTBOUND_PATH) == set(ASYNC)


def test_signed_question_gets_a_cited_answer(driver: Driver) -> None:
    reply = driver.ask("What were the CR/CRi rates with inotuzumab in INO-VATE?", driver.new_conversation())
    assert "[1]" in reply
    assert "INO-VATE" in reply


def test_patient_facts_carry_across_turns(driver: Driver) -> None:
    conversation = driver.new_conversation()
    first = driver.ask("62yo first relapse", conversation)
    assert "62" in first
    second = driver.ask("CD22 40%, which agent?", conversation)
    assert "CD22_PARTIAL" in second


def test_conversations_do_not_share_a_patient(driver: Driver) -> None:
    driver.ask("62yo first relapse, CD22 40%", driver.new_conversation())
    other = driver.ask("which agent?", driver.new_conversation())
    assert "CD22_PARTIAL" not in other


@pytest.mark.parametrize("tamper", ["unsign", "forge"])
def test_unsigned_or_forged_request_gets_401_and_is_not_processed(driver: Driver, tamper: str) -> None:
    conversation = driver.new_conversation()
    genuine = driver.message("hello", conversation)
    rejected = driver.post(getattr(driver, tamper)(genuine))
    assert rejected.status_code == 401
    assert rejected.json()["error"]["code"] == "unauthorized"
    assert driver.replies(conversation) == []
    # Nothing was taken from the rejected request: the genuine one, same ids, is still answered.
    assert driver.post(genuine).status_code in (200, 202)
    assert len(driver.replies(conversation)) >= 1


@pytest.mark.parametrize("platform", TIMED)
def test_stale_request_gets_401(platform: str, live: LiveApp, fake: FakePlatform) -> None:
    driver = DRIVERS[platform](live, fake)
    conversation = driver.new_conversation()
    stale = driver.stale("hello", conversation)
    assert stale is not None
    assert driver.post(stale).status_code == 401
    assert driver.replies(conversation) == []


def test_a_resent_request_is_answered_once(driver: Driver) -> None:
    conversation = driver.new_conversation()
    request = driver.message("What is CRS?", conversation)
    assert driver.post(request).status_code in (200, 202)
    answered = len(driver.replies(conversation))
    assert answered >= 1
    assert driver.post(request).status_code == driver.duplicate_status
    assert len(driver.replies(conversation)) == answered


def test_malformed_payload_gets_400(driver: Driver) -> None:
    response = driver.post(driver.malformed())
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "bad_request"


def test_outbound_failure_is_retried_and_delivered(async_driver: Driver, fake: FakePlatform) -> None:
    path = OUTBOUND_PATH[async_driver.platform]
    conversation = async_driver.new_conversation()
    before = len(fake.calls_to(path))
    fake.fail(path, 500, 500)
    reply = async_driver.ask("What is CRS?", conversation)
    assert "CRS" in reply
    statuses = [c.status for c in fake.calls_to(path)[before:]]
    assert statuses[:3] == [500, 500, 200]


def test_reply_that_keeps_failing_is_logged_and_kept(async_driver: Driver, fake: FakePlatform, live: LiveApp,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    path = OUTBOUND_PATH[async_driver.platform]
    conversation = async_driver.new_conversation()
    fake.fail(path, 503, 503, 503)  # the app makes three attempts
    with caplog.at_level(logging.WARNING, logger="rrall.channels"):
        response = async_driver.post(async_driver.message("What is CRS?", conversation))
    assert response.status_code in (200, 202)
    assert async_driver.replies(conversation) == []
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and conversation in errors[0].getMessage()
    kept = [f for f in live.hub.outbox.failures(async_driver.platform) if conversation in f.conversation]
    assert kept and kept[0].stage == "deliver" and kept[0].payload["outbound"]


def test_no_secret_reaches_the_logs(driver: Driver, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        driver.ask("What is CRS?", driver.new_conversation())
        driver.post(driver.unsign(driver.message("hello", driver.new_conversation())))
    logged = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert not [s for s in SECRETS if s in logged]


@pytest.fixture(scope="module")
def unconfigured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("no-platforms")), load_knowledge=False)
    with live_server(app) as base:
        yield base


@pytest.fixture
def starting(fake: FakePlatform, tmp_path: Path) -> Iterator[LiveApp]:
    """An app whose index has not loaded yet."""
    settings = platform_settings(tmp_path, fake.url, identity_url=fake.tls_url, ca_file=fake.ca_file)
    app = create_app(settings, load_knowledge=False)
    with live_server(app) as base:
        yield LiveApp(base=base, app=app, settings=settings)


def test_platform_without_secrets_is_off(driver: Driver, unconfigured: str, fake: FakePlatform) -> None:
    calls = len(fake.calls)
    request = driver.message("hello", driver.new_conversation())
    response = httpx.post(unconfigured + request.path, content=request.body, headers=request.headers)
    assert response.status_code == 404
    assert httpx.get(unconfigured + request.path).status_code == 404
    assert len(fake.calls) == calls


def test_before_the_index_is_ready_the_platform_is_told_to_retry(
    driver: Driver, starting: LiveApp, live: LiveApp, fake: FakePlatform
) -> None:
    early = DRIVERS[driver.platform](starting, fake)
    conversation = early.new_conversation()
    request = early.message("hello", conversation)
    assert early.post(request).status_code == 503
    assert early.replies(conversation) == []
    # The message id was not taken: the platform's retry, once the index is ready, is answered.
    starting.app.state.rrall.retriever = live.app.state.rrall.retriever
    assert early.post(request).status_code in (200, 202)
    assert early.replies(conversation)


def test_channel_docs_name_only_real_settings_and_every_webhook() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    docs = readme.split("## Messaging platforms", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"RRALL_[A-Z_]+", docs))
    assert named <= {"RRALL_" + name.upper() for name in Settings.model_fields}
    assert all(f"`/webhooks/{platform}`" in docs for platform in DRIVERS)


_KEYS = st.sampled_from(["type", "event", "event_id", "channel", "ts", "text", "user", "update_id", "message",
                         "chat", "id", "from", "object", "entry", "changes", "field", "value", "messages",
                         "metadata", "phone_number_id", "conversation", "recipient", "serviceUrl", "body",
                         "conversation_id", "message_id", "channel_type", "thread_ts", "button"])
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from(["message", "app_mention", "event_callback", "text",
                                                                  "im", "whatsapp_business_account", "messages", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=6),
    max_leaves=25,
)


@functools.cache
def _offline_channel(platform: str) -> Channel:
    return CHANNELS[platform](platform_settings(Path("/nonexistent"), "http://fake.invalid"))


@settings(max_examples=120, deadline=None)
@given(platform=st.sampled_from(sorted(CHANNELS)), body=_JSON)
def test_any_json_body_is_parsed_or_refused_as_bad_payload(platform: str, body: object) -> None:
    """What the platform sends after a valid signature can still be anything: never a 500."""
    channel = _offline_channel(platform)
    request = WebhookRequest(method="POST", url="http://testserver/webhooks/" + platform, path="/webhooks/" + platform,
                             query="", headers={"content-type": "application/json"}, body=json.dumps(body).encode())
    try:
        parsed = channel.parse(request)
    except BadPayload:
        return
    assert all(isinstance(m.text, str) and m.conversation for m in parsed.messages)


def test_get_is_refused_where_there_is_no_handshake(driver: Driver, live: LiveApp) -> None:
    expected = 403 if driver.platform == "whatsapp" else 405  # WhatsApp's GET is its handshake
    assert httpx.get(f"{live.base}/webhooks/{driver.platform}").status_code == expected


@pytest.mark.parametrize(("values", "expected"), [
    ((SecretStr("s"), "token"), True),
    ((SecretStr("s"), None), False),
    ((SecretStr(""), "token"), False),
    ((SecretStr("s"), ""), False),
    ((), True),
])
def test_a_platform_is_on_only_when_every_required_secret_is_non_empty(values: tuple, expected: bool) -> None:
    assert all_set(*values) is expected
