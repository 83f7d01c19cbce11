"""Owner clubs: staff link a group, the bot decides join requests, members are kept.

Every staff action re-checks the role (moderator or above) and the scope (a dealer's
staff act for their dealer's market) and is audited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.clubs import Club, ClubMember, Interest
from bot.domain.reference import Dealer
from bot.domain.staff import Role, StaffMember
from bot.services.ports import UnitOfWork
from bot.services.staff import audit, require_staff

CLUB_ROLES = (Role.MODERATOR,)  # managers and admins may too (StaffMember.may)


@dataclass(frozen=True)
class ClubSettings:
    market: str
    languages: tuple[str, ...]
    owners_only: bool
    model: str | None = None
    dealer_code: str | None = None
    interest: Interest | None = None


async def club_staff(uow: UnitOfWork, channel: str, user_id: int) -> StaffMember:
    """The moderator (or manager, or admin) behind this user; NotStaff otherwise."""
    return await require_staff(uow, channel, user_id, *CLUB_ROLES)


def home_market(member: StaffMember, dealers: Mapping[str, Dealer]) -> str | None:
    """The one market a member acts for (their dealer's, or a market manager's);
    None for admins, who act for any."""
    if member.role is Role.ADMIN:
        return None
    if member.dealer_code is not None:
        dealer = dealers.get(member.dealer_code)
        return dealer.market if dealer else None
    return member.market


def in_scope(member: StaffMember, market: str, dealers: Mapping[str, Dealer]) -> bool:
    return member.serves_market(market, dealers)


async def link(
    uow: UnitOfWork,
    *,
    channel: str,
    chat_id: int,
    settings: ClubSettings,
    actor: str,
    now: datetime,
) -> Club:
    """Link a group as a club with these settings (a group linked before is relinked)."""
    club = await uow.clubs.in_chat(channel, chat_id)
    if club is None:
        club = Club(
            channel=channel,
            chat_id=chat_id,
            market=settings.market,
            languages="",
            linked_by=actor,
            linked_at=now,
        )
        uow.clubs.add(club)
    club.market = settings.market
    club.languages = ",".join(settings.languages)
    club.owners_only = settings.owners_only
    club.model = settings.model
    club.dealer_code = settings.dealer_code
    club.interest = settings.interest
    club.linked_by, club.linked_at, club.unlinked_at = actor, now, None
    await uow.flush()
    audit(
        uow,
        actor,
        "club.link",
        _target(club),
        "",
        now,
        market=settings.market,
        languages=club.languages,
        model=settings.model,
        dealer=settings.dealer_code,
        interest=settings.interest.value if settings.interest else None,
        owners_only=settings.owners_only,
    )
    return club


def unlink(uow: UnitOfWork, club: Club, *, actor: str, reason: str, now: datetime) -> None:
    club.unlinked_at = now
    audit(uow, actor, "club.unlink", _target(club), reason, now)


async def migrate(
    uow: UnitOfWork, channel: str, old_chat: int, new_chat: int, now: datetime
) -> bool:
    """A group became a supergroup with a new id: the club follows it."""
    club = await uow.clubs.in_chat(channel, old_chat)
    if club is None or await uow.clubs.in_chat(channel, new_chat) is not None:
        return False
    club.chat_id = new_chat
    audit(uow, "system", "club.migrate", _target(club), "", now, old_chat=old_chat)
    return True


class JoinVerdict(StrEnum):
    APPROVE = "approve"
    NOT_LINKED = "not_linked"  # not a verified owner yet
    NOT_MATCHING = "not_matching"  # an owner, but of another market or model


async def decide_join(
    uow: UnitOfWork, club: Club, *, user_id: int, owner_id: int | None, now: datetime
) -> JoinVerdict:
    """Approve a verified owner who matches the club (and remember them as a member)."""
    if owner_id is None:
        return JoinVerdict.NOT_LINKED
    owner = await uow.owners.get(owner_id)
    if owner is None or owner.erased_at is not None:
        return JoinVerdict.NOT_LINKED
    models = {vehicle.model for vehicle in await uow.vehicles.of_owner(owner_id)}
    if not club.admits(owner.market, models):
        return JoinVerdict.NOT_MATCHING
    await joined(uow, club, user_id=user_id, owner_id=owner_id, now=now)
    return JoinVerdict.APPROVE


async def joined(
    uow: UnitOfWork, club: Club, *, user_id: int, owner_id: int | None, now: datetime
) -> ClubMember:
    """Remember a member (once per club and person; a verified owner id is kept)."""
    assert club.id is not None
    member = await uow.club_members.find(club.id, user_id)
    if member is None:
        member = ClubMember(club_id=club.id, user_id=user_id, owner_id=owner_id, joined_at=now)
        uow.club_members.add(member)
    elif owner_id is not None:
        member.owner_id = owner_id
    return member


@dataclass(frozen=True)
class Lapsed:
    club: Club
    member: ClubMember


async def review_members(uow: UnitOfWork, owner_id: int, now: datetime) -> Sequence[Lapsed]:
    """Flag the owner's memberships in owners-only clubs they no longer qualify for
    (data erased, the club's car sold): moderators decide, nobody is removed here."""
    owner = await uow.owners.get(owner_id)
    active = owner is not None and owner.erased_at is None
    models = {v.model for v in await uow.vehicles.of_owner(owner_id)} if active else set()
    lapsed: list[Lapsed] = []
    for member in await uow.club_members.of_owner(owner_id):
        club = await uow.clubs.get(member.club_id)
        if club is None or not club.linked or not club.owners_only:
            continue
        qualifies = active and owner is not None and club.admits(owner.market, models)
        if not qualifies and member.flag(now):
            lapsed.append(Lapsed(club, member))
    return lapsed


def _target(club: Club) -> str:
    return f"club:{club.id}"  # a migrated group keeps its club and its trail
