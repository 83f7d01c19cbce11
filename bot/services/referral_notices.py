"""Keeping track of which referral stage an owner has been told about."""

from __future__ import annotations

from bot.services.ports import UnitOfWork


async def mark_told(uow: UnitOfWork, referral_id: int, stage: object) -> None:
    """A care message told the owner in chat that the referral reached `stage`: it is no
    longer new in their referrals, unless the referral has moved on since."""
    found = await uow.referrals.get(referral_id)
    if found is not None and found.stage == stage:
        found.owner_told = found.stage
