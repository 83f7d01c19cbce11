"""The journal of every movement, and the spends that took points from lots."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.loyalty import LedgerEntry, PointSpend, SpendAllocation
from storage import tables

entries_c = tables.ledger_entries.c
allocations_c = tables.spend_allocations.c


class SqlLedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, entry: LedgerEntry) -> None:
        self.session.add(entry)

    async def creating(self, lot_id: int) -> LedgerEntry | None:
        result = await self.session.execute(
            select(LedgerEntry).where(entries_c.lot_id == lot_id).order_by(entries_c.id).limit(1)
        )
        return result.scalars().first()

    async def spending(self, spend_id: int) -> LedgerEntry | None:
        result = await self.session.execute(
            select(LedgerEntry)
            .where(entries_c.spend_id == spend_id, entries_c.points < 0)
            .order_by(entries_c.id)
            .limit(1)
        )
        return result.scalars().first()

    async def of_owner(self, owner_id: int, offset: int, limit: int) -> Sequence[LedgerEntry]:
        result = await self.session.execute(
            select(LedgerEntry)
            .where(entries_c.owner_id == owner_id)
            .order_by(entries_c.created_at.desc(), entries_c.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return result.scalars().all()

    async def count_of_owner(self, owner_id: int) -> int:
        total = await self.session.scalar(
            select(func.count()).where(entries_c.owner_id == owner_id)
        )
        return int(total or 0)

    async def export(self, since: datetime | None) -> Sequence[tuple[LedgerEntry, str]]:
        o = tables.owners.c
        query = (
            select(LedgerEntry, o.market)
            .join(tables.owners, o.id == entries_c.owner_id)
            .order_by(entries_c.id)
        )
        if since is not None:
            query = query.where(entries_c.created_at >= since)
        return [(entry, str(market)) for entry, market in (await self.session.execute(query))]


class SqlPointSpendRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, spend: PointSpend) -> None:
        self.session.add(spend)

    def add_allocation(self, allocation: SpendAllocation) -> None:
        self.session.add(allocation)

    async def get(self, spend_id: int) -> PointSpend | None:
        return await self.session.get(PointSpend, spend_id)

    async def allocations(self, spend_id: int) -> Sequence[SpendAllocation]:
        result = await self.session.execute(
            select(SpendAllocation)
            .where(allocations_c.spend_id == spend_id)
            .order_by(allocations_c.lot_id)
        )
        return result.scalars().all()
