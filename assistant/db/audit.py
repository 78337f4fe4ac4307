"""The audit log: who read, changed or erased which session, learner or question, and when.

It names records by id and principals by their key id; it never holds message text or patient facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from assistant.db.migrate import ensure_schema
from assistant.db.tables import AuditRow

Action = Literal["create", "read", "continue", "update", "erase", "answer"]
Resource = Literal["session", "learner", "question"]
Outcome = Literal["ok", "denied"]


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    principal: str
    action: str
    resource: str
    resource_id: str
    outcome: str


def add_entry(db: Session, principal: str, action: Action, resource: Resource, resource_id: str,
              outcome: Outcome = "ok") -> None:
    """Write one entry in the caller's transaction (a chat turn and its entry commit together)."""
    db.add(AuditRow(principal=principal[:320], action=action, resource=resource, resource_id=resource_id[:64],
                    outcome=outcome))


class AuditLog:
    def __init__(self, engine: Engine) -> None:
        ensure_schema(engine)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def record(self, principal: str, action: Action, resource: Resource, resource_id: str,
               outcome: Outcome = "ok") -> None:
        with self._sessions.begin() as db:
            add_entry(db, principal, action, resource, resource_id, outcome)

    def entries(self, *, limit: int = 100, principal: str | None = None,
                resource_id: str | None = None) -> list[AuditEntry]:
        """The latest entries first."""
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if principal is not None:
            query = query.where(AuditRow.principal == principal)
        if resource_id is not None:
            query = query.where(AuditRow.resource_id == resource_id)
        with self._sessions.begin() as db:
            return [AuditEntry(at=r.at, principal=r.principal, action=r.action, resource=r.resource,
                               resource_id=r.resource_id, outcome=r.outcome) for r in db.scalars(query)]
