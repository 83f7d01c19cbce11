"""odometer source: who gave a vehicle's reading, and the dealer's floor under it

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('vehicles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mileage_source', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('dealer_mileage_km', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('dealer_mileage_on', sa.Date(), nullable=True))
    # Readings kept so far have no known source; the floor under them is the highest
    # reading a service visit recorded.
    op.execute(
        """
        UPDATE vehicles SET
            dealer_mileage_km = (
                SELECT max(v.mileage_km) FROM service_visits v WHERE v.vehicle_id = vehicles.id
            ),
            dealer_mileage_on = (
                SELECT max(v.visited_on) FROM service_visits v
                WHERE v.vehicle_id = vehicles.id AND v.mileage_km IS NOT NULL
            )
        """
    )


def downgrade() -> None:
    with op.batch_alter_table('vehicles', schema=None) as batch_op:
        batch_op.drop_column('dealer_mileage_on')
        batch_op.drop_column('dealer_mileage_km')
        batch_op.drop_column('mileage_source')
