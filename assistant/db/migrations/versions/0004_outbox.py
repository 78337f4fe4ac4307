"""channel inbox and outbox, replacing channel_failed_deliveries

What failed for good now stays in the inbox (not answered) or the outbox (not delivered) with status
``failed``, where `assistant deliveries retry` can send it again; the old table's rows move there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 21:42:29.329728
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('channel_inbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('conversation', sa.Text(), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('reply_to_json', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_holder', sa.String(length=128), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('channel_inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_inbox_platform'), ['platform'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_inbox_status'), ['status'], unique=False)

    op.create_table('channel_outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('inbox_id', sa.Integer(), nullable=True),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('conversation', sa.Text(), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=True),
    sa.Column('reply_to_json', sa.Text(), nullable=False),
    sa.Column('outbound_json', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_holder', sa.String(length=128), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('inbox_id', 'part', name='uq_channel_outbox_inbox_part')
    )
    with op.batch_alter_table('channel_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_outbox_platform'), ['platform'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_outbox_status'), ['status'], unique=False)

    _move_failed_deliveries()
    with op.batch_alter_table('channel_failed_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_failed_deliveries_platform'))

    op.drop_table('channel_failed_deliveries')


def _move_failed_deliveries() -> None:
    bind = op.get_bind()
    old = sa.table('channel_failed_deliveries', sa.column('platform'), sa.column('conversation'), sa.column('stage'),
                   sa.column('error'), sa.column('payload_json'), sa.column('created_at'))
    inbox = sa.table('channel_inbox', *(sa.column(c) for c in (
        'platform', 'conversation', 'event_id', 'text', 'reply_to_json', 'status', 'attempts', 'error', 'created_at')))
    outbox = sa.table('channel_outbox', *(sa.column(c) for c in (
        'platform', 'conversation', 'event_id', 'reply_to_json', 'outbound_json', 'part', 'status', 'attempts',
        'error', 'created_at')))
    for row in bind.execute(sa.select(old)).mappings():
        payload = json.loads(row['payload_json'] or '{}')
        common = {'platform': row['platform'], 'conversation': row['conversation'], 'status': 'failed',
                  'attempts': 1, 'error': row['error'], 'created_at': row['created_at'],
                  'event_id': payload.get('event_id'), 'reply_to_json': json.dumps(payload.get('reply_to') or {})}
        if row['stage'] == 'answer':
            bind.execute(inbox.insert().values(**common, text=str(payload.get('text', ''))))
        else:
            bind.execute(outbox.insert().values(**common, part=0, outbound_json=json.dumps(payload.get('outbound'))))


def downgrade() -> None:
    op.create_table('channel_failed_deliveries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('conversation', sa.String(length=255), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('payload_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('channel_failed_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_failed_deliveries_platform'), ['platform'], unique=False)

    with op.batch_alter_table('channel_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_outbox_status'))
        batch_op.drop_index(batch_op.f('ix_channel_outbox_platform'))

    op.drop_table('channel_outbox')
    with op.batch_alter_table('channel_inbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_inbox_status'))
        batch_op.drop_index(batch_op.f('ix_channel_inbox_platform'))

    op.drop_table('channel_inbox')
