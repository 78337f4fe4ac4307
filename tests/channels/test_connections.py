"""Connections we open ourselves: Slack Socket Mode and Telegram long polling, against loopback fakes
of Slack's WebSocket server and the Bot API's getUpdates, started by the app as `assistant serve` runs
it. They share the webhooks' hub: the same deduplication and the same conversation-to-session link."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.channels.connect import configured
from api.routes.webhooks import channel_hub
from assistant.cli import cli
from tests.channels.drivers import SlackDriver, TelegramDriver, slack_buttons
from tests.channels.fake_platform import FakePlatform
from tests.channels.fake_socket_mode import FakeSocketMode
from tests.channels.harness import LiveApp, platform_settings, ready_app
from tests.live import live_server

QUESTION = "45-year-old in first relapse, CD19 positive, CD22 95%, marrow blasts 60%. Which agent?"


def _until(check: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def socket_server() -> Iterator[FakeSocketMode]:
    server = FakeSocketMode().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def connected(fake: FakePlatform, socket_server: FakeSocketMode,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    fake.socket_url = socket_server.url
    settings = platform_settings(tmp_path_factory.mktemp("connections"), fake.url, identity_url=fake.tls_url,
                                 ca_file=fake.ca_file, slack_mode="socket",
                                 slack_app_token="xapp-1-A0FAKE-0000-faketoken", telegram_mode="polling",
                                 telegram_poll_timeout_seconds=1)
    app = ready_app(settings)
    with live_server(app, wait_ready=True) as base:
        socket_server.wait_for_client()
        yield LiveApp(base=base, app=app, settings=settings)


def _envelope(payload: dict[str, object], envelope_id: str, attempt: int = 0) -> dict[str, object]:
    return {"envelope_id": envelope_id, "type": "events_api", "payload": payload, "accepts_response_payload": False,
            "retry_attempt": attempt, "retry_reason": "timeout" if attempt else ""}


def test_configuration_chooses_the_connections(tmp_path: Path) -> None:
    base = platform_settings(tmp_path, "http://fake.invalid")
    assert configured(base) == []
    assert configured(platform_settings(tmp_path, "http://x", slack_mode="socket")) == []  # no app token
    both = platform_settings(tmp_path, "http://x", slack_mode="socket", slack_app_token="xapp-1",
                             telegram_mode="polling", telegram_secret_token=None)
    assert configured(both) == ["slack", "telegram"]


def test_socket_mode_answers_a_mention_in_its_thread(connected: LiveApp, fake: FakePlatform,
                                                     socket_server: FakeSocketMode) -> None:
    slack = SlackDriver(connected, fake)
    channel = slack.new_conversation()
    socket_server.send(_envelope(slack.event(QUESTION, channel), "env-1"))
    _until(lambda: bool(slack.replies(channel)))
    assert socket_server.acked("env-1") == [{"envelope_id": "env-1"}]
    post = next(c.data for c in fake.calls_to("chat.postMessage") if c.data.get("channel") == channel)
    assert post["thread_ts"] and "InO" in " ".join(slack.replies(channel))


def test_a_button_pressed_over_the_socket_is_answered_in_its_thread(connected: LiveApp, fake: FakePlatform,
                                                                   socket_server: FakeSocketMode) -> None:
    slack = SlackDriver(connected, fake)
    channel = slack.new_conversation()
    event = slack.event(QUESTION, channel)
    socket_server.send(_envelope(event, "env-press-1"))
    _until(lambda: bool(slack.replies(channel)))
    connected.wait_idle()
    first = next(c.data for c in fake.calls_to("chat.postMessage") if c.data.get("channel") == channel)
    answered = len(slack.replies(channel))
    button = slack_buttons(first)["Sequencing"]
    socket_server.send({"envelope_id": "env-press-2", "type": "interactive", "accepts_response_payload": False,
                        "payload": slack.pressed(channel, event["event"]["ts"], button)})
    _until(lambda: len(slack.replies(channel)) > answered)
    assert socket_server.acked("env-press-2") == [{"envelope_id": "env-press-2"}]
    later = [c.data for c in fake.calls_to("chat.postMessage") if c.data.get("channel") == channel][answered:]
    assert all(p["thread_ts"] == event["event"]["ts"] for p in later)


def test_a_redelivered_envelope_is_acknowledged_and_answered_once(connected: LiveApp, fake: FakePlatform,
                                                                  socket_server: FakeSocketMode) -> None:
    slack = SlackDriver(connected, fake)
    channel = slack.new_conversation()
    event = slack.event("hello", channel)
    socket_server.send(_envelope(event, "env-2"))
    _until(lambda: bool(slack.replies(channel)))
    connected.wait_idle()  # an answer is several posts (the lead, then details): count them all
    replies = len(slack.replies(channel))
    socket_server.send(_envelope(event, "env-3", attempt=1))  # Slack thought env-2 was lost
    _until(lambda: bool(socket_server.acked("env-3")))
    connected.wait_idle()
    time.sleep(0.3)
    assert len(slack.replies(channel)) == replies


def test_socket_mode_and_the_webhook_share_one_session_per_conversation(connected: LiveApp, fake: FakePlatform,
                                                                        socket_server: FakeSocketMode) -> None:
    slack = SlackDriver(connected, fake)
    channel = slack.new_conversation()
    socket_server.send(_envelope(slack.event("62-year-old, CD22 95%", channel), "env-4"))
    _until(lambda: bool(slack.replies(channel)))
    hub = channel_hub(connected.app)
    conversation = f"T0RRALL01:{channel}:{slack._threads[channel]}"  # team:channel:thread, as Slack keys it
    first = hub.links.get("slack", conversation)
    assert first is not None
    slack.post(slack.message("what about CNS disease?", channel))  # the same thread, over the webhook
    again = hub.links.get("slack", conversation)
    assert again is not None and again.session_id == first.session_id
    record = connected.app.state.rrall.store.get(first.session_id)
    assert record is not None and record.patient.get("cd22_positive_pct") == 95


def test_long_polling_answers_a_message_and_confirms_it(connected: LiveApp, fake: FakePlatform) -> None:
    telegram = TelegramDriver(connected, fake)
    chat = telegram.new_conversation()
    fake.queue_update(telegram.update(QUESTION, chat))
    _until(lambda: bool(telegram.replies(chat)))
    assert fake.calls_to("/deleteWebhook")  # a webhook would make getUpdates fail
    assert "InO" in " ".join(telegram.replies(chat))
    # The next getUpdates confirmed the update (offset past it): the fake no longer holds it.
    _until(lambda: not any(str(u["message"]["chat"]["id"]) == chat for u in fake.telegram_updates))


def test_an_update_seen_by_polling_is_not_answered_again_by_the_webhook(connected: LiveApp,
                                                                         fake: FakePlatform) -> None:
    telegram = TelegramDriver(connected, fake)
    chat = telegram.new_conversation()
    update = telegram.update("hello", chat)
    fake.queue_update(update)
    _until(lambda: bool(telegram.replies(chat)))
    connected.wait_idle()  # every part of the answer delivered before counting
    count = len(telegram.replies(chat))
    response = telegram.post(telegram.signed(json.dumps(update).encode(), chat))
    assert response.status_code == 200
    assert len(telegram.replies(chat)) == count


def test_polling_keeps_the_conversation_in_one_session(connected: LiveApp, fake: FakePlatform) -> None:
    telegram = TelegramDriver(connected, fake)
    chat = telegram.new_conversation()
    fake.queue_update(telegram.update("62-year-old, first relapse, CD22 95%", chat))
    _until(lambda: len(telegram.replies(chat)) >= 1)
    first = channel_hub(connected.app).links.get("telegram", chat)
    fake.queue_update(telegram.update("which agent fits?", chat))
    _until(lambda: len(telegram.replies(chat)) >= 2)
    again = channel_hub(connected.app).links.get("telegram", chat)
    assert first is not None and again is not None and again.session_id == first.session_id


def test_connect_refuses_a_platform_that_is_not_set_up(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RRALL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RRALL_TELEGRAM_MODE", raising=False)
    from assistant.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["connect", "telegram"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2 and "RRALL_TELEGRAM_MODE=polling" in result.output


def test_a_slash_command_over_the_socket_is_answered_at_its_response_url(
        connected: LiveApp, fake: FakePlatform, socket_server: FakeSocketMode) -> None:
    from tests.channels.drivers import fixture

    command = {**fixture("slack_slash_command.json"), "trigger_id": f"trig-{time.time_ns()}",
               "response_url": f"{fake.url}/slack/response/socket-{time.time_ns()}"}
    socket_server.send({"envelope_id": "env-cmd", "type": "slash_commands", "payload": command,
                        "accepts_response_payload": True})
    path = command["response_url"].removeprefix(fake.url)
    _until(lambda: bool(fake.calls_to(path)))
    assert socket_server.acked("env-cmd") == [{"envelope_id": "env-cmd"}]
    reply = fake.calls_to(path)[0].data
    assert reply["response_type"] == "ephemeral" and "CRS" in reply["text"]


def test_an_empty_slash_command_gets_its_help_in_the_acknowledgement(
        connected: LiveApp, socket_server: FakeSocketMode) -> None:
    from tests.channels.drivers import fixture

    command = {**fixture("slack_slash_command.json"), "text": "", "trigger_id": "trig-help"}
    socket_server.send({"envelope_id": "env-help", "type": "slash_commands", "payload": command,
                        "accepts_response_payload": True})
    _until(lambda: bool(socket_server.acked("env-help")))
    [ack] = socket_server.acked("env-help")
    assert ack["payload"]["response_type"] == "ephemeral" and ack["payload"]["text"]
