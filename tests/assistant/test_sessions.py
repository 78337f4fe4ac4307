"""Sessions persist in SQL, survive a restart, expire when idle and can be erased."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from assistant.sessions import SessionStore


def _store(tmp_path: Path, ttl: timedelta = timedelta(hours=1)) -> SessionStore:
    return SessionStore(f"sqlite:///{tmp_path / 's.sqlite3'}", ttl=ttl)


def test_a_turn_is_kept_with_the_patient_facts(tmp_path: Path) -> None:
    store = _store(tmp_path)
    session = store.create()
    store.save_turn(session.id, user_text="62, first relapse", answer_text="noted", patient={"age_years": 62},
                    state={})
    record = store.get(session.id)
    assert record is not None
    assert record.patient == {"age_years": 62}
    assert [(t.role, t.text) for t in record.transcript] == [("user", "62, first relapse"), ("assistant", "noted")]


def test_a_restart_loses_nothing(tmp_path: Path) -> None:
    session = _store(tmp_path).create()
    _store(tmp_path).save_turn(session.id, user_text="a", answer_text="b", patient={"cd19": "dim"}, state={})
    reopened = _store(tmp_path).get(session.id)
    assert reopened is not None and reopened.patient == {"cd19": "dim"}


def test_idle_sessions_expire(tmp_path: Path) -> None:
    store = _store(tmp_path, ttl=timedelta(seconds=-1))
    session = store.create()
    assert store.get(session.id) is None


def test_delete_erases_session_and_transcript(tmp_path: Path) -> None:
    store = _store(tmp_path)
    session = store.create()
    store.save_turn(session.id, user_text="a", answer_text="b", patient={}, state={})
    assert store.delete(session.id) is True
    assert store.get(session.id) is None
    assert store.delete(session.id) is False


def test_purge_removes_only_idle_sessions(tmp_path: Path) -> None:
    store = _store(tmp_path)
    kept = store.create()
    store.ttl = timedelta(seconds=-1)
    assert store.purge() == 1
    store.ttl = timedelta(hours=1)
    assert store.get(kept.id) is None
    assert store.count() == 0


def test_update_patient_replaces_the_facts_and_keeps_the_transcript(tmp_path: Path) -> None:
    store = _store(tmp_path)
    session = store.create()
    store.save_turn(session.id, user_text="CD22 60%", answer_text="noted", patient={"cd22_positive_pct": 60},
                    state={"quiz": "q1"})
    updated = store.update_patient(session.id, {"cd22_positive_pct": 95})
    assert updated is not None and updated.patient == {"cd22_positive_pct": 95}
    record = store.get(session.id)
    assert record is not None
    assert record.patient == {"cd22_positive_pct": 95}
    assert record.state == {"quiz": "q1"}
    assert [t.text for t in record.transcript] == ["CD22 60%", "noted"]


def test_update_patient_of_an_unknown_or_expired_session_is_none(tmp_path: Path) -> None:
    assert _store(tmp_path).update_patient("s_missing", {"age_years": 30}) is None
    expired = _store(tmp_path, ttl=timedelta(seconds=-1))
    assert expired.update_patient(expired.create().id, {"age_years": 30}) is None
