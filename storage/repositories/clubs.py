"""Owner clubs and their members."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.domain.clubs import Club, ClubMember
from storage import tables
from storage.repositories.base import SqlRepository


class SqlClubRepository(SqlRepository[Club]):
    async def in_chat(self, channel: str, chat_id: int) -> Club | None:
        c = tables.clubs.c
        result = await self.session.execute(
            select(Club).where(c.channel == channel, c.chat_id == chat_id)
        )
        return result.scalar_one_or_none()

    async def get(self, club_id: int) -> Club | None:
        return await self.session.get(Club, club_id)

    async def linked(self) -> Sequence[Club]:
        c = tables.clubs.c
        result = await self.session.execute(
            select(Club).where(c.unlinked_at.is_(None)).order_by(c.id)
        )
        return result.scalars().all()


class SqlClubMemberRepository(SqlRepository[ClubMember]):
    async def find(self, club_id: int, user_id: int) -> ClubMember | None:
        c = tables.club_members.c
        result = await self.session.execute(
            select(ClubMember).where(c.club_id == club_id, c.user_id == user_id)
        )
        return result.scalar_one_or_none()

    async def of_owner(self, owner_id: int) -> Sequence[ClubMember]:
        c = tables.club_members.c
        result = await self.session.execute(
            select(ClubMember).where(c.owner_id == owner_id).order_by(c.id)
        )
        return result.scalars().all()

    async def verified(self, club_id: int) -> Sequence[ClubMember]:
        c = tables.club_members.c
        result = await self.session.execute(
            select(ClubMember)
            .where(c.club_id == club_id, c.owner_id.is_not(None))
            .order_by(c.joined_at, c.id)
        )
        return result.scalars().all()
