"""Alembic, driven from code: upgrade a database, tell how far behind it is, refuse to run behind.

SQLite (the embedded default) upgrades itself when the store opens it. Any other database is
upgraded only by the operator (``assistant db upgrade``): replicas of one PostgreSQL must not race
to change a shared schema while the old version still serves, so ``serve`` refuses to start on one
that is behind.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

from assistant.db.engine import is_sqlite

MIGRATIONS = Path(__file__).with_name("migrations")
# The revision whose tables the service created with create_all before it had migrations.
BASELINE = "0001"
_checked: set[str] = set()
_checked_lock = threading.Lock()


class SchemaBehind(RuntimeError):
    """The database is at an older revision than this code needs."""


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def status(engine: Engine) -> SchemaStatus:
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        if current is None and _has_legacy_tables(connection):
            current = f"{BASELINE} (unstamped)"
    return SchemaStatus(current=current, head=head())


def upgrade(engine: Engine, revision: str = "head") -> SchemaStatus:
    """Migrate to ``revision`` in one transaction (on SQLite, under its write lock)."""
    with engine.begin() as connection:
        config = _config(connection)
        if MigrationContext.configure(connection).get_current_revision() is None and _has_legacy_tables(connection):
            command.stamp(config, BASELINE)  # tables from create_all: they are the initial revision
        command.upgrade(config, revision)
    _forget(engine)
    return status(engine)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(_config(connection), revision)
    _forget(engine)


def ensure_schema(engine: Engine) -> None:
    """SQLite: upgrade in place. Other databases: raise SchemaBehind unless at the head revision."""
    key = engine.url.render_as_string(hide_password=False)
    with _checked_lock:
        if key in _checked:
            return
    if is_sqlite(engine.url.drivername):
        found = status(engine)
        if not found.up_to_date:
            found = upgrade(engine)
    else:
        found = status(engine)
    if not found.up_to_date:
        raise SchemaBehind(
            f"the database is at revision {found.current or 'none (empty)'}, this version needs {found.head}: "
            "run `assistant db upgrade` first"
        )
    with _checked_lock:
        _checked.add(key)


def _forget(engine: Engine) -> None:
    with _checked_lock:
        _checked.discard(engine.url.render_as_string(hide_password=False))


def _has_legacy_tables(connection: Connection) -> bool:
    return inspect(connection).has_table("chat_sessions")
