"""The quiz inside the chat: "quiz me on toxicity" asks, the next message ("B", "2") is graded."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from paraphrases import SEQUENCING_PARAPHRASES

from assistant.answer import ChatResponse, markers_in
from assistant.engine import ChatEngine
from assistant.sessions import SessionStore
from assistant.tutor.chat import STATE_KEY, learner_for_session, topic_in
from assistant.tutor.models import Question
from assistant.tutor.service import tutor_for
from knowledge.pack import default_pack


@pytest.fixture()
def engine(session_store: SessionStore) -> ChatEngine:
    # Quiz turns need no retrieval: the engine runs without an index.
    return ChatEngine(pack=default_pack(), store=session_store, retriever=None)


def _pending(store: SessionStore, session_id: str) -> object:
    record = store.get(session_id)
    assert record is not None
    return record.state.get(STATE_KEY)


def test_quiz_me_on_toxicity_asks_a_toxicity_question_with_options(engine: ChatEngine) -> None:
    response = engine.respond("quiz me on toxicity")
    assert response.intent == "quiz" and response.quiz is not None
    assert response.quiz.topic == "toxicity"
    assert [o.key for o in response.quiz.options] == list("ABCD"[: len(response.quiz.options)])
    assert response.quiz.prompt.endswith("?") and response.quiz.prompt in response.answer
    assert _pending(engine.store, response.session_id) == {"question_id": response.quiz.id}


def _ask(engine: ChatEngine, message: str) -> tuple[ChatResponse, Question]:
    """Ask in the chat, and look up the question behind the card (to know which option is keyed)."""
    asked = engine.respond(message)
    assert asked.quiz is not None
    stored = tutor_for(engine.store.engine).question(asked.quiz.id)
    assert stored is not None
    return asked, stored.question


def test_answering_b_grades_the_question_and_clears_it(engine: ChatEngine) -> None:
    asked, question = _ask(engine, "quiz me on toxicity")
    option_b = question.options[1]
    graded = engine.respond("B", asked.session_id)
    assert graded.intent == "quiz_answer" and graded.quiz is None
    assert graded.answer.startswith("**Correct.**" if option_b.correct else "**Not quite.**")
    used = set(markers_in(graded.answer))
    assert used and used == {c.marker for c in graded.citations}
    assert _pending(engine.store, asked.session_id) is None
    assert graded.tool_calls[0].name == "tutor_grade"


def test_answering_2_picks_the_second_option(engine: ChatEngine) -> None:
    asked, question = _ask(engine, "quiz me on toxicity")
    second = question.options[1]
    graded = engine.respond("2", asked.session_id)
    assert graded.intent == "quiz_answer"
    assert ("**Correct.**" in graded.answer) is second.correct
    if not second.correct:
        assert f"**Why {second.key} is wrong for this patient:**" in graded.answer
    progress = tutor_for(engine.store.engine).progress(learner_for_session(asked.session_id))
    assert progress is not None and progress.answered == 1


def test_a_reply_that_picks_no_option_keeps_the_question(engine: ChatEngine) -> None:
    asked = engine.respond("quiz me")
    reply = engine.respond("hmm, not sure", asked.session_id)
    assert reply.quiz is not None and asked.quiz is not None and reply.quiz.id == asked.quiz.id
    assert "letter or the number" in reply.answer
    assert _pending(engine.store, asked.session_id) is not None


def test_skip_leaves_the_quiz_and_the_next_message_is_a_normal_turn(engine: ChatEngine) -> None:
    asked = engine.respond("quiz me on CNS disease")
    assert asked.quiz is not None and asked.quiz.topic == "cns"
    skipped = engine.respond("skip", asked.session_id)
    assert skipped.intent == "quiz_skipped" and _pending(engine.store, asked.session_id) is None
    normal = engine.respond("hello", asked.session_id)
    assert normal.intent == "greeting"


def test_a_quiz_does_not_touch_the_patient_facts(engine: ChatEngine) -> None:
    first = engine.respond("62-year-old in first relapse, CD22 95%")
    asked = engine.respond("quiz me on burden", first.session_id)
    graded = engine.respond("A", first.session_id)
    assert asked.patient == graded.patient == first.patient
    record = engine.store.get(first.session_id)
    assert record is not None and record.patient == first.patient
    assert [t.role for t in record.transcript] == ["user", "assistant"] * 3


@pytest.mark.parametrize(
    ("text", "topic"),
    [("quiz me on toxicity", "toxicity"), ("quiz me on VOD", "toxicity"), ("test me on the FDA labels", "label"),
     ("quiz me about CD22", "antigen"), ("quiz me on sequencing", "sequencing"), ("quiz me on trials", "evidence"),
     ("quiz me on transplant", "hsct"), ("quiz me", None)],
)
def test_the_topic_is_read_from_the_request(text: str, topic: str | None) -> None:
    assert topic_in(text) == topic


def test_an_answer_in_own_words_is_graded_in_the_chat(engine: ChatEngine) -> None:
    asked, question = _ask(engine, "quiz me on sequencing")
    graded = engine.respond(SEQUENCING_PARAPHRASES[question.answer.code or ""], asked.session_id)
    assert graded.intent == "quiz_answer" and graded.answer.startswith("**Correct.**")


def test_a_channel_conversation_keeps_its_learner_across_sessions(engine: ChatEngine, tmp_path: Path) -> None:
    from api.channels.base import Channel, Inbound, Outbound, Parsed, WebhookRequest
    from api.channels.hub import ChannelHub, platform_owner
    from assistant.settings import Settings
    from assistant.tutor.chat import learner_for_channel

    class Quiet(Channel):
        name = "quiet"

        @classmethod
        def configured(cls, settings: Settings) -> bool:
            return True

        def verify(self, request: WebhookRequest) -> None:
            return None

        def parse(self, request: WebhookRequest) -> Parsed:
            return Parsed()

        def deliver(self, message: Inbound, outbound: Outbound) -> None:
            return None

    settings = Settings(data_dir=tmp_path)
    hub = ChannelHub(SimpleNamespace(settings=settings, engine=engine, store=engine.store))  # type: ignore[arg-type]
    channel = Quiet(settings)
    sessions = []

    def session_of(conversation: str) -> str:
        link = hub.links.get("quiet", conversation)
        assert link is not None
        return link.session_id

    for _ in range(2):
        hub.answer(channel, Inbound(conversation="ward-7", text="quiz me on antigen"))
        hub.answer(channel, Inbound(conversation="ward-7", text="A"))
        asked = session_of("ward-7")
        record = engine.store.get(asked)
        assert record is not None
        assert [t.meta.get("intent") for t in record.transcript if t.role == "assistant"][-1] == "quiz_answer"
        sessions.append(asked)
        engine.store.delete(asked)  # the session ends (expiry, erasure): the next is new
    assert sessions[0] != sessions[1]
    # The learner belongs to the conversation's platform identity (the sessions' owner).
    progress = tutor_for(engine.store.engine).progress(learner_for_channel("quiet", "ward-7"),
                                                       owner=platform_owner("quiet", "ward-7"))
    assert progress is not None and progress.answered == 2 and progress.questions_asked == 2
    hub.answer(channel, Inbound(conversation="ward-8", text="quiz me"))
    other = session_of("ward-8")
    assert tutor_for(engine.store.engine).progress(learner_for_channel("quiet", "ward-8"),
                                                   owner=platform_owner("quiet", "ward-8")) is not None
    assert other not in sessions
