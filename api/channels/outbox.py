"""The channels' inbox and outbox in SQL: what was accepted, what must still be sent, what failed.

A message a webhook accepts is written, with its seen-id, before the platform gets its 200 (``accept``).
A worker claims it with a lease, answers it, and writes the turn, the reply messages and the inbox row's
end in one transaction (``answered``). Another claim sends each reply message and marks it sent. A worker
that dies holds its lease until the lease runs out, or, on the same machine, until a live worker sees
that its process is gone; then another worker takes the row. A turn is never stored twice: ``answered``
succeeds only for the lease holder, inside the turn's own transaction.

A reply the platform took must not be sent again, yet marking it sent in the database may have to wait
for the write lock. So the moment a send succeeds, the sending thread first writes the row's id to a
small file of its own (microseconds, no lock), then marks the row, then empties the file. A worker that
reclaims a dead process's rows reads that process's files and marks what they name as sent. What is left
is the time between the platform taking the message and its answer reaching us.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

from sqlalchemy import ColumnElement, exists, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from api.channels.base import Inbound, Outbound
from api.channels.links import channel_key
from assistant.db.migrate import ensure_schema
from assistant.db.tables import InboxRow, OutboxRow, SeenRow
from assistant.db.tables import now as _now

Kind = Literal["answer", "deliver"]
_Row = TypeVar("_Row", InboxRow, OutboxRow)
_HOST = socket.gethostname()


def holder() -> str:
    """This thread's name on a lease: host, process and thread."""
    return f"{_HOST}:{os.getpid()}:{threading.get_ident()}"


class LeaseLost(RuntimeError):
    """Another worker took the row (this one was too slow): its transaction is rolled back."""


@dataclass(frozen=True)
class InboxItem:
    id: int
    platform: str
    message: Inbound
    attempts: int


@dataclass(frozen=True)
class OutboxItem:
    id: int
    platform: str
    message: Inbound
    outbound: Outbound
    attempts: int


@dataclass(frozen=True)
class FailedDelivery:
    """What failed for good: a message not answered ("answer") or a reply not delivered ("deliver")."""

    id: int
    platform: str
    conversation: str
    stage: Kind
    error: str
    payload: dict[str, Any]
    created_at: datetime


def _inbound(row: InboxRow | OutboxRow, text: str = "") -> Inbound:
    return Inbound(conversation=row.conversation, text=text, event_id=row.event_id,
                   reply_to=json.loads(row.reply_to_json or "{}"))


