"""Slack: Events API (mentions, DMs, retries), the /rrall slash command, mrkdwn rendering."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from slack_sdk import WebClient

from api.channels import render
from api.channels.slack import SlackChannel
from tests.channels.drivers import SlackDriver, fixture, slack_buttons, slack_visible
from tests.channels.fake_platform import FakePlatform
from tests.channels.harness import (
    MESSAGE_BREAK,
    SLACK_BOT_TOKEN,
    LiveApp,
    chat_response,
    check_golden,
    platform_settings,
)


@pytest.fixture
def slack(live: LiveApp, fake: FakePlatform) -> SlackDriver:
    return SlackDriver(live, fake)


def _posts(fake: FakePlatform, channel: str) -> list[dict]:
    return [c.data for c in fake.calls_to("chat.postMessage") if c.status == 200 and c.data.get("channel") == channel]


@pytest.mark.parametrize("name", ["assessment", "quiz", "since"])
def test_mrkdwn_rendering_matches_golden(name: str, tmp_path: Path, update_channel_golden: bool) -> None:
    channel = SlackChannel(platform_settings(tmp_path, "http://fake.invalid"))
    text = MESSAGE_BREAK.join(m["text"] for m in channel.render(chat_response(name)))
    check_golden(f"slack_{name}", text, update=update_channel_golden)


def test_mrkdwn_marks_bold_and_escapes_control_characters() -> None:
    assert render.styled("**CD22** <90% & _dim_ [TOWER](https://doi.org/x)", render.SLACK) == (
        "*CD22* &lt;90% &amp; _dim_ <https://doi.org/x|TOWER>")


def test_url_verification_echoes_the_challenge(slack: SlackDriver) -> None:
    payload = fixture("slack_url_verification.json")
    response = slack.post(slack.signed(json.dumps(payload).encode()))
    assert response.status_code == 200
    assert response.json() == {"challenge": payload["challenge"]}


def test_url_verification_must_be_signed(slack: SlackDriver) -> None:
    request = slack.signed(json.dumps(fixture("slack_url_verification.json")).encode())
    assert slack.post(slack.unsign(request)).status_code == 401


def test_mention_is_answered_in_its_thread_with_the_bot_token(slack: SlackDriver, fake: FakePlatform) -> None:
    channel = slack.new_conversation()
    event = slack.event("What is CRS?", channel)
    assert slack.post(slack.signed(json.dumps(event).encode())).status_code == 200
    calls = [c for c in fake.calls_to("chat.postMessage") if c.data.get("channel") == channel]
    assert calls and all(call.data["thread_ts"] == event["event"]["ts"] for call in calls)
    assert all(call.headers["authorization"] == f"Bearer {SLACK_BOT_TOKEN}" for call in calls)
    first = calls[0].data
    assert "<@U0RRALLBOT>" not in first["text"] and "CRS" in first["text"] and "CRS" in slack_visible(first)


def test_acknowledged_before_the_answer_is_posted(slack: SlackDriver, fake: FakePlatform, live: LiveApp) -> None:
    fake.slow("chat.postMessage", 1.5)
    try:
        request = slack.message("What is CRS?", slack.new_conversation())
        started = time.monotonic()
        response = httpx.post(live.base + request.path, content=request.body, headers=request.headers)
        acknowledged = time.monotonic() - started
        assert response.status_code == 200 and acknowledged < 1.0
        live.wait_idle()
        assert time.monotonic() - started >= 1.5
    finally:
        fake.slow("chat.postMessage", 0)


def test_direct_message_is_answered_in_the_dm(slack: SlackDriver, fake: FakePlatform) -> None:
    payload = fixture("slack_message_im.json")
    payload["event"]["channel"] = channel = "D" + slack.new_conversation()[1:]
    payload["event_id"] = "Ev" + channel
    assert slack.post(slack.signed(json.dumps(payload).encode())).status_code == 200
    posts = _posts(fake, channel)
    assert posts and all("thread_ts" not in post for post in posts) and "SOS" in posts[0]["text"]


@pytest.mark.parametrize("change", [
    {},  # the bot's own message, as Slack echoes it
    {"subtype": None, "bot_id": None, "user": "U0RRALLBOT"},
])
def test_bot_messages_are_not_answered(slack: SlackDriver, fake: FakePlatform, change: dict) -> None:
    payload = fixture("slack_bot_message.json")
    payload["event"]["channel"] = channel = "D" + slack.new_conversation()[1:]
    payload["event"].update({k: v for k, v in change.items() if v is not None})
    for key in [k for k, v in change.items() if v is None]:
        payload["event"].pop(key)
    assert slack.post(slack.signed(json.dumps(payload).encode())).status_code == 200
    assert _posts(fake, channel) == []


def test_channel_message_without_a_mention_is_not_answered(slack: SlackDriver, fake: FakePlatform) -> None:
    payload = fixture("slack_message_im.json")
    payload["event"].update(channel=(channel := slack.new_conversation()), channel_type="channel")
    assert slack.post(slack.signed(json.dumps(payload).encode())).status_code == 200
    assert _posts(fake, channel) == []


def test_slack_retry_is_acknowledged_and_not_answered_again(slack: SlackDriver, fake: FakePlatform) -> None:
    channel = slack.new_conversation()
    body = json.dumps(slack.event("What is CRS?", channel)).encode()
    assert slack.post(slack.signed(body)).status_code == 200
    answered = len(_posts(fake, channel))
    retry = slack.post(slack.signed(body, extra={"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}))
    assert retry.status_code == 200 and retry.headers["x-slack-no-retry"] == "1"
    assert answered >= 1 and len(_posts(fake, channel)) == answered


def test_retry_of_an_event_never_taken_is_answered(slack: SlackDriver, fake: FakePlatform) -> None:
    channel = slack.new_conversation()
    body = json.dumps(slack.event("What is CRS?", channel)).encode()
    assert slack.post(slack.signed(body, extra={"x-slack-retry-num": "2", "x-slack-retry-reason": "http_error"})
                      ).status_code == 200
    posts = _posts(fake, channel)
    assert posts and "CRS" in posts[0]["text"] and len({p["thread_ts"] for p in posts}) == 1


def _slash(fake: FakePlatform, slack: SlackDriver, text: str) -> tuple[httpx.Response, str]:
    form = fixture("slack_slash_command.json")
    hook = f"/slack/response/{slack.new_conversation()}"
    form.update(text=text, response_url=fake.url + hook, trigger_id=f"{time.time()}.{hook}")
    body = urlencode(form).encode()
    return slack.post(slack.signed(body, content_type="application/x-www-form-urlencoded")), hook


def test_slash_command_acknowledges_privately_then_answers_through_response_url(
    slack: SlackDriver, fake: FakePlatform
) -> None:
    response, hook = _slash(fake, slack, "What is CRS?")
    assert response.status_code == 200
    assert response.json()["response_type"] == "ephemeral"
    answers = fake.calls_to(hook)
    assert answers and all(a.data["response_type"] == "ephemeral" for a in answers)
    assert "CRS" in answers[0].data["text"] and answers[0].data["blocks"]


def test_slash_command_without_text_shows_help_at_once(slack: SlackDriver, fake: FakePlatform) -> None:
    response, hook = _slash(fake, slack, "")
    assert response.json()["response_type"] == "ephemeral"
    assert "blinatumomab" in response.json()["text"]
    assert fake.calls_to(hook) == []


def test_our_message_reads_back_through_slack_sdk(fake: FakePlatform, slack: SlackDriver) -> None:
    """The fake answers chat.postMessage as Slack does: the official client accepts it."""
    client = WebClient(token=SLACK_BOT_TOKEN, base_url=f"{fake.url}/slack/api/")
    assert client.chat_postMessage(channel=slack.new_conversation(), text="ping")["ok"] is True


def _press(slack: SlackDriver, channel: str, thread: str | None, button: dict, *, signed: bool = True,
           ephemeral_url: str | None = None) -> httpx.Response:
    """A button press as Slack posts it to the interactivity URL: form-encoded, signed like events."""
    payload = slack.pressed(channel, thread, button, ephemeral_url=ephemeral_url)
    request = slack.signed(urlencode({"payload": json.dumps(payload)}).encode(),
                           content_type="application/x-www-form-urlencoded")
    return slack.post(request if signed else slack.unsign(request))


def test_a_follow_up_button_round_trips_through_the_signed_interactivity_endpoint(
    slack: SlackDriver, fake: FakePlatform, live: LiveApp
) -> None:
    channel = slack.new_conversation()
    event = slack.event("62yo first relapse, CD22 40%, which agent?", channel)
    assert slack.post(slack.signed(json.dumps(event).encode())).status_code == 200
    thread = event["event"]["ts"]
    first = _posts(fake, channel)[0]
    assert first["blocks"][0]["text"]["text"].startswith("*Bottom line*")
    button = slack_buttons(first)["Toxicity"]
    answered = len(_posts(fake, channel))
    assert _press(slack, channel, thread, button, signed=False).status_code == 401
    assert len(_posts(fake, channel)) == answered  # an unsigned press is not answered
    response = _press(slack, channel, thread, button)
    assert response.status_code == 200 and response.content == b""
    reply = _posts(fake, channel)[answered:]
    assert reply and all(p["thread_ts"] == thread for p in reply)
    link = live.hub.links.get("slack", f"T0RRALL01:{channel}:{thread}")
    session = live.hub.state.store.get(link.session_id) if link else None
    assert session is not None and session.patient.get("age_years") == 62  # the same conversation, the same patient
    assert [t.text for t in session.transcript if t.role == "user"][-1] == button["value"]  # the button was the turn


def test_quiz_options_are_buttons_and_pressing_one_grades_it(slack: SlackDriver, fake: FakePlatform) -> None:
    channel = "D" + slack.new_conversation()[1:]
    payload = fixture("slack_message_im.json")
    payload["event"].update(channel=channel, text="quiz me", ts=f"{time.time():.6f}")
    payload["event_id"] = "Ev" + channel
    assert slack.post(slack.signed(json.dumps(payload).encode())).status_code == 200
    question = _posts(fake, channel)[0]
    options = {label: b for label, b in slack_buttons(question).items() if label.startswith("Answer ")}
    assert sorted(options) == [f"Answer {n}" for n in range(1, len(options) + 1)] and len(options) >= 2
    before = len(_posts(fake, channel))
    assert _press(slack, channel, None, options["Answer 1"]).status_code == 200
    graded = "\n".join(slack_visible(p) for p in _posts(fake, channel)[before:])
    assert "Correct." in graded or "Not quite." in graded


def test_a_button_on_a_private_slash_reply_answers_through_its_response_url(
    slack: SlackDriver, fake: FakePlatform
) -> None:
    _, hook = _slash(fake, slack, "What is CRS?")
    [button, *_] = slack_buttons(fake.calls_to(hook)[0].data).values()
    later = f"/slack/response/{slack.new_conversation()}"
    assert _press(slack, "C0SLASH", None, button, ephemeral_url=fake.url + later).status_code == 200
    answers = fake.calls_to(later)
    assert answers and all(a.data["response_type"] == "ephemeral" for a in answers)
