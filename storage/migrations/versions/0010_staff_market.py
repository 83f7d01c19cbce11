"""staff market: a manager of a whole market has a market instead of a dealer

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Members without a dealer who are not admins keep their row, but the bot refuses
    # every action of theirs until `ownerbot staff add` gives them a dealer or a market.
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('market', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('market')
