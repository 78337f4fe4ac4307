"""Learner progress in SQL, on the session store's engine (SQLite by default), in the tutor's own tables.

A learner is an opaque id chosen by the client: no name, no e-mail. What is kept per learner is the
count of questions asked, per-topic scores and Leitner boxes, and the questions themselves (so an
answer can be graded later, by any worker). Free-text answers are not stored: only right or wrong
and the option chosen.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from assistant.tutor.models import Grade, Question, Topic
from assistant.tutor.schedule import Review, TopicState, record


class _Base(DeclarativeBase):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


class LearnerRow(_Base):
    __tablename__ = "tutor_learners"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    asked: Mapped[int] = mapped_column(Integer, default=0)


class TopicRow(_Base):
    __tablename__ = "tutor_topics"

    learner_id: Mapped[str] = mapped_column(ForeignKey("tutor_learners.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(16), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    box: Mapped[int] = mapped_column(Integer, default=1)
    last_seen: Mapped[int | None] = mapped_column(Integer, nullable=True)


class QuestionRow(_Base):
    __tablename__ = "tutor_questions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("tutor_learners.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    seed: Mapped[int] = mapped_column(Integer)
    tick: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    correct: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    chosen: Mapped[str | None] = mapped_column(String(4), nullable=True)


@dataclass(frozen=True)
class StoredQuestion:
    id: str
    learner_id: str
    question: Question
    answered: bool


def new_question_id() -> str:
    return "q_" + secrets.token_urlsafe(12)


class TutorStore:
    def __init__(self, engine: Engine) -> None:
        _Base.metadata.create_all(engine)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def add_question(self, learner_id: str, question: Question) -> StoredQuestion:
        """Keep a question asked of ``learner_id`` (created on first use) and count it."""
        with self._sessions.begin() as db:
            learner = db.get(LearnerRow, learner_id, with_for_update=True)
            if learner is None:
                learner = LearnerRow(id=learner_id, asked=0)
                db.add(learner)
            learner.asked += 1
            row = QuestionRow(id=new_question_id(), learner_id=learner_id, topic=question.topic, kind=question.kind,
                              seed=question.seed, tick=learner.asked, payload=question.model_dump_json())
            db.add(row)
            return StoredQuestion(id=row.id, learner_id=learner_id, question=question, answered=False)

    def question(self, question_id: str) -> StoredQuestion | None:
        with self._sessions.begin() as db:
            row = db.get(QuestionRow, question_id)
            if row is None:
                return None
            return StoredQuestion(id=row.id, learner_id=row.learner_id,
                                  question=Question.model_validate_json(row.payload),
                                  answered=row.answered_at is not None)

    def record_answer(self, question_id: str, grade: Grade) -> bool:
        """Score the first answer to a question; later answers are graded but not counted again.
        Returns whether this answer was counted."""
        with self._sessions.begin() as db:
            row = db.get(QuestionRow, question_id, with_for_update=True)
            if row is None or row.answered_at is not None:
                return False
            row.answered_at, row.correct, row.chosen = _now(), grade.correct, grade.chosen
            topic = db.get(TopicRow, (row.learner_id, row.topic), with_for_update=True)
            if topic is None:
                topic = TopicRow(learner_id=row.learner_id, topic=row.topic, attempts=0, correct=0, box=1)
                db.add(topic)
            state = record(_state(topic), correct=grade.correct, tick=row.tick)
            topic.attempts, topic.correct, topic.box, topic.last_seen = (
                state.attempts, state.correct, state.box, state.last_seen)
            return True

    def learner(self, learner_id: str) -> tuple[dict[Topic, TopicState], int] | None:
        """Per-topic states and the number of questions asked; None for an unknown learner."""
        with self._sessions.begin() as db:
            learner = db.get(LearnerRow, learner_id)
            if learner is None:
                return None
            rows = db.scalars(select(TopicRow).where(TopicRow.learner_id == learner_id))
            states = {s.topic: s for s in (_state(r) for r in rows)}
            return states, learner.asked


    def answers(self, learner_id: str) -> list[Review]:
        """The learner's first answers (topic, when, right or wrong), oldest first: what FSRS replays."""
        with self._sessions.begin() as db:
            rows = db.execute(select(QuestionRow.topic, QuestionRow.answered_at, QuestionRow.correct)
                              .where(QuestionRow.learner_id == learner_id, QuestionRow.answered_at.is_not(None))
                              .order_by(QuestionRow.answered_at))
            return [Review(topic=cast(Topic, topic), at=at, correct=bool(correct)) for topic, at, correct in rows
                    if at is not None]


def _state(row: TopicRow) -> TopicState:
    return TopicState.model_validate({"topic": row.topic, "attempts": row.attempts or 0, "correct": row.correct or 0,
                                      "box": row.box or 1, "last_seen": row.last_seen})
