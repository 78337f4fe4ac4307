"""Alembic environment: migrations run on the connection ``assistant.db.migrate`` hands in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from assistant.db.tables import Base


def ours(name: str | None, kind: str, _: object) -> bool:
    """procrastinate's tables (PostgreSQL) are its own: created by a migration, not in our base."""
    return not (kind == "table" and (name or "").startswith("procrastinate"))


connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - offline SQL generation is not offered
    raise RuntimeError("run migrations through `assistant db upgrade`")
if connection.dialect.name == "postgresql":
    # Two replicas upgrading at once: the second waits, then finds nothing left to do.
    connection.execute(text("SELECT pg_advisory_xact_lock(724311)"))
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True, include_name=ours)
with context.begin_transaction():
    context.run_migrations()
