"""Learner progress in SQL, on the session store's engine (SQLite by default), in the tutor's own tables.

A learner is an opaque id chosen by the client: no name, no e-mail. It is namespaced by the principal
that chose it (``learner_key``): the same id from two API keys is two learners. What is kept per learner is the
count of questions asked, per-topic scores and Leitner boxes, and the questions themselves (so an
answer can be graded later, by any worker). Free-text answers are not stored: only right or wrong
and the option chosen.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import cast

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from assistant.db.migrate import ensure_schema
from assistant.db.tables import LearnerRow, QuestionRow, TopicRow
from assistant.db.tables import now as _now
from assistant.tutor.models import Grade, Question, Topic
from assistant.tutor.schedule import Review, TopicState, record


@dataclass(frozen=True)
class StoredQuestion:
    id: str
    learner_id: str  # the client's id, as it chose it
    question: Question
    answered: bool
    owner: str = "local"


def new_question_id() -> str:
    return "q_" + secrets.token_urlsafe(12)


def learner_key(owner: str, learner_id: str) -> str:
    """The stored id of ``owner``'s learner ``learner_id``: fixed length, and unguessable from the id alone."""
    return "l_" + hashlib.sha256(f"{owner}\n{learner_id}".encode()).hexdigest()[:40]


class TutorStore:
    def __init__(self, engine: Engine) -> None:
        ensure_schema(engine)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def add_question(self, learner_id: str, question: Question, *, owner: str = "local") -> StoredQuestion:
        """Keep a question asked of ``owner``'s ``learner_id`` (created on first use) and count it."""
        key = learner_key(owner, learner_id)
        with self._sessions.begin() as db:
            learner = db.get(LearnerRow, key, with_for_update=True)
            if learner is None:
                learner = LearnerRow(id=key, owner=owner, client_id=learner_id, asked=0)
                db.add(learner)
            learner.asked += 1
            row = QuestionRow(id=new_question_id(), learner_id=key, topic=question.topic, kind=question.kind,
                              seed=question.seed, tick=learner.asked, payload=question.model_dump_json())
            db.add(row)
            return StoredQuestion(id=row.id, learner_id=learner_id, question=question, answered=False, owner=owner)

    def question(self, question_id: str) -> StoredQuestion | None:
        with self._sessions.begin() as db:
            row = db.get(QuestionRow, question_id)
            if row is None:
                return None
            learner = db.get(LearnerRow, row.learner_id)
            owner = learner.owner if learner else "legacy"
            client_id = (learner.client_id if learner else None) or row.learner_id
            return StoredQuestion(id=row.id, learner_id=client_id, question=Question.model_validate_json(row.payload),
                                  answered=row.answered_at is not None, owner=owner)

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

    def learner(self, learner_id: str, *, owner: str | None = "local") -> tuple[dict[Topic, TopicState], int] | None:
        """Per-topic states and the number of questions asked; None for an unknown learner.
        ``owner=None`` (an admin reading for audit) finds the oldest learner of that id, whoever owns it."""
        with self._sessions.begin() as db:
            learner = _learner_row(db, learner_id, owner)
            if learner is None:
                return None
            rows = db.scalars(select(TopicRow).where(TopicRow.learner_id == learner.id))
            states = {s.topic: s for s in (_state(r) for r in rows)}
            return states, learner.asked

    def answers(self, learner_id: str, *, owner: str | None = "local") -> list[Review]:
        """``owner``'s learner's first answers (topic, when, right or wrong), oldest first: what FSRS
        replays. ``owner=None``, as for ``learner``."""
        with self._sessions.begin() as db:
            learner = _learner_row(db, learner_id, owner)
            if learner is None:
                return []
            rows = db.execute(select(QuestionRow.topic, QuestionRow.answered_at, QuestionRow.correct)
                              .where(QuestionRow.learner_id == learner.id, QuestionRow.answered_at.is_not(None))
                              .order_by(QuestionRow.answered_at))
            return [Review(topic=cast(Topic, topic), at=at, correct=bool(correct)) for topic, at, correct in rows
                    if at is not None]


def _learner_row(db: Session, learner_id: str, owner: str | None) -> LearnerRow | None:
    if owner is None:
        return db.scalars(select(LearnerRow).where(LearnerRow.client_id == learner_id)
                          .order_by(LearnerRow.created_at).limit(1)).first()
    return db.get(LearnerRow, learner_key(owner, learner_id))


def _state(row: TopicRow) -> TopicState:
    return TopicState.model_validate({"topic": row.topic, "attempts": row.attempts or 0, "correct": row.correct or 0,
                                      "box": row.box or 1, "last_seen": row.last_seen})
