"""Fixtures for the tutor tests: a tutor on its own SQLite file, and an engine for the chat hook."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from assistant.sessions import SessionStore
from assistant.tutor.service import Tutor


@pytest.fixture()
def session_store(tmp_path: Path) -> SessionStore:
    return SessionStore(f"sqlite:///{tmp_path / 'sessions.sqlite3'}", ttl=timedelta(hours=1))


@pytest.fixture()
def tutor(session_store: SessionStore) -> Tutor:
    return Tutor(session_store.engine)
