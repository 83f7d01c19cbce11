"""owners' stories and expert Q&A sessions

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'stories',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('owner_id', _ID, nullable=False),
        sa.Column('dealer_code', sa.String(length=32), nullable=False),
        sa.Column('market', sa.String(length=2), nullable=False),
        sa.Column('locale', sa.String(length=16), nullable=False),
        sa.Column('text', sa.String(length=1500), nullable=False),
        sa.Column('photos', sa.JSON(), nullable=False),
        sa.Column('consented_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('submitted_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('decided_at', storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column('decided_by', sa.String(length=64), nullable=True),
        sa.Column('club_id', _ID, nullable=True),
        sa.ForeignKeyConstraint(['club_id'], ['clubs.id'], name=op.f('fk_stories_club_id_clubs'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['dealer_code'], ['dealers.code'], name=op.f('fk_stories_dealer_code_dealers')),
        sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_stories_owner_id_owners'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stories')),
    )
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stories_owner_id'), ['owner_id'], unique=False)
    op.create_table(
        'expert_sessions',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('club_id', _ID, nullable=False),
        sa.Column('topic', sa.String(length=120), nullable=False),
        sa.Column('expert', sa.String(length=80), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('opened_by', sa.String(length=64), nullable=False),
        sa.Column('opened_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('posted_at', storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['club_id'], ['clubs.id'], name=op.f('fk_expert_sessions_club_id_clubs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_sessions')),
    )
    with op.batch_alter_table('expert_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_sessions_club_id'), ['club_id'], unique=False)
    op.create_table(
        'expert_questions',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('session_id', _ID, nullable=False),
        sa.Column('owner_id', _ID, nullable=False),
        sa.Column('locale', sa.String(length=16), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('asked_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('answer', sa.String(length=1500), nullable=True),
        sa.Column('answered_by', sa.String(length=64), nullable=True),
        sa.Column('answered_at', storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_expert_questions_owner_id_owners'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['expert_sessions.id'], name=op.f('fk_expert_questions_session_id_expert_sessions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_questions')),
    )
    with op.batch_alter_table('expert_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_questions_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_questions_session_id'), ['session_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('expert_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_questions_session_id'))
        batch_op.drop_index(batch_op.f('ix_expert_questions_owner_id'))
    op.drop_table('expert_questions')
    with op.batch_alter_table('expert_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_sessions_club_id'))
    op.drop_table('expert_sessions')
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stories_owner_id'))
    op.drop_table('stories')
