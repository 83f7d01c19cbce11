"""one channel per owner: the owner's preferred channel, when each account last wrote,
longer update ids

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('owners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_channel', sa.String(length=16), nullable=True))
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('last_seen_at', storage.types.UtcDateTime(timezone=True), nullable=True)
        )
    # WhatsApp message ids (wamid.HBgL...) can be longer than 64 characters.
    with op.batch_alter_table('processed_updates', schema=None) as batch_op:
        batch_op.alter_column(
            'update_id', existing_type=sa.String(length=64), type_=sa.String(length=128)
        )


def downgrade() -> None:
    with op.batch_alter_table('processed_updates', schema=None) as batch_op:
        batch_op.alter_column(
            'update_id', existing_type=sa.String(length=128), type_=sa.String(length=64)
        )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
    with op.batch_alter_table('owners', schema=None) as batch_op:
        batch_op.drop_column('preferred_channel')
