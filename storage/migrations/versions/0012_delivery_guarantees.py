"""delivery guarantees: the outbox lease's fencing token, the deliveries that must
arrive (staff cards, alerts), chats that moved to a new id

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_token', sa.String(length=32), nullable=True))
    op.create_table(
        'deliveries',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('screens', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('due_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.SmallInteger(), nullable=False),
        sa.Column('lease_until', storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column('lease_token', sa.String(length=32), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=False),
        sa.Column('created_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_status_due', ['status', 'due_at'], unique=False)
    op.create_table(
        'chat_moves',
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('old_chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('new_chat_id', sa.BigInteger(), nullable=False),
        sa.Column('moved_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('channel', 'old_chat_id', name=op.f('pk_chat_moves')),
    )


def downgrade() -> None:
    op.drop_table('chat_moves')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_status_due')
    op.drop_table('deliveries')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('lease_token')
