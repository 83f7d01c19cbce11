"""What an owner's loyalty tier changes about booking: how far ahead they may book.

`loyalty_tier` is the one seam between booking and the loyalty programme. Nothing else
in the booking feature reads tiers.
"""

from __future__ import annotations

from bot.services.ports import UnitOfWork

EXPLORER = "explorer"  # the entry tier (the brief's Explorer / Companion / Co-creator)
TOP_TIER = "co_creator"
STANDARD_WINDOW_DAYS = 60
TOP_TIER_WINDOW_DAYS = 90


async def loyalty_tier(uow: UnitOfWork, owner_id: int) -> str:
    """The owner's current loyalty tier.

    Returns "explorer" for everyone for now: the loyalty ledger does not exist on this
    branch. The loyalty feature's engineer wires this function to the ledger later
    (reading the tier through `uow`); callers need not change.
    """
    del uow, owner_id
    return EXPLORER


def window_for_tier(tier: str) -> int:
    """Days ahead an owner of `tier` may book: 60, or 90 for the top tier."""
    return TOP_TIER_WINDOW_DAYS if tier == TOP_TIER else STANDARD_WINDOW_DAYS


async def booking_window_days(uow: UnitOfWork, owner_id: int) -> int:
    return window_for_tier(await loyalty_tier(uow, owner_id))
