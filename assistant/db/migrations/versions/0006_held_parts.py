"""channel_links.held_json: the parts of a paged text reply not yet sent (MORE, SOURCES)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 11:00:00

A text-message reply sends its bottom line now and keeps the details and the references for the
user's MORE and SOURCES; they live on the conversation's link, beside the last quiz card, so any
worker can answer the next MORE. NULL: the last reply was not paged.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('channel_links') as batch:
        batch.add_column(sa.Column('held_json', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('channel_links') as batch:
        batch.drop_column('held_json')
