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

from api.channels.base import (
    BUTTON_PREFIX,
    Channel,
    DeliveryError,
    Held,
    Inbound,
    Outbound,
    Parsed,
    Rendered,
    WebhookRequest,
)
from api.channels.hub import APOLOGY, NOTHING_MORE, ChannelHub, quiz_choice
from api.channels.pages import Surface, paged_reply
from assistant.answer import ChatResponse, Citation, QuizCard, QuizOption
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


def _session(hub: ChannelHub, conversation: str, platform: str = "recording") -> str:
    link = hub.links.get(platform, conversation)
    assert link is not None
    return link.session_id


@pytest.fixture
def setup(tmp_path: Path) -> tuple[ChannelHub, StubEngine, RecordingChannel]:
    engine = StubEngine()
    settings = Settings(data_dir=tmp_path, webhook_delivery_backoff_seconds=0)
    store = SessionStore(f"sqlite:///{tmp_path / 'links.db'}", ttl=timedelta(hours=1))
    state: Any = SimpleNamespace(settings=settings, engine=engine, store=store)
    return ChannelHub(state), engine, RecordingChannel(settings)


def test_a_conversation_keeps_its_session(setup: tuple[ChannelHub, StubEngine, RecordingChannel]) -> None:
    hub, engine, channel = setup
    hub.answer(channel, Inbound(conversation="c1", text="62yo first relapse"))
    hub.answer(channel, Inbound(conversation="c1", text="CD22 40%"))
    hub.answer(channel, Inbound(conversation="c2", text="hello"))
    first, other = _session(hub, "c1"), _session(hub, "c2")
    assert [sid for _, sid in engine.received] == [first, first, other]
    assert other != first


def test_a_conversations_sessions_are_owned_by_the_platform_identity(
    setup: tuple[ChannelHub, StubEngine, RecordingChannel]
) -> None:
    hub, _, channel = setup
    hub.answer(channel, Inbound(conversation="c1", text="hello"))
    assert hub.state.store.owner_of(_session(hub, "c1")) == "platform:recording:c1"


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
    hub.answer(channel, Inbound(conversation="c1", text="hello"))
    old = _session(hub, "c1")
    engine.expired.add(old)
    hub.answer(channel, Inbound(conversation="c1", text="hello again"))
    new = engine.received[-1][1]
    assert new not in (old, None) and _session(hub, "c1") == new


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
    hub.answer(channel, Inbound(conversation=conversation, text="hello"))
    hub.answer(channel, Inbound(conversation=conversation, text="again"))
    assert engine.received[-1] == ("again", _session(hub, conversation))
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


PAGE = 170


class PagingChannel(RecordingChannel):
    """A text-message platform: one short page now, the rest on MORE and SOURCES."""

    name = "paging"

    def render_reply(self, message: Inbound, response: ChatResponse) -> Rendered:
        return paged_reply(response, Surface(limit=PAGE))


def _long(message: str, session_id: str | None) -> ChatResponse:
    answer = "\n\n".join(f"Point {n} about {message} rests on a passage [{n}]." for n in range(1, 5))
    citations = [Citation(marker=n, passage_id=f"p{n}", section="Toxicity", text="", refs=[]) for n in range(1, 5)]
    return ChatResponse(session_id=session_id or "s_long", answer=answer, citations=citations, tool_calls=[],
                        patient={}, intent="evidence", quiz=QUIZ)


@pytest.mark.parametrize("surface", ["sync", "outbox"])
def test_more_and_sources_are_sent_from_the_held_parts_without_a_turn(
    setup: tuple[ChannelHub, StubEngine, RecordingChannel], surface: str
) -> None:
    hub, engine, _ = setup
    channel = PagingChannel(hub.state.settings)
    received: list[str] = []

    def respond(message: str, session_id: str | None = None) -> ChatResponse:
        received.append(message)
        return _long(message, session_id)

    engine.respond = respond  # type: ignore[method-assign]

    def say(text: str) -> list[str]:
        if surface == "sync":
            return [o["text"] for o in hub.answer(channel, Inbound(conversation="p1", text=text))]
        before = len(channel.sent)
        hub.answer_and_deliver(channel, Inbound(conversation="p1", text=text, event_id=f"e-{text}-{before}"))
        return channel.sent[before:]

    [first] = say("CRS")
    assert "Point 1" in first and "Point 2" not in first and "MORE" in first
    parts = []
    while (part := say("more")) != [NOTHING_MORE]:
        parts += part
        assert len(parts) < 10
    assert [p for p in parts if "Point 4" in p] and all(len(p) <= PAGE for p in parts)
    sources = say("Sources")
    assert sources[0].startswith("Sources:") and "4] the review, Toxicity" in "".join(sources)
    assert say("SOURCES") == sources  # asked again, the same list
    assert received == ["CRS"]  # MORE and SOURCES were no turns
    say("2")  # the quiz card outlived the MORE parts: its number is still its option
    assert received == ["CRS", "B"]


def test_more_with_nothing_paged_is_a_message_for_the_engine(
    setup: tuple[ChannelHub, StubEngine, RecordingChannel]
) -> None:
    hub, engine, channel = setup
    hub.answer(channel, Inbound(conversation="c3", text="hello"))
    hub.answer(channel, Inbound(conversation="c3", text="MORE"))
    assert [m for m, _ in engine.received] == ["hello", "MORE"]


def test_a_held_button_sends_its_message(setup: tuple[ChannelHub, StubEngine, RecordingChannel]) -> None:
    hub, engine, _ = setup

    class ButtonChannel(RecordingChannel):
        name = "buttons"

        def render_reply(self, message: Inbound, response: ChatResponse) -> Rendered:
            return Rendered(now=self.render(response), held=Held(buttons=("How should I sequence these agents?",)))

    channel = ButtonChannel(hub.state.settings)
    hub.answer(channel, Inbound(conversation="b1", text="hello"))
    hub.answer(channel, Inbound(conversation="b1", text=f"{BUTTON_PREFIX}1"))
    hub.answer(channel, Inbound(conversation="b1", text=f"{BUTTON_PREFIX}7"))  # not held: as typed
    assert [m for m, _ in engine.received] == ["hello", "How should I sequence these agents?", f"{BUTTON_PREFIX}7"]
