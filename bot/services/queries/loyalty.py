"""What the points screens read besides the balance (bot.services.loyalty):
stock and an owner's vouchers."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.loyalty import Redemption, RewardInfo
from bot.services.ports import UnitOfWork


async def stock_left(uow: UnitOfWork, reward: RewardInfo) -> int | None:
    """How many are left; None when the reward is not limited."""
    return await uow.loyalty.stock(reward.market, reward.key)


async def vouchers_of(uow: UnitOfWork, owner_id: int) -> Sequence[Redemption]:
    """Every redemption of the owner (vouchers and donation receipts), newest first."""
    return await uow.loyalty.redemptions_of(owner_id)


async def voucher_of(uow: UnitOfWork, owner_id: int, redemption_id: int) -> Redemption | None:
    """The redemption if it is this owner's; None for anyone else's (a forged id)."""
    redemption = await uow.loyalty.redemption(redemption_id)
    return redemption if redemption is not None and redemption.owner_id == owner_id else None
