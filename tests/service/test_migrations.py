"""The schema belongs to the Alembic migrations: they build every table from empty, on SQLite and on
a real PostgreSQL, match the declarative tables exactly, go down again, and adopt a database made by
create_all before there were migrations. `serve` refuses a PostgreSQL database that is behind."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from assistant.db.engine import make_engine
from assistant.db.migrate import BASELINE, SchemaBehind, downgrade, ensure_schema, head, status, upgrade
from assistant.db.tables import Base
from assistant.sessions import SessionStore
from tests.service.servers import fresh_database

_TABLES = set(Base.metadata.tables)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    else:
        url = fresh_database(request.getfixturevalue("postgres_cluster"))
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": _ours})
        return list(compare_metadata(context, Base.metadata))


def _ours(name: str | None, kind: str, _: object) -> bool:
    return not (kind == "table" and (name or "").startswith("procrastinate"))


def test_migrations_build_every_table_from_empty(empty: Engine) -> None:
    assert status(empty).current is None
    found = upgrade(empty)
    assert found.up_to_date and found.current == head()
    assert set(inspect(empty).get_table_names()) >= _TABLES
    assert _differences(empty) == []


def test_migrations_go_down_to_empty_and_up_again(empty: Engine) -> None:
    upgrade(empty)
    downgrade(empty, "base")
    assert set(inspect(empty).get_table_names()) <= {"alembic_version"}
    upgrade(empty)
    assert _differences(empty) == []


def test_upgrading_twice_changes_nothing(empty: Engine) -> None:
    upgrade(empty)
    assert upgrade(empty).current == head()


def test_a_database_from_before_migrations_is_adopted(empty: Engine) -> None:
    upgrade(empty, BASELINE)
    with empty.begin() as connection:  # what create_all left: the tables, no alembic_version
        connection.exec_driver_sql("DROP TABLE alembic_version")
    assert status(empty).current == f"{BASELINE} (unstamped)"
    assert upgrade(empty).up_to_date
    assert _differences(empty) == []


def test_sqlite_upgrades_itself_when_the_store_opens_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine, BASELINE)
    store = SessionStore(url, ttl=timedelta(hours=1))
    assert status(store.engine).up_to_date
    assert store.get(store.create().id) is not None


@pytest.mark.parametrize("start", ["empty", "baseline"])
def test_postgresql_behind_is_refused_until_upgraded(postgres_cluster: str, start: str) -> None:
    engine = make_engine(fresh_database(postgres_cluster))
    if start == "baseline" and head() != BASELINE:
        upgrade(engine, BASELINE)
    with pytest.raises(SchemaBehind, match="assistant db upgrade"):
        ensure_schema(engine)
    upgrade(engine)
    ensure_schema(engine)


def _assistant(*args: str, url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RRALL_DATABASE_URL": url, "RRALL_DATA_DIR": str(tmp_path)}
    return subprocess.run([sys.executable, "-c", "from assistant.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_serve_refuses_a_postgresql_database_behind_and_db_upgrade_fixes_it(postgres_cluster: str,
                                                                            tmp_path: Path) -> None:
    url = fresh_database(postgres_cluster)
    refused = _assistant("serve", "--port", "1", url=url, tmp_path=tmp_path)
    assert refused.returncode == 1 and "assistant db upgrade" in refused.stderr
    assert _assistant("db", "status", url=url, tmp_path=tmp_path).returncode == 1
    upgraded = _assistant("db", "upgrade", "--json", url=url, tmp_path=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert '"up_to_date": true' in upgraded.stdout
    assert _assistant("db", "status", url=url, tmp_path=tmp_path).returncode == 0
