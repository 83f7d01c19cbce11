"""What the owner sees: balance, pending and expiring points, tier progress, history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.loyalty import (
    LedgerEntry,
    Tier,
    TierPerks,
    TierProgress,
    spendable_balance,
    tier_progress,
)
from bot.domain.owners import Owner
from bot.domain.reference import Reference
from bot.services.loyalty.tiers import status_points, tier_of
from bot.services.ports import UnitOfWork

EXPIRING_SOON = timedelta(days=30)


@dataclass(frozen=True)
class PointsSummary:
    balance: int
    pending: list[tuple[datetime, int]]  # (available at, points), soonest first
    expiring: list[tuple[datetime, int]]  # within 30 days: (expires at, points)
    progress: TierProgress
    perks: TierPerks

    @property
    def tier(self) -> Tier:
        return self.progress.tier

    @property
    def pending_total(self) -> int:
        return sum(points for _, points in self.pending)

    @property
    def expiring_total(self) -> int:
        return sum(points for _, points in self.expiring)


async def summary(
    uow: UnitOfWork, reference: Reference, owner: Owner, now: datetime
) -> PointsSummary:
    assert owner.id is not None
    rules = reference.rules(owner.market)
    lots = await uow.point_lots.open_of(owner.id)
    tier = await tier_of(uow, owner.id)
    status = await status_points(uow, owner.id, rules, now)
    pending: dict[datetime, int] = {}
    expiring: dict[datetime, int] = {}
    for lot in lots:
        if lot.available_at > now:
            pending[lot.available_at] = pending.get(lot.available_at, 0) + lot.remaining
        elif now < lot.expires_at <= now + EXPIRING_SOON:
            expiring[lot.expires_at] = expiring.get(lot.expires_at, 0) + lot.remaining
    return PointsSummary(
        balance=spendable_balance((lot.view() for lot in lots), now),
        pending=sorted(pending.items()),
        expiring=sorted(expiring.items()),
        progress=tier_progress(tier, status, rules.thresholds),
        perks=rules.perks[tier],
    )


@dataclass(frozen=True)
class HistoryPage:
    entries: Sequence[LedgerEntry]
    page: int
    pages: int


async def history(uow: UnitOfWork, owner_id: int, page: int, size: int = 8) -> HistoryPage:
    total = await uow.ledger.count_of_owner(owner_id)
    pages = max((total + size - 1) // size, 1)
    page = min(max(page, 0), pages - 1)
    return HistoryPage(await uow.ledger.of_owner(owner_id, page * size, size), page, pages)
