"""Chat sessions in a SQL store (SQLite by default, any SQLAlchemy URL works).

A session holds the transcript and the patient facts gathered so far. Text is redacted before
it reaches this module; nothing here knows about HTTP.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from assistant.db.engine import is_sqlite, make_engine
from assistant.db.migrate import ensure_schema
from assistant.db.tables import IdempotencyRow, InboxRow, MessageRow, OutboxRow, SessionRow
from assistant.db.tables import now as _now

__all__ = ["MessageRow", "SessionRecord", "SessionRow", "SessionStore", "Turn", "new_session_id"]


@dataclass(frozen=True)
class Turn:
    role: str
    text: str
    created_at: datetime
    meta: dict[str, Any]


@dataclass(frozen=True)
class SessionRecord:
    id: str
    owner: str
    created_at: datetime
    last_active: datetime
    patient: dict[str, Any]
    state: dict[str, Any]
    transcript: tuple[Turn, ...]


@dataclass
class TurnBatch:
    """Turns the engine saved while a batch was open: written later, with the caller's own rows, in one
    transaction (``SessionStore.commit``). The engine does not know; it calls ``save_turn`` as always."""

    store: SessionStore
    turns: list[dict[str, Any]] = field(default_factory=list)


_BATCH: ContextVar[TurnBatch | None] = ContextVar("rrall_turn_batch", default=None)
# How long an Idempotency-Key is remembered: far longer than any client retries a request.
IDEMPOTENCY_RETENTION = timedelta(hours=24)


def new_session_id() -> str:
    return "s_" + secrets.token_urlsafe(16)


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SessionStore:
    """Create, read, update and erase sessions; idle ones expire after ``ttl``."""

    def __init__(self, url: str, *, ttl: timedelta, retention: timedelta | None = None) -> None:
        self.engine: Engine = make_engine(url, begin="BEGIN IMMEDIATE")
        # SQLite: reads begin DEFERRED on an engine of their own, so they never queue for the write lock.
        reader = make_engine(url, begin="BEGIN") if is_sqlite(url) else self.engine
        ensure_schema(self.engine)  # SQLite upgrades itself; any other database must already be current
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._reads = sessionmaker(reader, expire_on_commit=False)
        # SQLite has one write lock, and its busy handler polls: threads of one process queue here
        # in order instead, so a burst of turns does not leave some waiting for seconds.
        self._write_lock = threading.Lock() if is_sqlite(url) else contextlib.nullcontext()
        self.ttl = ttl
        self.retention = retention

    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        with self._write_lock, self._sessions.begin() as db:
            yield db

    def create(self, *, owner: str = "local", state: dict[str, Any] | None = None) -> SessionRecord:
        """A new session owned by ``owner`` (see assistant.db.tables for the principal names); ``state``
        seeds its state (a channel puts its learner identity there)."""
        with self._write() as db:
            row = SessionRow(id=new_session_id(), owner=owner, state_json=json.dumps(state or {}, sort_keys=True))
            db.add(row)
            db.flush()
            return _record(row)

    def get(self, session_id: str) -> SessionRecord | None:
        """The session, or None when it does not exist or has expired (expired ones are erased)."""
        if not _valid_id(session_id):
            return None
        with self._reads.begin() as db:
            row = db.get(SessionRow, session_id)
            if row is None:
                return None
            expired = _aware(row.last_active) < _now() - self.ttl
            record = None if expired else _record(row)
        if expired:
            self.delete(session_id)
        return record

    def owner_of(self, session_id: str) -> str | None:
        """Who owns a session (expired or not); None when there is no such session."""
        if not _valid_id(session_id):
            return None
        with self._reads.begin() as db:
            return db.scalar(select(SessionRow.owner).where(SessionRow.id == session_id))

    def save_turn(
        self,
        session_id: str,
        *,
        user_text: str,
        answer_text: str,
        patient: dict[str, Any],
        state: dict[str, Any],
        answer_meta: dict[str, Any] | None = None,
    ) -> None:
        """Append one user message and its answer, and store the patient facts, atomically (inside
        ``deferred()``: when the batch is committed)."""
        turn: dict[str, Any] = {"user_text": user_text, "answer_text": answer_text, "patient": patient, "state": state,
                "answer_meta": answer_meta}
        batch = _BATCH.get()
        if batch is not None and batch.store is self:
            batch.turns.append({"session_id": session_id, **turn})
            return
        with self._write() as db:
            self._append(db, session_id, **turn)

    @contextlib.contextmanager
    def deferred(self) -> Iterator[TurnBatch]:
        """Hold the turns saved in this thread until ``commit``; nothing is written if it is not called."""
        batch = TurnBatch(store=self)
        token = _BATCH.set(batch)
        try:
            yield batch
        finally:
            _BATCH.reset(token)

    def commit(self, batch: TurnBatch, also: Callable[[Session], None] | None = None) -> None:
        """Write the batch's turns and whatever ``also`` adds (an outbox entry, an idempotency key, an
        audit entry) in one transaction: all of it is stored, or none."""
        with self._write() as db:
            for turn in batch.turns:
                self._append(db, **turn)
            if also is not None:
                also(db)
        batch.turns.clear()

    def _append(self, db: Session, session_id: str, *, user_text: str, answer_text: str, patient: dict[str, Any],
                state: dict[str, Any], answer_meta: dict[str, Any] | None) -> None:
        row = db.get(SessionRow, session_id, with_for_update=True)
        if row is None:
            raise KeyError(session_id)
        seq = len(row.messages)
        row.messages.append(MessageRow(seq=seq, role="user", text=_storable(user_text)))
        row.messages.append(
            MessageRow(seq=seq + 1, role="assistant", text=_storable(answer_text),
                       meta_json=json.dumps(answer_meta or {}))
        )
        row.patient_json = json.dumps(patient, sort_keys=True)
        row.state_json = json.dumps(state, sort_keys=True)
        row.last_active = _now()

    def update_patient(self, session_id: str, patient: dict[str, Any], *,
                       owner: str | None = None) -> SessionRecord | None:
        """Replace the patient facts (already validated by the caller); None when the session is gone
        (or, with ``owner``, is another principal's).

        A correction is activity, so it keeps the session alive like a chat turn does.
        """
        if not _valid_id(session_id):
            return None
        with self._write() as db:
            row = db.get(SessionRow, session_id, with_for_update=True)
            if row is None or _aware(row.last_active) < _now() - self.ttl or owner not in (None, row.owner):
                return None
            row.patient_json = json.dumps(patient, sort_keys=True)
            row.last_active = _now()
            db.flush()
            return _record(row)

    def delete(self, session_id: str, *, owner: str | None = None) -> bool:
        """Erase a session and its transcript; with ``owner``, only if it is that principal's."""
        if not _valid_id(session_id):
            return False
        with self._write() as db:
            query = delete(SessionRow).where(SessionRow.id == session_id)
            result = db.execute(query if owner is None else query.where(SessionRow.owner == owner))
            if not getattr(result, "rowcount", 0):
                return False
            db.execute(delete(MessageRow).where(MessageRow.session_id == session_id))
            return True

    def purge(self) -> int:
        """Erase idle sessions and transcripts older than the retention period; returns sessions erased."""
        cutoff = _now() - self.ttl
        with self._write() as db:
            stale = list(db.scalars(select(SessionRow.id).where(SessionRow.last_active < cutoff)))
            if stale:
                db.execute(delete(MessageRow).where(MessageRow.session_id.in_(stale)))
                db.execute(delete(SessionRow).where(SessionRow.id.in_(stale)))
            if self.retention is not None:
                db.execute(delete(MessageRow).where(MessageRow.created_at < _now() - self.retention))
            # Idempotency keys, and messages answered and replies sent (a platform's resend is caught by
            # channel_seen, kept longer), are not needed after a day.
            day_ago = _now() - IDEMPOTENCY_RETENTION
            db.execute(delete(IdempotencyRow).where(IdempotencyRow.created_at < day_ago))
            db.execute(delete(InboxRow).where(InboxRow.status == "done", InboxRow.created_at < day_ago))
            db.execute(delete(OutboxRow).where(OutboxRow.status == "sent", OutboxRow.created_at < day_ago))
            return len(stale)

    def count(self) -> int:
        with self._reads.begin() as db:
            return int(db.scalar(select(func.count()).select_from(SessionRow)) or 0)

    def active_count(self) -> int:
        """Sessions that have not expired (whether or not a purge has erased the expired ones yet)."""
        cutoff = _now() - self.ttl
        with self._reads.begin() as db:
            return int(db.scalar(select(func.count()).where(SessionRow.last_active >= cutoff)) or 0)


def _valid_id(session_id: str) -> bool:
    # PostgreSQL refuses NUL in text; such an id cannot exist, so it is simply not found.
    return "\x00" not in session_id


def _storable(text: str) -> str:
    return text.replace("\x00", "\ufffd")


def _record(row: SessionRow) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        owner=row.owner,
        created_at=_aware(row.created_at),
        last_active=_aware(row.last_active),
        patient=json.loads(row.patient_json or "{}"),
        state=json.loads(row.state_json or "{}"),
        transcript=tuple(
            Turn(role=m.role, text=m.text, created_at=_aware(m.created_at), meta=json.loads(m.meta_json or "{}"))
            for m in row.messages
        ),
    )
