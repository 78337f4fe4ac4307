"""SQLAlchemy engines for the session database: SQLite (the default) tuned for several processes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, begin: str = "BEGIN IMMEDIATE") -> Engine:
    """An engine for ``url``; on SQLite every transaction starts with ``begin`` (see _sqlite_pragmas)."""
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_pre_ping=True)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", lambda connection: connection.exec_driver_sql(begin))
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    # WAL lets several worker processes read while one writes; foreign keys make cascades real.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # Transactions are begun by the engine's "begin" listener, not by the sqlite3 module. Writes
    # take the lock at BEGIN IMMEDIATE: a deferred transaction that reads and then writes fails at
    # once with "database is locked" when another process wrote in between (a WAL snapshot cannot
    # be upgraded), whereas waiting at BEGIN (busy timeout 30 s) lets two workers append turns to
    # one session in turn. PostgreSQL gets the same order from SELECT ... FOR UPDATE.
    # The same holds for migrations: two workers upgrading at once run one after the other.
    dbapi_connection.isolation_level = None
