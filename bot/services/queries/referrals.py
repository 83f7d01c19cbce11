"""What the referral screens read: a pending invitation, one lead, a dealer's open leads,
the owner's own dealer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.domain.reference import Reference
from bot.domain.referrals import Referral
from bot.domain.staff import StaffMember
from bot.services.ports import UnitOfWork
from bot.services.queries.bookings import last_center

OPEN_LEADS_SHOWN = 10
RECENT_DELIVERIES = timedelta(days=30)  # still listed: an order may yet be cancelled


async def has_pending_invitation(uow: UnitOfWork, channel: str, user_id: int) -> bool:
    """This chat user opened an owner's link and has not become a lead yet."""
    attribution = await uow.attributions.of_user(channel, user_id)
    return attribution is not None and attribution.referral_id is None


async def referral_by_id(uow: UnitOfWork, referral_id: int) -> Referral | None:
    return await uow.referrals.get(referral_id)


async def open_leads(
    uow: UnitOfWork, reference: Reference, member: StaffMember, now: datetime
) -> Sequence[Referral]:
    """The referrals still in progress that this sales member may see, newest first:
    their dealer's, their market's for a market manager, every dealer's for an admin."""
    dealers = member.dealer_codes(reference.dealers)
    return await uow.referrals.open_at(dealers, now - RECENT_DELIVERIES, OPEN_LEADS_SHOWN)


async def own_dealer(uow: UnitOfWork, owner_id: int) -> str | None:
    """The dealer the owner knows: the one that sold their car, else the center they
    last booked or visited."""
    for vehicle in await uow.vehicles.of_owner(owner_id):
        if vehicle.dealer_code:
            return vehicle.dealer_code
    return await last_center(uow, owner_id)
