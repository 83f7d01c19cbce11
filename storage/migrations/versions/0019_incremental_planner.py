"""incremental care planner: change triggers, pending owners, the stored service date

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types
from storage.care.changes import drop_statements, trigger_statements

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

_INDEXES = [
    ('ix_owners_birthday', 'owners', ['birthday']),
    ('ix_bookings_starts_at', 'bookings', ['starts_at']),
    ('ix_bookings_ends_at', 'bookings', ['ends_at']),
    ('ix_service_visits_visited_on', 'service_visits', ['visited_on']),
    ('ix_service_visits_recorded_at', 'service_visits', ['recorded_at']),
]


def upgrade() -> None:
    op.create_table(
        'care_changes',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('owner_id', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'care_pending',
        sa.Column('owner_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('market', sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint('owner_id'),
    )
    op.create_index('ix_care_pending_market', 'care_pending', ['market', 'owner_id'])
    op.create_table(
        'care_plan_state',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('planned_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    op.create_table(
        'care_service_due',
        sa.Column('vehicle_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('vehicle_id'),
    )
    op.create_index('ix_care_service_due_due_on', 'care_service_due', ['due_on'])
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)
    sent = sa.text('sent_at IS NOT NULL')
    op.create_index(
        'ix_outbox_rule_sent',
        'outbox',
        ['rule', 'sent_at'],
        postgresql_where=sent,
        sqlite_where=sent,
    )
    dialect = op.get_bind().dialect.name
    for statement in trigger_statements(dialect):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_index('ix_outbox_rule_sent', table_name='outbox')
    for name, table, _ in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index('ix_care_service_due_due_on', table_name='care_service_due')
    op.drop_table('care_service_due')
    op.drop_table('care_plan_state')
    op.drop_index('ix_care_pending_market', table_name='care_pending')
    op.drop_table('care_pending')
    op.drop_table('care_changes')
