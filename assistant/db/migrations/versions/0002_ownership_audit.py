"""ownership and audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 21:32:25.579737
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('principal', sa.String(length=320), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('resource', sa.String(length=16), nullable=False),
    sa.Column('resource_id', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_principal'), ['principal'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_resource_id'), ['resource_id'], unique=False)

    with op.batch_alter_table('channel_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=320), server_default='legacy', nullable=False))
        batch_op.create_index(batch_op.f('ix_channel_links_owner'), ['owner'], unique=False)

    with op.batch_alter_table('chat_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=320), server_default='legacy', nullable=False))
        batch_op.create_index(batch_op.f('ix_chat_sessions_owner'), ['owner'], unique=False)

    with op.batch_alter_table('tutor_learners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=320), server_default='legacy', nullable=False))
        batch_op.add_column(sa.Column('client_id', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_tutor_learners_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tutor_learners_owner'), ['owner'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('tutor_learners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tutor_learners_owner'))
        batch_op.drop_index(batch_op.f('ix_tutor_learners_client_id'))
        batch_op.drop_column('client_id')
        batch_op.drop_column('owner')

    with op.batch_alter_table('chat_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_sessions_owner'))
        batch_op.drop_column('owner')

    with op.batch_alter_table('channel_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_links_owner'))
        batch_op.drop_column('owner')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_resource_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_principal'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
