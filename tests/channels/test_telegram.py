"""Telegram: secret-token webhook, sendMessage in HTML parse mode, escaping, 4,096-character split."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.channels import render
from api.channels.telegram import CALLBACK_DATA_LIMIT, MESSAGE_LIMIT, TelegramChannel
from assistant.answer import ChatResponse
from tests.channels.drivers import TelegramDriver, fixture
from tests.channels.fake_platform import FakePlatform
from tests.channels.harness import (
    MESSAGE_BREAK,
    TELEGRAM_BOT_TOKEN,
    LiveApp,
    chat_response,
    check_golden,
    platform_settings,
)

_TAG = re.compile(r"</?([a-z]+)[^>]*>")


@pytest.fixture
def telegram(live: LiveApp, fake: FakePlatform) -> TelegramDriver:
    return TelegramDriver(live, fake)


def _channel(tmp_path: Path) -> TelegramChannel:
    return TelegramChannel(platform_settings(tmp_path, "http://fake.invalid"))


def _response(answer: str) -> ChatResponse:
    return ChatResponse(session_id="s_x", answer=answer, citations=[], tool_calls=[], patient={}, intent="test")


@pytest.mark.parametrize("name", ["assessment", "quiz", "since"])
def test_html_rendering_matches_golden(name: str, tmp_path: Path, update_channel_golden: bool) -> None:
    text = MESSAGE_BREAK.join(m["text"] for m in _channel(tmp_path).render(chat_response(name)))
    check_golden(f"telegram_{name}", text, update=update_channel_golden)


def test_html_escapes_text_and_uses_only_allowed_tags(tmp_path: Path) -> None:
    answer = "**CD22** on <90% & >70% of blasts; _dim_ CD19 <script>x</script> [TOWER](https://doi.org/a?b=1&c=2)"
    [message] = _channel(tmp_path).render(_response(answer))
    assert message["text"] == (
        "<b>CD22</b> on &lt;90% &amp; &gt;70% of blasts; <i>dim</i> CD19 &lt;script&gt;x&lt;/script&gt; "
        '<a href="https://doi.org/a?b=1&amp;c=2">TOWER</a>')


def test_long_answer_is_split_at_4096_on_paragraph_boundaries(tmp_path: Path) -> None:
    paragraphs = [f"**Point {n}.** " + "Blinatumomab & InO <differ>. " * 12 for n in range(40)]
    paragraphs = [p.strip() for p in paragraphs]
    messages = [m["text"] for m in _channel(tmp_path).render(_response("\n\n".join(paragraphs)))]
    assert len(messages) > 1
    assert all(len(m) <= MESSAGE_LIMIT for m in messages)
    rendered = [render.block(p, render.TELEGRAM_HTML) for p in paragraphs]
    assert "\n\n".join(messages) == "\n\n".join(rendered)  # nothing lost, no paragraph cut


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab <>&*_\n.[]()"), max_size=900), min_size=1, max_size=12))
def test_every_split_piece_fits_and_closes_its_tags(chunks: list[str]) -> None:
    for piece in render.split_message("\n\n".join(chunks), render.TELEGRAM_HTML, 300):
        assert len(piece) <= 300
        tags = _TAG.findall(piece)
        assert set(tags) <= {"b", "i", "a"}
        assert len(tags) % 2 == 0


def test_message_goes_to_the_chat_in_html_mode_with_the_bot_token(telegram: TelegramDriver, fake: FakePlatform) -> None:
    chat = telegram.new_conversation()
    telegram.ask("What is CRS?", chat)
    [call] = [c for c in fake.calls_to("/sendMessage") if c.data.get("chat_id") == chat]
    assert call.path == f"/telegram/bot{TELEGRAM_BOT_TOKEN}/sendMessage"
    assert call.data["parse_mode"] == "HTML"


@pytest.mark.parametrize("command", ["/start", "/help@rrall_bot"])
def test_start_and_help_commands_get_the_help_text(telegram: TelegramDriver, command: str) -> None:
    assert "Describe a patient" in telegram.ask(command, telegram.new_conversation())


def test_ask_command_asks_the_question(telegram: TelegramDriver) -> None:
    assert "CRS" in telegram.ask("/ask What is CRS?", telegram.new_conversation())


def test_edited_message_is_acknowledged_and_not_answered(telegram: TelegramDriver, fake: FakePlatform) -> None:
    calls = len(fake.calls)
    response = telegram.post(telegram.signed(json.dumps(fixture("telegram_edited_message.json")).encode()))
    assert response.status_code == 200
    assert len(fake.calls) == calls


def test_tutor_question_is_a_numbered_list_answered_by_number(telegram: TelegramDriver) -> None:
    chat = telegram.new_conversation()
    question = telegram.ask("quiz me", chat)
    options = re.findall(r"^(\d)\. (.+)$", question, flags=re.MULTILINE)
    assert [n for n, _ in options] == [str(n) for n in range(1, len(options) + 1)] and len(options) >= 2
    assert "Reply with the number of your answer" in question
    graded = telegram.ask("1", chat)
    assert "Reply with the number of your answer" not in graded.split("\n\n")[0]
    assert any(text in graded for _, text in options)  # the grading names the right option


def _keyboard(call_data: dict) -> list[list[dict]]:
    markup = call_data.get("reply_markup")
    return json.loads(markup)["inline_keyboard"] if markup else []


def _press(telegram: TelegramDriver, chat: str, data: str) -> None:
    update = {"update_id": int(time.time() * 1000) % 10**9, "callback_query": {
        "id": f"cb{time.time_ns()}", "from": {"id": 7, "is_bot": False, "first_name": "Dr"}, "chat_instance": "1",
        "data": data,
        "message": {"message_id": 1, "date": int(time.time()), "chat": {"id": int(chat), "type": "private"}},
    }}
    assert telegram.post(telegram.signed(json.dumps(update).encode(), chat)).status_code == 200


def test_follow_ups_and_quiz_options_are_inline_buttons_that_answer_when_pressed(
    telegram: TelegramDriver, fake: FakePlatform, live: LiveApp
) -> None:
    chat = telegram.new_conversation()
    telegram.ask("62yo first relapse, CD22 40%", chat)
    sent = [c.data for c in fake.calls_to("/sendMessage") if c.data.get("chat_id") == chat]
    rows = _keyboard(sent[-1])
    assert rows and all(len(b["callback_data"].encode()) <= CALLBACK_DATA_LIMIT for row in rows for b in row)
    labels = {b["text"]: b["callback_data"] for row in rows for b in row}
    before = len(telegram.replies(chat))
    _press(telegram, chat, labels["Sequencing"])
    assert len(telegram.replies(chat)) > before
    assert fake.calls_to("/answerCallbackQuery")  # the button's spinner was stopped
    link = live.hub.links.get("telegram", chat)
    session = live.hub.state.store.get(link.session_id) if link else None
    assert session is not None and session.patient.get("age_years") == 62
    asked = [t.text for t in session.transcript if t.role == "user"][-1]
    assert asked == "How should I sequence these agents for this patient?"

    telegram.ask("quiz me", chat)
    quiz = [c.data for c in fake.calls_to("/sendMessage") if c.data.get("chat_id") == chat][-1]
    [numbers, *_] = _keyboard(quiz)
    assert [b["callback_data"] for b in numbers] == [str(n) for n in range(1, len(numbers) + 1)]
    before = len(telegram.replies(chat))
    _press(telegram, chat, "1")
    graded = "\n".join(telegram.replies(chat)[before:])
    assert "Correct." in graded or "Not quite." in graded
