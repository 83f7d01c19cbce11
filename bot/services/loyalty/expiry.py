"""The nightly expiry: what is left of expired lots, and unused vouchers past validity."""

from __future__ import annotations

from datetime import datetime

from bot.services.ports import UnitOfWork


async def expire(uow: UnitOfWork, now: datetime) -> tuple[int, int]:
    """Close expired lots (journalled) and vouchers, set-based. Returns (lots, vouchers)."""
    return await uow.point_lots.expire(now), await uow.redemptions.expire(now)
