"""What the points screens read besides the balance (bot.services.loyalty):
stock, an owner's vouchers, and the status points behind each line of the history."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.loyalty import EntryKind, LedgerEntry, Redemption, RewardInfo
from bot.services.ports import UnitOfWork


async def stock_left(uow: UnitOfWork, reward: RewardInfo) -> int | None:
    """How many are left; None when the reward is not limited."""
    return await uow.reward_stock.left(reward.market, reward.key)


async def vouchers_of(uow: UnitOfWork, owner_id: int) -> Sequence[Redemption]:
    """Every redemption of the owner (vouchers and donation receipts), newest first."""
    return await uow.redemptions.of_owner(owner_id)


async def voucher_of(uow: UnitOfWork, owner_id: int, redemption_id: int) -> Redemption | None:
    """The redemption if it is this owner's; None for anyone else's (a forged id)."""
    redemption = await uow.redemptions.get(redemption_id)
    return redemption if redemption is not None and redemption.owner_id == owner_id else None


async def status_per_entry(
    uow: UnitOfWork, owner_id: int, entries: Sequence[LedgerEntry]
) -> dict[int, int]:
    """Status points (toward the tier) that came with each history line, by entry id:
    what an award brought, taken back on the line that reversed it. One query."""
    kinds = (EntryKind.EARN, EntryKind.ADJUST, EntryKind.REVERSE)
    lines = [e for e in entries if e.kind in kinds and e.id is not None]
    awards = await uow.status_awards.of_awards(
        owner_id, [(e.source, e.source_id, e.rule) for e in lines]
    )
    by_key = {(a.source, a.source_id, a.rule): a for a in awards}
    status: dict[int, int] = {}
    for entry in lines:
        award = by_key.get((entry.source, entry.source_id, entry.rule))
        if award is None or entry.id is None:
            continue
        if entry.kind == EntryKind.REVERSE:
            if award.reversed_at is not None:
                status[entry.id] = -award.points
        else:
            status[entry.id] = award.points
    return status
