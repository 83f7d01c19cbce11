"""outbox: lighter inserts for the planner

A first plan at a brand's size queues hundreds of thousands of messages at once. The
index the frequency caps read (owner, category, sent_at) now holds only sent messages,
and the outbox keeps no foreign key to owners: every row is queued from a join on
owners, owners are never deleted (erasure blanks them), and the check cost about a
third of each insert.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ['owner_id', 'category', 'sent_at']
_SENT = sa.text('sent_at IS NOT NULL')


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint('fk_outbox_owner_id_owners', type_='foreignkey')
        batch_op.drop_index('ix_outbox_owner_sent')
        batch_op.create_index(
            'ix_outbox_owner_sent', _COLUMNS, postgresql_where=_SENT, sqlite_where=_SENT
        )


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_owner_sent')
        batch_op.create_index('ix_outbox_owner_sent', _COLUMNS)
        batch_op.create_foreign_key(
            'fk_outbox_owner_id_owners', 'owners', ['owner_id'], ['id'], ondelete='CASCADE'
        )
