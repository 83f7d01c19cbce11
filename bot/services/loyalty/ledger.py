"""What every change of points shares: the account lock, spending from lots, the balance.

Every balance change locks the owner's loyalty account row first, so concurrent
redemptions queue and can never overdraw (PostgreSQL: SELECT ... FOR UPDATE; SQLite:
the transaction already holds the write lock).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.loyalty import (
    LoyaltyAccount,
    PointLot,
    PointSpend,
    SpendAllocation,
    SpendKind,
    spendable_balance,
)
from bot.services.ports import UnitOfWork

REVIEW_PERIOD = timedelta(days=365)


async def lock_account(uow: UnitOfWork, owner_id: int, now: datetime) -> LoyaltyAccount:
    """The owner's account, created on first use (review due in a year), locked."""
    return await uow.loyalty_accounts.lock(owner_id, now, now + REVIEW_PERIOD)


async def open_lots(uow: UnitOfWork, owner_id: int) -> dict[int, PointLot]:
    """The owner's lots with points left, by id."""
    return {lot.id: lot for lot in await uow.point_lots.open_of(owner_id) if lot.id is not None}


async def spend(
    uow: UnitOfWork,
    owner_id: int,
    lots: dict[int, PointLot],
    taken: list[tuple[int, int]],
    *,
    kind: SpendKind,
    request_key: str,
    now: datetime,
) -> PointSpend:
    """Record a spend and take its points from the lots `allocate` chose."""
    spent = PointSpend(
        owner_id=owner_id,
        points=sum(points for _, points in taken),
        kind=kind,
        request_key=request_key,
        created_at=now,
    )
    uow.point_spends.add(spent)
    await uow.flush()
    assert spent.id is not None
    for lot_id, points in taken:
        lots[lot_id].remaining -= points
        uow.point_spends.add_allocation(
            SpendAllocation(spend_id=spent.id, lot_id=lot_id, points=points)
        )
    return spent


async def balance(uow: UnitOfWork, owner_id: int, now: datetime) -> int:
    """Spendable points now."""
    return spendable_balance((lot.view() for lot in await uow.point_lots.open_of(owner_id)), now)
