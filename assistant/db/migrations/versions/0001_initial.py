"""initial: sessions, tutor and channel tables

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-06 21:28:27.198888
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
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

    op.create_table('channel_links',
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('conversation', sa.String(length=255), nullable=False),
    sa.Column('session_id', sa.String(length=40), nullable=False),
    sa.Column('quiz_json', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'conversation')
    )
    op.create_table('channel_seen',
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'event_id')
    )
    with op.batch_alter_table('channel_seen', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_seen_seen_at'), ['seen_at'], unique=False)

    op.create_table('chat_sessions',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_active', sa.DateTime(timezone=True), nullable=False),
    sa.Column('patient_json', sa.Text(), nullable=False),
    sa.Column('state_json', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('chat_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_sessions_last_active'), ['last_active'], unique=False)

    op.create_table('tutor_learners',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('asked', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('chat_messages',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('meta_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['chat_sessions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_messages_session_id'), ['session_id'], unique=False)

    op.create_table('tutor_questions',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('learner_id', sa.String(length=64), nullable=False),
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('tick', sa.Integer(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('correct', sa.Boolean(), nullable=True),
    sa.Column('chosen', sa.String(length=4), nullable=True),
    sa.ForeignKeyConstraint(['learner_id'], ['tutor_learners.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('tutor_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tutor_questions_learner_id'), ['learner_id'], unique=False)

    op.create_table('tutor_topics',
    sa.Column('learner_id', sa.String(length=64), nullable=False),
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.Column('box', sa.Integer(), nullable=False),
    sa.Column('last_seen', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['learner_id'], ['tutor_learners.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('learner_id', 'topic')
    )


def downgrade() -> None:
    op.drop_table('tutor_topics')
    with op.batch_alter_table('tutor_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tutor_questions_learner_id'))

    op.drop_table('tutor_questions')
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_messages_session_id'))

    op.drop_table('chat_messages')
    op.drop_table('tutor_learners')
    with op.batch_alter_table('chat_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_sessions_last_active'))

    op.drop_table('chat_sessions')
    with op.batch_alter_table('channel_seen', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_seen_seen_at'))

    op.drop_table('channel_seen')
    op.drop_table('channel_links')
    with op.batch_alter_table('channel_failed_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_failed_deliveries_platform'))

    op.drop_table('channel_failed_deliveries')
