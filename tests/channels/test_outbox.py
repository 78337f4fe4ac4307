"""The outbox's leases: one claim per row, a dead process's rows taken over at once on its machine, and a
reply its sender noted as sent before dying is not sent again."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from api.channels.base import Inbound
from api.channels.outbox import Outbox, holder
from assistant.db.engine import make_engine
from assistant.db.tables import InboxRow, OutboxRow
from assistant.sessions import SessionStore


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    return Outbox(make_engine(f"sqlite:///{tmp_path / 'o.sqlite3'}"), lease=timedelta(seconds=60),
                  journal=tmp_path / "journal")


def _dead_pid() -> int:
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return done.pid


def _queue_reply(outbox: Outbox, conversation: str) -> int:
    inbox_id = outbox.accept("telegram", Inbound(conversation=conversation, text="What is CRS?", event_id=conversation))
    assert inbox_id is not None
    item = outbox.claim_inbox(["telegram"])
    assert item is not None
    with outbox._sessions.begin() as db:
        [row_id] = outbox.answered(db, item, [{"text": "CRS is ..."}])
    return row_id


def _held_by(outbox: Outbox, row_id: int, lease_holder: str) -> None:
    with outbox._sessions.begin() as db:
        db.execute(update(OutboxRow).where(OutboxRow.id == row_id).values(
            lease_holder=lease_holder, lease_until=datetime.now(UTC) + timedelta(hours=1), attempts=1))


def test_a_message_is_accepted_once_and_claimed_once(outbox: Outbox) -> None:
    message = Inbound(conversation="c1", text="hello", event_id="u-1")
    assert outbox.accept("telegram", message) is not None
    assert outbox.accept("telegram", message) is None  # the platform's resend
    assert outbox.claim_inbox(["telegram"]) is not None
    assert outbox.claim_inbox(["telegram"]) is None  # leased


def test_a_dead_workers_reply_is_taken_over_at_once(outbox: Outbox) -> None:
    row_id = _queue_reply(outbox, "c2")
    _held_by(outbox, row_id, f"{socket.gethostname()}:{_dead_pid()}:1")
    assert outbox.claim_outbox(["telegram"]) is None
    outbox.reclaim_dead()
    claimed = outbox.claim_outbox(["telegram"])
    assert claimed is not None and claimed.id == row_id


def test_a_reply_the_dead_worker_noted_as_sent_is_not_sent_again(outbox: Outbox) -> None:
    row_id = _queue_reply(outbox, "c3")
    dead = f"{socket.gethostname()}:{_dead_pid()}:7"
    _held_by(outbox, row_id, dead)
    assert outbox.journal is not None
    (outbox.journal / dead.replace(":", "-")).write_text(str(row_id))  # it sent, then died before marking
    outbox.reclaim_dead()
    assert outbox.claim_outbox(["telegram"]) is None and outbox.pending(["telegram"]) == 0


def test_a_live_workers_lease_is_left_alone(outbox: Outbox) -> None:
    row_id = _queue_reply(outbox, "c4")
    _held_by(outbox, row_id, holder())
    outbox.reclaim_dead()
    assert outbox.claim_outbox(["telegram"]) is None
    assert outbox.pending(["telegram"]) == 1


def test_a_sent_reply_keeps_no_text_and_finished_rows_go_with_the_purge(tmp_path: Path) -> None:
    store = SessionStore(f"sqlite:///{tmp_path / 's.sqlite3'}", ttl=timedelta(hours=1))
    outbox = Outbox(store.engine, lease=timedelta(seconds=60))
    row_id = _queue_reply(outbox, "c5")
    assert outbox.claim_outbox(["telegram"]) is not None
    outbox.sent(row_id)
    with outbox._sessions.begin() as db:
        row = db.get(OutboxRow, row_id)
        assert row is not None and row.outbound_json == "{}"
        db.execute(update(OutboxRow).values(created_at=datetime.now(UTC) - timedelta(days=2)))
        db.execute(update(InboxRow).values(created_at=datetime.now(UTC) - timedelta(days=2)))
    store.purge()
    with outbox._sessions.begin() as db:
        assert db.scalar(select(func.count()).select_from(OutboxRow)) == 0
        assert db.scalar(select(func.count()).select_from(InboxRow)) == 0
