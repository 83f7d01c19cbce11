"""ask the dealer: owners' question threads with their dealer, and their messages

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('dealer_questions',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('owner_id', _ID, nullable=False),
    sa.Column('dealer_code', sa.String(length=32), nullable=False),
    sa.Column('vehicle_id', _ID, nullable=True),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('asked_at', storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('first_answer_at', storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_message_at', storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dealer_code'], ['dealers.code'], name=op.f('fk_dealer_questions_dealer_code_dealers')),
    sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_dealer_questions_owner_id_owners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], name=op.f('fk_dealer_questions_vehicle_id_vehicles'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dealer_questions'))
    )
    with op.batch_alter_table('dealer_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dealer_questions_asked_at'), ['asked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dealer_questions_dealer_code'), ['dealer_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_dealer_questions_owner_id'), ['owner_id'], unique=False)

    op.create_table('question_messages',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('question_id', _ID, nullable=False),
    sa.Column('author', sa.String(length=8), nullable=False),
    sa.Column('staff_id', _ID, nullable=True),
    sa.Column('text', sa.String(length=1500), nullable=False),
    sa.Column('sent_at', storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['dealer_questions.id'], name=op.f('fk_question_messages_question_id_dealer_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_question_messages_staff_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_messages'))
    )
    with op.batch_alter_table('question_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_messages_question_id'), ['question_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('question_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_messages_question_id'))
    op.drop_table('question_messages')
    with op.batch_alter_table('dealer_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dealer_questions_owner_id'))
        batch_op.drop_index(batch_op.f('ix_dealer_questions_dealer_code'))
        batch_op.drop_index(batch_op.f('ix_dealer_questions_asked_at'))
    op.drop_table('dealer_questions')
