"""CDS Hooks feedback (accepted / overridden cards), kept in SQL on the session store's engine."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from .hooks import FeedbackItem


class Base(DeclarativeBase):
    pass


class FeedbackRow(Base):
    __tablename__ = "cds_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service: Mapped[str] = mapped_column(String(64), index=True)
    card: Mapped[str] = mapped_column(String(128), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    override_reason_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome_timestamp: Mapped[str] = mapped_column(String(64))
    principal: Mapped[str | None] = mapped_column(String(64), nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: datetime.now(UTC))


class FeedbackStore:
    def __init__(self, engine: Engine) -> None:
        Base.metadata.create_all(engine)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def add(self, service: str, items: list[FeedbackItem], *, principal: str | None) -> int:
        with self._sessions.begin() as db:
            for item in items:
                reason = json.dumps(item.overrideReason) if item.overrideReason is not None else None
                db.add(FeedbackRow(service=service, card=item.card, outcome=item.outcome,
                                   override_reason_json=reason, outcome_timestamp=item.outcomeTimestamp,
                                   principal=principal))
        return len(items)

    def for_card(self, card: str) -> list[FeedbackItem]:
        with self._sessions.begin() as db:
            rows = db.scalars(select(FeedbackRow).where(FeedbackRow.card == card).order_by(FeedbackRow.id))
            return [
                FeedbackItem(card=r.card, outcome=r.outcome,
                             overrideReason=json.loads(r.override_reason_json) if r.override_reason_json else None,
                             outcomeTimestamp=r.outcome_timestamp)
                for r in rows
            ]
