"""update inbox: per-chat order of Telegram updates across worker processes

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'update_inbox',
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('update_id', sa.BigInteger(), nullable=False),
        sa.Column('received_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('channel', 'chat_id', 'update_id', name=op.f('pk_update_inbox')),
    )


def downgrade() -> None:
    op.drop_table('update_inbox')
