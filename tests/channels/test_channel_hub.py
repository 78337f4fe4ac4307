"""The hub between channels and the engine: sessions per conversation, quiz replies by number,
expired sessions, and an engine failure that still reaches the user and is kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from api.channels.base import Channel, DeliveryError, Inbound, Outbound, Parsed, WebhookRequest
from api.channels.hub import APOLOGY, ChannelHub, quiz_choice
from assistant.answer import ChatResponse, QuizCard, QuizOption
from assistant.db.audit import AuditLog
from assistant.engine import SessionNotFound
from assistant.sessions import SessionStore
from assistant.settings import Settings

QUIZ = QuizCard(id="q1", topic="efficacy", kind="single_choice", prompt="Which trial tested InO?",
                options=[QuizOption(key="A", text="TOWER"), QuizOption(key="B", text="INO-VATE")])


class StubEngine:
    def __init__(self) -> None:
        self.received: list[tuple[str, str | None]] = []
        self.expired: set[str] = set()
        self.quiz_next = False
        self.fail = False

    def respond(self, message: str, session_id: str | None = None) -> ChatResponse:
        self.received.append((message, session_id))
        if self.fail:
            raise RuntimeError("index went away")
        if session_id in self.expired:
            raise SessionNotFound(session_id)
        quiz, self.quiz_next = (QUIZ if self.quiz_next else None), False
        return ChatResponse(session_id=session_id or f"s_{len(self.received)}", answer=f"echo {message}",
                            citations=[], tool_calls=[], patient={}, intent="test", quiz=quiz)


class RecordingChannel(Channel):
    name = "recording"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.sent: list[str] = []

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return True

    def verify(self, request: WebhookRequest) -> None:
        return None

    def parse(self, request: WebhookRequest) -> Parsed:
        return Parsed()

    def deliver(self, message: Inbound, outbound: Outbound) -> None:
        self.sent.append(outbound["text"])


@pytest.fixture
def setup(tmp_path: Path) -> tuple[ChannelHub, StubEngine, RecordingChannel]:
    engine = StubEngine()
    settings = Settings(data_dir=tmp_path, webhook_delivery_backoff_seconds=0)
    store = SessionStore(f"sqlite:///{tmp_path / 'links.db'}", ttl=timedelta(hours=1))
    state: Any = SimpleNamespace(settings=settings, engine=engine, store=store)
    return ChannelHub(state), engine, RecordingChannel(settings)


def test_a_conversation_keeps_its_session(setup: tuple[ChannelHub, StubEngine, RecordingChannel]) -> None:
    hub, engine, channel = setup
    first = hub.answer(channel, Inbound(conversation="c1", text="62yo first relapse"))
    hub.answer(channel, Inbound(conversation="c1", text="CD22 40%"))
    other = hub.answer(channel, Inbound(conversation="c2", text="hello"))
    assert [sid for _, sid in engine.received] == [first.session_id, first.session_id, other.session_id]
    assert other.session_id != first.session_id


def test_a_conversations_sessions_are_owned_by_the_platform_identity(
    setup: tuple[ChannelHub, StubEngine, RecordingChannel]
) -> None:
    hub, _, channel = setup
    session_id = hub.answer(channel, Inbound(conversation="c1", text="hello")).session_id
    assert hub.state.store.owner_of(session_id) == "platform:recording:c1"


def test_quiz_reply_by_number_sends_the_options_key(setup: tuple[ChannelHub, StubEngine, RecordingChannel]) -> None:
    hub, engine, channel = setup
    engine.quiz_next = True
    hub.answer(channel, Inbound(conversation="c1", text="quiz me"))
    hub.answer(channel, Inbound(conversation="c1", text=" 2 "))
    hub.answer(channel, Inbound(conversation="c1", text="2"))  # no card pending any more
    assert [m for m, _ in engine.received] == ["quiz me", "B", "2"]


@pytest.mark.parametrize(("text", "expected"), [("1", "A"), ("2.", "B"), ("2)", "B"), ("3", "3"), ("0", "0"),
                                                ("1 and 2", "1 and 2"), ("B", "B")])
def test_quiz_choice_maps_only_a_valid_number(text: str, expected: str) -> None:
    assert quiz_choice(text, QUIZ) == expected
    assert quiz_choice(text, None) == text


def test_expired_session_starts_a_new_one_and_relinks(setup: tuple[ChannelHub, StubEngine, RecordingChannel]) -> None:
    hub, engine, channel = setup
    old = hub.answer(channel, Inbound(conversation="c1", text="hello")).session_id
    engine.expired.add(old)
    new = hub.answer(channel, Inbound(conversation="c1", text="hello again")).session_id
    assert new != old
    link = hub.links.get("recording", "c1")
    assert link is not None and link.session_id == new


def test_engine_failure_still_answers_and_keeps_the_message(
    setup: tuple[ChannelHub, StubEngine, RecordingChannel]
) -> None:
    hub, engine, channel = setup
    engine.fail = True
    hub.answer_and_deliver(channel, Inbound(conversation="c9", text="What is CRS?", reply_to={"chat": 9}))
    assert channel.sent == [APOLOGY]
    [kept] = hub.outbox.failures("recording")
    assert kept.stage == "answer" and kept.conversation == "c9"
    assert kept.payload["text"] == "What is CRS?" and kept.payload["reply_to"] == {"chat": 9}


def test_an_id_is_claimed_once(setup: tuple[ChannelHub, StubEngine, RecordingChannel]) -> None:
    hub, _, _ = setup
    assert hub.links.claim("slack", "Ev1") is True
    assert hub.links.claim("slack", "Ev1") is False
    assert hub.links.claim("telegram", "Ev1") is True


def test_ids_longer_than_their_column_still_work(setup: tuple[ChannelHub, StubEngine, RecordingChannel]) -> None:
    hub, engine, channel = setup
    conversation = "19:" + "x" * 400 + "@thread.tacv2;messageid=1"
    first = hub.answer(channel, Inbound(conversation=conversation, text="hello"))
    hub.answer(channel, Inbound(conversation=conversation, text="again"))
    assert engine.received[-1] == ("again", first.session_id)
    assert hub.links.claim("teams", conversation) is True and hub.links.claim("teams", conversation) is False


class RefusingChannel(RecordingChannel):
    """A platform that refuses every reply until told otherwise."""

    name = "refusing"
    refuse = True

    def deliver(self, message: Inbound, outbound: Outbound) -> None:
        if self.refuse:
            raise DeliveryError("chat not found", retryable=False)
        super().deliver(message, outbound)


def _assistant(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RRALL_DATA_DIR": str(tmp_path), "RRALL_DATABASE_URL": f"sqlite:///{tmp_path / 'links.db'}"}
    return subprocess.run([sys.executable, "-c", "from assistant.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=60)


def test_a_reply_failed_for_good_is_listed_and_sent_again_by_assistant_deliveries(
    setup: tuple[ChannelHub, StubEngine, RecordingChannel], tmp_path: Path
) -> None:
    hub, _, _ = setup
    channel = RefusingChannel(hub.state.settings)
    hub.answer_and_deliver(channel, Inbound(conversation="c5", text="What is CRS?", event_id="u-5"))
    listed = _assistant(tmp_path, "deliveries", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [entry] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert entry["id"].startswith("deliver:") and entry["platform"] == "refusing" and "CRS" not in listed.stdout
    retried = _assistant(tmp_path, "deliveries", "retry", entry["id"])
    assert retried.returncode == 0 and retried.stdout.startswith("1 queued")
    channel.refuse = False
    while hub.work_once():
        pass
    assert channel.sent == ["echo What is CRS?"]
    assert hub.outbox.failures() == [] and hub.in_flight == 0
    assert _assistant(tmp_path, "deliveries", "retry").returncode != 0  # names nothing: a usage error


def test_a_platform_turn_is_audited_under_its_conversation(
    setup: tuple[ChannelHub, StubEngine, RecordingChannel]
) -> None:
    hub, _, channel = setup
    hub.answer_and_deliver(channel, Inbound(conversation="c7", text="What is CRS?", event_id="u-7"))
    [entry] = AuditLog(hub.state.store.engine).entries(principal="platform:recording:c7")
    assert (entry.action, entry.resource, entry.outcome) == ("continue", "session", "ok")
    assert channel.sent == ["echo What is CRS?"]
