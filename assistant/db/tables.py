"""Every table the service keeps, on one declarative base: sessions, tutor, channels.

The schema itself is owned by the Alembic migrations next to this module (``migrations/versions``);
``tests/service/test_migrations.py`` checks that migrating an empty database yields exactly these
tables, so the two cannot drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


def now() -> datetime:
    return datetime.now(UTC)


# Who created a record: "api_key:<8 hex>", "widget_key:<8 hex>@<origin>", "local" (open mode, the CLI)
# or "platform:<name>:<conversation>". Rows from before ownership existed carry "legacy".
OWNER_LENGTH = 320


def owner_column() -> Mapped[str]:
    return mapped_column(String(OWNER_LENGTH), default="local", server_default="legacy", index=True)


# -- chat sessions -------------------------------------------------------------------------------
class SessionRow(Base):
    __tablename__ = "chat_sessions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = owner_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    last_active: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    meta_json: Mapped[str] = mapped_column(Text, default="{}")
    session: Mapped[SessionRow] = relationship(back_populates="messages")


class IdempotencyRow(Base):
    """A POST /v1/chat sent with an Idempotency-Key: written in the same transaction as its turn, so a
    retry after a lost response finds the stored reply instead of storing the turn twice."""

    __tablename__ = "chat_idempotency"

    owner: Mapped[str] = mapped_column(String(OWNER_LENGTH), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str] = mapped_column(String(40))
    response_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)


# -- trainee tutor -------------------------------------------------------------------------------
class LearnerRow(Base):
    """``id`` is derived from the owner and the client's own id (assistant.tutor.store.learner_key), so
    two principals choosing the same learner id get two learners, and neither can reach the other's."""

    __tablename__ = "tutor_learners"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = owner_column()
    client_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    asked: Mapped[int] = mapped_column(Integer, default=0)


class TopicRow(Base):
    __tablename__ = "tutor_topics"

    learner_id: Mapped[str] = mapped_column(ForeignKey("tutor_learners.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(16), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    box: Mapped[int] = mapped_column(Integer, default=1)
    last_seen: Mapped[int | None] = mapped_column(Integer, nullable=True)


class QuestionRow(Base):
    __tablename__ = "tutor_questions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("tutor_learners.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    seed: Mapped[int] = mapped_column(Integer)
    tick: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    correct: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    chosen: Mapped[str | None] = mapped_column(String(4), nullable=True)


# -- messaging channels --------------------------------------------------------------------------
class LinkRow(Base):
    """A platform conversation -> its assistant session, the last quiz card shown, and the held parts
    of the last paged reply (what MORE and SOURCES send)."""

    __tablename__ = "channel_links"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation: Mapped[str] = mapped_column(String(255), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(40))
    owner: Mapped[str] = owner_column()
    quiz_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    held_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class SeenRow(Base):
    """Event and message ids already taken, so a retried webhook is answered once."""

    __tablename__ = "channel_seen"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)


class InboxRow(Base):
    """A platform message accepted by a webhook, kept until it is answered: written with its seen-id in
    the webhook's own transaction, before the platform is told 200, so a worker that dies cannot lose it."""

    __tablename__ = "channel_inbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32), index=True)
    conversation: Mapped[str] = mapped_column(Text)
    event_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    text: Mapped[str] = mapped_column(Text)  # emptied once answered; kept while it may be answered again
    reply_to_json: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending, done, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_holder: Mapped[str | None] = mapped_column(String(128), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class OutboxRow(Base):
    """One reply message to send, written in the same transaction as the turn that produced it, and
    marked sent once the platform took it: a worker killed in between leaves it pending for the next."""

    __tablename__ = "channel_outbox"
    __table_args__ = (UniqueConstraint("inbox_id", "part", name="uq_channel_outbox_inbox_part"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    inbox_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    part: Mapped[int] = mapped_column(Integer, default=0)
    platform: Mapped[str] = mapped_column(String(32), index=True)
    conversation: Mapped[str] = mapped_column(Text)
    event_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    reply_to_json: Mapped[str] = mapped_column(Text, default="{}")
    outbound_json: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_holder: Mapped[str | None] = mapped_column(String(128), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


# -- audit ---------------------------------------------------------------------------------------
class AuditRow(Base):
    """Who read, changed or erased what; never message text or patient facts."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    principal: Mapped[str] = mapped_column(String(OWNER_LENGTH), index=True)
    action: Mapped[str] = mapped_column(String(16))  # create, read, continue, update, erase, answer
    resource: Mapped[str] = mapped_column(String(16))  # session, learner, question
    resource_id: Mapped[str] = mapped_column(String(64), index=True)
    # "ok", or "denied": the record exists but belongs to another principal (answered 404)
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
