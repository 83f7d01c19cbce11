"""owner clubs: linked Telegram groups and the members the bot let in

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'clubs',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('market', sa.String(length=2), nullable=False),
        sa.Column('languages', sa.String(length=64), nullable=False),
        sa.Column('owners_only', sa.Boolean(), nullable=False),
        sa.Column('model', sa.String(length=16), nullable=True),
        sa.Column('dealer_code', sa.String(length=32), nullable=True),
        sa.Column('interest', sa.String(length=16), nullable=True),
        sa.Column('linked_by', sa.String(length=64), nullable=False),
        sa.Column('linked_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('unlinked_at', storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['dealer_code'], ['dealers.code'], name=op.f('fk_clubs_dealer_code_dealers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_clubs')),
        sa.UniqueConstraint('channel', 'chat_id', name=op.f('uq_clubs_channel_chat_id')),
    )
    op.create_table(
        'club_members',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('club_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('user_id', sa.BigInteger(), nullable=False),
        sa.Column('owner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('joined_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('flagged_at', storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['club_id'], ['clubs.id'], name=op.f('fk_club_members_club_id_clubs'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_club_members_owner_id_owners'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_club_members')),
        sa.UniqueConstraint('club_id', 'user_id', name=op.f('uq_club_members_club_id_user_id')),
    )
    with op.batch_alter_table('club_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_club_members_owner_id'), ['owner_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('club_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_club_members_owner_id'))
    op.drop_table('club_members')
    op.drop_table('clubs')
