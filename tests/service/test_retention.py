"""Transcript retention: what a purge erases, and that the running app purges on its own schedule."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from assistant.runtime import open_store
from assistant.sessions import MessageRow, SessionRow, SessionStore
from assistant.settings import Settings


def _store(tmp_path: Path, *, retention_days: int = 30) -> SessionStore:
    return open_store(Settings(data_dir=tmp_path, transcript_retention_days=retention_days))


def _session_with_turn(store: SessionStore, *, age: timedelta, active_age: timedelta | None = None) -> str:
    session_id = store.create().id
    store.save_turn(session_id, user_text="question", answer_text="answer", patient={"age_years": 40}, state={})
    then = datetime.now(UTC) - age
    with store.engine.begin() as db:
        db.execute(update(MessageRow).where(MessageRow.session_id == session_id).values(created_at=then))
        db.execute(update(SessionRow).where(SessionRow.id == session_id)
                   .values(last_active=datetime.now(UTC) - (active_age or timedelta(0))))
    return session_id


def test_purge_erases_transcripts_past_retention_and_keeps_recent_ones(tmp_path: Path) -> None:
    store = _store(tmp_path, retention_days=30)
    old = _session_with_turn(store, age=timedelta(days=31))
    recent = _session_with_turn(store, age=timedelta(days=29))
    store.purge()
    old_record, recent_record = store.get(old), store.get(recent)
    assert old_record is not None and old_record.transcript == ()
    assert old_record.patient == {"age_years": 40}  # an active session keeps its facts
    assert recent_record is not None and len(recent_record.transcript) == 2


def test_purge_erases_expired_sessions_whole(tmp_path: Path) -> None:
    store = _store(tmp_path)
    expired = _session_with_turn(store, age=timedelta(days=2), active_age=timedelta(days=2))
    assert store.purge() == 1
    assert store.count() == 0 and store.get(expired) is None


def test_zero_retention_days_keeps_no_transcript(tmp_path: Path) -> None:
    store = _store(tmp_path, retention_days=0)
    session_id = _session_with_turn(store, age=timedelta(seconds=1))
    store.purge()
    record = store.get(session_id)
    assert record is not None and record.transcript == ()


def _wait_for(condition: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_the_running_app_purges_on_its_interval(make_app: Any) -> None:
    app = make_app(load_knowledge=False, purge_interval_seconds=0.05)
    store: SessionStore = app.state.rrall.store
    with TestClient(app):
        first = _session_with_turn(store, age=timedelta(days=31))
        assert _wait_for(lambda: store.get(first).transcript == ())  # type: ignore[union-attr]
        second = _session_with_turn(store, age=timedelta(days=31))  # a later purge, not only the first
        assert _wait_for(lambda: store.get(second).transcript == ())  # type: ignore[union-attr]


def test_a_failing_purge_does_not_end_the_schedule(make_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(load_knowledge=False, purge_interval_seconds=0.02)
    store: SessionStore = app.state.rrall.store
    calls: list[int] = []

    def flaky() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database away")
        return 0

    monkeypatch.setattr(store, "purge", flaky)
    with TestClient(app):
        assert _wait_for(lambda: len(calls) >= 3)
