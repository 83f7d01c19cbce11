"""club events: seats, a waitlist and check-in codes

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'club_events',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('market', sa.String(length=2), nullable=False),
        sa.Column('club_id', _ID, nullable=True),
        sa.Column('model', sa.String(length=16), nullable=True),
        sa.Column('starts_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('ends_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('latitude', sa.Float(), nullable=False),
        sa.Column('longitude', sa.Float(), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('co_creators_first', sa.Boolean(), nullable=False),
        sa.Column('texts', sa.JSON(), nullable=False),
        sa.Column('created_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.CheckConstraint('capacity > 0', name=op.f('ck_club_events_capacity_positive')),
        sa.ForeignKeyConstraint(['club_id'], ['clubs.id'], name=op.f('fk_club_events_club_id_clubs'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_club_events')),
    )
    with op.batch_alter_table('club_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_club_events_starts_at'), ['starts_at'], unique=False)
    op.create_table(
        'event_rsvps',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('event_id', _ID, nullable=False),
        sa.Column('owner_id', _ID, nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('co_creator', sa.Boolean(), nullable=False),
        sa.Column('created_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('checkin_code', sa.String(length=16), nullable=False),
        sa.Column('attended_at', storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['club_events.id'], name=op.f('fk_event_rsvps_event_id_club_events'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_event_rsvps_owner_id_owners'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_rsvps')),
        sa.UniqueConstraint('checkin_code', name=op.f('uq_event_rsvps_checkin_code')),
        sa.UniqueConstraint('event_id', 'owner_id', name=op.f('uq_event_rsvps_event_id_owner_id')),
    )
    with op.batch_alter_table('event_rsvps', schema=None) as batch_op:
        batch_op.create_index('ix_event_rsvps_event_status', ['event_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_rsvps_owner_id'), ['owner_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('event_rsvps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_rsvps_owner_id'))
        batch_op.drop_index('ix_event_rsvps_event_status')
    op.drop_table('event_rsvps')
    with op.batch_alter_table('club_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_club_events_starts_at'))
    op.drop_table('club_events')
