"""What an owner's loyalty tier changes about booking: how far ahead they may book.

The window comes from the tier's perks in the owner's market (bot/data/loyalty.toml:
`priority_booking_days`; 60 days for Explorers, 90 for Co-creators by default), the
same figure /points shows the owner.
"""

from __future__ import annotations

from bot.domain.loyalty import Tier
from bot.domain.reference import Reference
from bot.services.loyalty import tiers
from bot.services.ports import UnitOfWork

DEFAULT_WINDOW_DAYS = 60


async def loyalty_tier(uow: UnitOfWork, owner_id: int) -> Tier:
    """The owner's current loyalty tier, from the ledger."""
    return await tiers.tier_of(uow, owner_id)


async def booking_window_days(uow: UnitOfWork, reference: Reference, owner_id: int) -> int:
    owner = await uow.owners.get(owner_id)
    if owner is None or owner.market not in reference.loyalty:
        return DEFAULT_WINDOW_DAYS
    tier = await loyalty_tier(uow, owner_id)
    return reference.rules(owner.market).perks[tier].priority_booking_days
