"""Fixtures of the service tests: one real index built once, and apps over it with their own store."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.settings import Settings
from tests.channels.fake_platform import FakePlatform
from tests.service.servers import migrated_database, postgres_bindir, postgres_server, redis_server

KEY = "test-api-key-0123456789"
WIDGET_KEY = "pk_widget_public_key"
ORIGIN = "https://intranet.example.org"


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[str]:
    """One throwaway PostgreSQL server for the whole run; tests take fresh databases on it."""
    if postgres_bindir() is None:
        pytest.skip("PostgreSQL server binaries not installed (.ci/run installs the Debian package)")
    with postgres_server() as url:
        yield url


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    """The messaging platforms' APIs on loopback, recording every call (tests/channels/fake_platform.py)."""
    platform = FakePlatform().start()
    yield platform
    platform.stop()


@pytest.fixture(scope="session")
def postgres(postgres_cluster: str) -> str:
    """A database on the session's PostgreSQL server, migrated as `assistant db upgrade` leaves it."""
    return migrated_database(postgres_cluster)


@pytest.fixture(scope="session")
def redis() -> Iterator[str]:
    """A throwaway Redis server for the session (tests/service/servers.py)."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed (.ci/run installs the Debian package)")
    with redis_server() as url:
        yield url


def service_settings(data_dir: Path, db_dir: Path, **overrides: Any) -> Settings:
    """Settings over the shared index with a session store of the test's own."""
    overrides.setdefault("database_url", f"sqlite:///{db_dir / 'sessions.sqlite3'}")
    # The shared index's data dir would otherwise hold one set of rate-limit counts for every test.
    overrides.setdefault("rate_limit_storage", f"sqlite:///{db_dir / 'ratelimits.sqlite3'}")
    return Settings(data_dir=data_dir, **overrides)


def wait_ready(client: TestClient, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while client.get("/readyz").status_code != 200:
        if time.monotonic() > deadline:
            raise TimeoutError("index did not load")
        time.sleep(0.02)


@pytest.fixture
def make_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """make_app(**settings) -> an app over the shared index with this test's own session store."""

    def build(*, load_knowledge: bool = True, **overrides: Any) -> FastAPI:
        # The index is built (once) only for apps that load it.
        data_dir = request.getfixturevalue("indexed_data_dir") if load_knowledge else tmp_path
        return create_app(service_settings(data_dir, tmp_path, **overrides), load_knowledge=load_knowledge)

    yield build
