"""announcements: texts per language, audience, and each group's copy

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'announcements',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('market', sa.String(length=2), nullable=True),
        sa.Column('texts', sa.JSON(), nullable=False),
        sa.Column('audience', sa.JSON(), nullable=False),
        sa.Column('buttons', sa.JSON(), nullable=False),
        sa.Column('photo', sa.String(length=256), nullable=True),
        sa.Column('send_at_local', sa.String(length=16), nullable=True),
        sa.Column('pin', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('created_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('edited_at', storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column('cancelled_at', storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements')),
    )
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcements_status'), ['status'], unique=False)
    op.create_table(
        'announcement_posts',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('announcement_id', _ID, nullable=False),
        sa.Column('club_id', _ID, nullable=True),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('locales', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('due_at', storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('message_id', sa.BigInteger(), nullable=True),
        sa.Column('pinned', sa.Boolean(), nullable=False),
        sa.Column('needs_edit', sa.Boolean(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('lease_until', storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column('lease_token', sa.String(length=32), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=False),
        sa.Column('sent_at', storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_posts_announcement_id_announcements'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['club_id'], ['clubs.id'], name=op.f('fk_announcement_posts_club_id_clubs'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_posts')),
        sa.UniqueConstraint('announcement_id', 'channel', 'chat_id', name=op.f('uq_announcement_posts_announcement_id_channel_chat_id')),
    )
    with op.batch_alter_table('announcement_posts', schema=None) as batch_op:
        batch_op.create_index('ix_announcement_posts_due', ['status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcement_posts_announcement_id'), ['announcement_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('announcement_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_posts_announcement_id'))
        batch_op.drop_index('ix_announcement_posts_due')
    op.drop_table('announcement_posts')
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcements_status'))
    op.drop_table('announcements')
