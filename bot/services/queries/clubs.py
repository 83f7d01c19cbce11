"""Clubs as flows look them up."""

from __future__ import annotations

from bot.domain.clubs import Club, MemberStatus
from bot.services.ports import UnitOfWork


async def linked_club(uow: UnitOfWork, channel: str, chat_id: int) -> Club | None:
    """The club a group is linked as, if it is."""
    club = await uow.clubs.in_chat(channel, chat_id)
    return club if club is not None and club.linked else None


async def member_counts(uow: UnitOfWork, club: Club) -> tuple[int, int]:
    """Members the bot let in as verified owners, and how many of them are flagged."""
    assert club.id is not None
    verified = await uow.club_members.verified(club.id)
    return len(verified), sum(m.status is MemberStatus.FLAGGED for m in verified)


async def linked_clubs_of(uow: UnitOfWork, market: str) -> list[Club]:
    """The market's linked clubs, oldest first."""
    return [club for club in await uow.clubs.linked() if club.market == market]
