"""idempotency keys

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 21:39:54.616485
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chat_idempotency',
    sa.Column('owner', sa.String(length=320), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('session_id', sa.String(length=40), nullable=False),
    sa.Column('response_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('owner', 'key')
    )
    with op.batch_alter_table('chat_idempotency', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_idempotency_created_at'), ['created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('chat_idempotency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_idempotency_created_at'))

    op.drop_table('chat_idempotency')
