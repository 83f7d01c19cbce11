"""club events: cancelled events, and the survey the day after

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0017'
# Helpers' branches took 0015 and 0016: the lead points this at the latest when merging.
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('club_events', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('cancelled_at', storage.types.UtcDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        'event_feedback',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('event_id', _ID, nullable=False),
        sa.Column('owner_id', _ID, nullable=False),
        sa.Column('rsvp_id', _ID, nullable=False),
        sa.Column('rating', sa.SmallInteger(), nullable=False),
        sa.Column('comment', sa.String(length=1000), nullable=False),
        sa.Column('answered_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_event_feedback_rating_range')),
        sa.ForeignKeyConstraint(['event_id'], ['club_events.id'], name=op.f('fk_event_feedback_event_id_club_events'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_event_feedback_owner_id_owners'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['rsvp_id'], ['event_rsvps.id'], name=op.f('fk_event_feedback_rsvp_id_event_rsvps'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_feedback')),
        sa.UniqueConstraint('rsvp_id', name=op.f('uq_event_feedback_rsvp_id')),
    )
    with op.batch_alter_table('event_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_feedback_owner_id'), ['owner_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('event_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_feedback_owner_id'))
    op.drop_table('event_feedback')
    with op.batch_alter_table('club_events', schema=None) as batch_op:
        batch_op.drop_column('cancelled_at')
