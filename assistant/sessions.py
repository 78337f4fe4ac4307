"""Chat sessions in a SQL store (SQLite by default, any SQLAlchemy URL works).

A session holds the transcript and the patient facts gathered so far. Text is redacted before
it reaches this module; nothing here knows about HTTP.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, create_engine, delete, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker


class Base(DeclarativeBase):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


class SessionRow(Base):
    __tablename__ = "chat_sessions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    last_active: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    patient_json: Mapped[str] = mapped_column(Text, default="{}")
    # Conversation state that is not patient facts, e.g. a pending quiz question.
    state_json: Mapped[str] = mapped_column(Text, default="{}")
    messages: Mapped[list[MessageRow]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="MessageRow.seq"
    )


class MessageRow(Base):
    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    meta_json: Mapped[str] = mapped_column(Text, default="{}")
    session: Mapped[SessionRow] = relationship(back_populates="messages")


@dataclass(frozen=True)
class Turn:
    role: str
    text: str
    created_at: datetime
    meta: dict[str, Any]


@dataclass(frozen=True)
class SessionRecord:
    id: str
    created_at: datetime
    last_active: datetime
    patient: dict[str, Any]
    state: dict[str, Any]
    transcript: tuple[Turn, ...]


def new_session_id() -> str:
    return "s_" + secrets.token_urlsafe(16)


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SessionStore:
    """Create, read, update and erase sessions; idle ones expire after ``ttl``."""

    def __init__(self, url: str, *, ttl: timedelta, retention: timedelta | None = None) -> None:
        connect_args: dict[str, Any] = {}
        if url.startswith("sqlite"):
            connect_args = {"check_same_thread": False, "timeout": 30}
        self.engine: Engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.ttl = ttl
        self.retention = retention

    def create(self) -> SessionRecord:
        with self._sessions.begin() as db:
            row = SessionRow(id=new_session_id())
            db.add(row)
            db.flush()
            return _record(row)

    def get(self, session_id: str) -> SessionRecord | None:
        """The session, or None when it does not exist or has expired (expired ones are erased)."""
        with self._sessions.begin() as db:
            row = db.get(SessionRow, session_id)
            if row is None:
                return None
            if _aware(row.last_active) < _now() - self.ttl:
                db.delete(row)
                return None
            return _record(row)

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
        """Append one user message and its answer, and store the patient facts, atomically."""
        with self._sessions.begin() as db:
            row = db.get(SessionRow, session_id, with_for_update=True)
            if row is None:
                raise KeyError(session_id)
            seq = len(row.messages)
            row.messages.append(MessageRow(seq=seq, role="user", text=user_text))
            row.messages.append(
                MessageRow(seq=seq + 1, role="assistant", text=answer_text, meta_json=json.dumps(answer_meta or {}))
            )
            row.patient_json = json.dumps(patient, sort_keys=True)
            row.state_json = json.dumps(state, sort_keys=True)
            row.last_active = _now()

    def delete(self, session_id: str) -> bool:
        with self._sessions.begin() as db:
            result = db.execute(delete(SessionRow).where(SessionRow.id == session_id))
            db.execute(delete(MessageRow).where(MessageRow.session_id == session_id))
            return bool(getattr(result, "rowcount", 0))

    def purge(self) -> int:
        """Erase idle sessions and transcripts older than the retention period; returns sessions erased."""
        cutoff = _now() - self.ttl
        with self._sessions.begin() as db:
            stale = list(db.scalars(select(SessionRow.id).where(SessionRow.last_active < cutoff)))
            if stale:
                db.execute(delete(MessageRow).where(MessageRow.session_id.in_(stale)))
                db.execute(delete(SessionRow).where(SessionRow.id.in_(stale)))
            if self.retention is not None:
                db.execute(delete(MessageRow).where(MessageRow.created_at < _now() - self.retention))
            return len(stale)

    def count(self) -> int:
        with self._sessions.begin() as db:
            return len(list(db.scalars(select(SessionRow.id))))


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    # WAL lets several worker processes read while one writes; foreign keys make cascades real.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _record(row: SessionRow) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        created_at=_aware(row.created_at),
        last_active=_aware(row.last_active),
        patient=json.loads(row.patient_json or "{}"),
        state=json.loads(row.state_json or "{}"),
        transcript=tuple(
            Turn(role=m.role, text=m.text, created_at=_aware(m.created_at), meta=json.loads(m.meta_json or "{}"))
            for m in row.messages
        ),
    )
