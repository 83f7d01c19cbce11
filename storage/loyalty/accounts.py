"""Loyalty accounts (the row every balance change locks) and status awards (tiers)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.loyalty import LoyaltyAccount, StatusAward, Tier
from storage import tables
from storage.sql import insert_ignoring_duplicates

accounts_c = tables.loyalty_accounts.c
status_c = tables.status_awards.c


class SqlLoyaltyAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, owner_id: int) -> LoyaltyAccount | None:
        return await self.session.get(LoyaltyAccount, owner_id)

    async def lock(self, owner_id: int, now: datetime, review_due: datetime) -> LoyaltyAccount:
        await insert_ignoring_duplicates(
            self.session,
            tables.loyalty_accounts,
            {
                "owner_id": owner_id,
                "tier": Tier.EXPLORER,
                "tier_since": now,
                "review_due_at": review_due,
            },
        )
        result = await self.session.execute(
            select(LoyaltyAccount)
            .where(accounts_c.owner_id == owner_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one()

    async def due_for_review(self, now: datetime, limit: int) -> Sequence[LoyaltyAccount]:
        result = await self.session.execute(
            select(LoyaltyAccount)
            .where(accounts_c.review_due_at <= now)
            .order_by(accounts_c.review_due_at)
            .limit(limit)
        )
        return result.scalars().all()


class SqlStatusAwardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, award: StatusAward) -> None:
        self.session.add(award)

    async def by_award(self, source: str, source_id: str, rule: str) -> StatusAward | None:
        result = await self.session.execute(
            select(StatusAward).where(
                status_c.source == source, status_c.source_id == source_id, status_c.rule == rule
            )
        )
        return result.scalar_one_or_none()

    async def of_awards(
        self, owner_id: int, keys: Collection[tuple[str, str, str]]
    ) -> Sequence[StatusAward]:
        wanted = set(keys)
        if not wanted:
            return []
        result = await self.session.execute(
            select(StatusAward).where(
                status_c.owner_id == owner_id,
                status_c.source_id.in_({source_id for _, source_id, _ in wanted}),
            )
        )
        return [a for a in result.scalars() if (a.source, a.source_id, a.rule) in wanted]

    async def points_since(self, owner_id: int, since: datetime) -> int:
        total = await self.session.scalar(
            select(func.coalesce(func.sum(status_c.points), 0)).where(
                status_c.owner_id == owner_id,
                status_c.earned_at > since,
                status_c.reversed_at.is_(None),
            )
        )
        return int(total or 0)