class Outbox:
    def __init__(self, engine: Engine, *, lease: timedelta, journal: Path | None = None) -> None:
        ensure_schema(engine)
        self.engine = engine
        self.lease = lease
        self.journal = journal
        if journal is not None:
            journal.mkdir(parents=True, exist_ok=True)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    # -- accepting ------------------------------------------------------------------------------
    def accept(self, platform: str, message: Inbound) -> int | None:
        """Keep a new message (returns its inbox id), or None when its id was seen before."""
        try:
            with self._sessions.begin() as db:
                if message.event_id is not None:
                    db.add(SeenRow(platform=platform, event_id=channel_key(message.event_id)))
                    db.flush()
                row = InboxRow(platform=platform, conversation=message.conversation, event_id=message.event_id,
                               text=message.text, reply_to_json=json.dumps(message.reply_to, default=str))
                db.add(row)
                db.flush()
                return row.id
        except IntegrityError:
            return None

    def keep_unanswered(self, platform: str, message: Inbound, error: str) -> None:
        """A message answered in the webhook's response whose answer failed: kept, for `deliveries retry`."""
        with self._sessions.begin() as db:
            db.add(InboxRow(platform=platform, conversation=message.conversation, event_id=message.event_id,
                            text=message.text, reply_to_json=json.dumps(message.reply_to, default=str),
                            status="failed", attempts=1, error=error[:2000], finished_at=_now()))

    # -- claiming -------------------------------------------------------------------------------
    def claim_inbox(self, platforms: list[str]) -> InboxItem | None:
        row = self._claim(InboxRow, platforms)
        return None if row is None else InboxItem(id=row.id, platform=row.platform, attempts=row.attempts,
                                                  message=_inbound(row, row.text))

    def claim_outbox(self, platforms: list[str]) -> OutboxItem | None:
        row = self._claim(OutboxRow, platforms)
        return None if row is None else OutboxItem(id=row.id, platform=row.platform, attempts=row.attempts,
                                                   message=_inbound(row), outbound=json.loads(row.outbound_json))

    def _claim(self, table: type[_Row], platforms: list[str]) -> _Row | None:
        now, me = _now(), holder()
        free: tuple[ColumnElement[bool], ...] = (
            table.status == "pending", table.platform.in_(platforms),
            or_(table.lease_until.is_(None), table.lease_until < now))
        if table is OutboxRow:  # the parts of one reply go out in order: not before an earlier one is sent
            earlier = aliased(OutboxRow)
            free += (~exists().where(earlier.inbox_id == OutboxRow.inbox_id, earlier.part < OutboxRow.part,
                                     earlier.status == "pending"),)
        with self._sessions.begin() as db:
            for row_id in db.scalars(select(table.id).where(*free).order_by(table.id).limit(8)).all():
                claimed = db.execute(update(table).where(table.id == row_id, *free).values(
                    lease_holder=me, lease_until=now + self.lease, attempts=table.attempts + 1))
                if getattr(claimed, "rowcount", 0) == 1:
                    return db.get(table, row_id)
        return None

    def release(self, kind: Kind, row_id: int) -> None:
        """Give a claimed row back at once (the index is not loaded yet, or a write conflicted)."""
        table = InboxRow if kind == "answer" else OutboxRow
        with self._sessions.begin() as db:
            db.execute(update(table).where(table.id == row_id, table.lease_holder == holder())
                       .values(lease_holder=None, lease_until=None))

    def reclaim_dead(self) -> int:
        """Free the leases of workers on this machine whose process has died (kill -9, a crash)."""
        with self._sessions.begin() as db:
            holders = set(db.scalars(select(InboxRow.lease_holder).where(InboxRow.status == "pending",
                                                                         InboxRow.lease_holder.is_not(None))))
            holders |= set(db.scalars(select(OutboxRow.lease_holder).where(OutboxRow.status == "pending",
                                                                           OutboxRow.lease_holder.is_not(None))))
            dead = [h for h in holders if h and _dead_here(h)]
            delivered = [row_id for h in dead for row_id in self._journaled(h)]
            if delivered:  # the dead worker sent these and died before it could say so
                db.execute(update(OutboxRow).where(OutboxRow.id.in_(delivered), OutboxRow.status == "pending")
                           .values(status="sent", sent_at=_now(), lease_holder=None, lease_until=None))
            for table in (InboxRow, OutboxRow):
                db.execute(update(table).where(table.status == "pending", table.lease_holder.in_(dead))
                           .values(lease_holder=None, lease_until=None))
            return len(dead)

    # -- finishing ------------------------------------------------------------------------------
    def answered(self, db: Session, item: InboxItem, outbounds: list[Outbound], *,
                 error: str | None = None) -> list[int]:
        """In the turn's transaction: end the inbox row and queue its replies. Raises LeaseLost (rolling
        the turn back) when this worker no longer holds the row."""
        ended = db.execute(update(InboxRow).where(InboxRow.id == item.id, InboxRow.status == "pending",
                                                  InboxRow.lease_holder == holder()).values(
            status="failed" if error else "done", text=item.message.text if error else "", error=error,
            lease_holder=None, lease_until=None, finished_at=_now()))
        if getattr(ended, "rowcount", 0) != 1:
            raise LeaseLost(f"inbox {item.id}")
        rows = [OutboxRow(inbox_id=item.id, part=part, platform=item.platform, conversation=item.message.conversation,
                          event_id=item.message.event_id, reply_to_json=json.dumps(item.message.reply_to, default=str),
                          outbound_json=json.dumps(outbound, default=str))
                for part, outbound in enumerate(outbounds)]
        db.add_all(rows)
        db.flush()
        return [r.id for r in rows]

    def sent(self, row_id: int) -> None:
        path = self._journal_path(holder())
        if path is not None:
            path.write_text(str(row_id))  # first, before any lock: see the module's docstring
        self._end(row_id, status="sent", sent_at=_now(), outbound_json="{}")  # the reply's text is not kept
        if path is not None:
            path.write_text("")

    def _journal_path(self, lease_holder: str) -> Path | None:
        return None if self.journal is None else self.journal / lease_holder.replace(":", "-").replace("/", "_")

    def _journaled(self, lease_holder: str) -> list[int]:
        path = self._journal_path(lease_holder)
        if path is None or not path.exists():
            return []
        text = path.read_text().strip()
        path.unlink(missing_ok=True)
        return [int(text)] if text.isdigit() else []

    def failed(self, row_id: int, error: str) -> None:
        """Mark a reply message failed for good, and the parts of the same reply after it with it: sent
        alone they would arrive without it (a reply's details without its bottom line). ``assistant
        deliveries retry`` sends them again, in order."""
        with self._sessions.begin() as db:
            row = db.get(OutboxRow, row_id)
            db.execute(update(OutboxRow).where(OutboxRow.id == row_id)
                       .values(lease_holder=None, lease_until=None, status="failed", error=error[:2000]))
            if row is not None and row.inbox_id is not None:
                db.execute(update(OutboxRow).where(
                    OutboxRow.inbox_id == row.inbox_id, OutboxRow.part > row.part, OutboxRow.status == "pending",
                    OutboxRow.lease_holder.is_(None),
                ).values(status="failed", error="an earlier part of this reply was not delivered"))

    def _end(self, row_id: int, **values: Any) -> None:
        with self._sessions.begin() as db:
            db.execute(update(OutboxRow).where(OutboxRow.id == row_id)
                       .values(lease_holder=None, lease_until=None, **values))

    # -- operating ------------------------------------------------------------------------------
    def pending(self, platforms: list[str]) -> int:
        """Messages not yet answered plus replies not yet sent (failed ones are not counted)."""
        with self._sessions.begin() as db:
            return sum(int(db.scalar(select(func.count()).select_from(t).where(
                t.status == "pending", t.platform.in_(platforms))) or 0) for t in (InboxRow, OutboxRow))

    def failures(self, platform: str | None = None) -> list[FailedDelivery]:
        with self._sessions.begin() as db:
            found = [FailedDelivery(id=r.id, platform=r.platform, conversation=r.conversation, stage="answer",
                                    error=r.error or "", created_at=r.created_at,
                                    payload={"text": r.text, "reply_to": json.loads(r.reply_to_json or "{}"),
                                             "event_id": r.event_id})
                     for r in db.scalars(select(InboxRow).where(InboxRow.status == "failed"))]
            found += [FailedDelivery(id=r.id, platform=r.platform, conversation=r.conversation, stage="deliver",
                                     error=r.error or "", created_at=r.created_at,
                                     payload={"outbound": json.loads(r.outbound_json),
                                              "reply_to": json.loads(r.reply_to_json or "{}"), "event_id": r.event_id})
                      for r in db.scalars(select(OutboxRow).where(OutboxRow.status == "failed"))]
        return sorted((f for f in found if platform in (None, f.platform)), key=lambda f: f.created_at)

    def retry(self, stage: Kind, ids: list[int] | None = None) -> int:
        """Put failed rows back in the queue (all of a stage when ``ids`` is None); returns how many."""
        table = InboxRow if stage == "answer" else OutboxRow
        query = update(table).where(table.status == "failed")
        if ids is not None:
            query = query.where(table.id.in_(ids))
        with self._sessions.begin() as db:
            return int(getattr(db.execute(query.values(status="pending", attempts=0, error=None,
                                                       lease_holder=None, lease_until=None)), "rowcount", 0) or 0)


def _dead_here(lease_holder: str) -> bool:
    host, _, rest = lease_holder.partition(":")
    pid = rest.partition(":")[0]
    if host != _HOST or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False
