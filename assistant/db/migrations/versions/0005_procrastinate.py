"""procrastinate's job tables, on PostgreSQL only (the outbox's task engine there)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 21:55:00

SQLite needs nothing: its outbox workers run in the server processes. The schema is procrastinate's
own (``SchemaManager.get_schema``); its objects all start with ``procrastinate_``, which the schema
comparison in the tests leaves aside since they are not in our declarative base.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    # Straight to the driver, in this transaction: the schema's own '%' signs are not placeholders.
    cursor = bind.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(SchemaManager.get_schema())
    cursor.close()


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for (name,) in bind.execute(text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'procrastinate%'")):
        bind.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
    for (signature,) in bind.execute(text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%'")):
        bind.execute(text(f"DROP FUNCTION IF EXISTS {signature} CASCADE"))
    for (name,) in bind.execute(text("SELECT typname FROM pg_type WHERE typname LIKE 'procrastinate%' "
                                     "AND typtype IN ('e', 'c', 'd')")):
        bind.execute(text(f'DROP TYPE IF EXISTS "{name}" CASCADE'))
