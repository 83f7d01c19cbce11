"""Reward stock per market, and the redemptions (vouchers, donation receipts)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.loyalty import Redemption, RedemptionStatus, RewardInfo
from storage import tables
from storage.sql import insert_ignoring_duplicates

stock_c = tables.reward_stock.c
redemptions_c = tables.redemptions.c


class SqlRewardStockRepository:
    """Unlimited stock is NULL."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def sync(self, rewards: Collection[RewardInfo]) -> None:
        for reward in rewards:
            await insert_ignoring_duplicates(
                self.session,
                tables.reward_stock,
                {"market": reward.market, "reward_key": reward.key, "stock": reward.initial_stock},
            )

    async def left(self, market: str, key: str) -> int | None:
        value = await self.session.scalar(
            select(stock_c.stock).where(stock_c.market == market, stock_c.reward_key == key)
        )
        return None if value is None else int(value)

    async def take_one(self, market: str, key: str) -> bool:
        result = await self.session.execute(
            update(tables.reward_stock)
            .where(
                stock_c.market == market,
                stock_c.reward_key == key,
                stock_c.stock.is_(None) | (stock_c.stock > 0),
            )
            .values(stock=stock_c.stock - 1)
        )
        return bool(getattr(result, "rowcount", 0))

    async def put_back(self, market: str, key: str) -> None:
        await self.session.execute(
            update(tables.reward_stock)
            .where(stock_c.market == market, stock_c.reward_key == key, stock_c.stock.is_not(None))
            .values(stock=stock_c.stock + 1)
        )

    async def set(self, market: str, key: str, stock: int | None) -> None:
        await self.session.execute(
            update(tables.reward_stock)
            .where(stock_c.market == market, stock_c.reward_key == key)
            .values(stock=stock)
        )


class SqlRedemptionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, redemption: Redemption) -> None:
        self.session.add(redemption)

    async def get(self, redemption_id: int) -> Redemption | None:
        return await self.session.get(Redemption, redemption_id)

    async def lock(self, redemption_id: int) -> Redemption | None:
        result = await self.session.execute(
            select(Redemption)
            .where(redemptions_c.id == redemption_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def by_code(self, code: str) -> Redemption | None:
        result = await self.session.execute(select(Redemption).where(redemptions_c.code == code))
        return result.scalar_one_or_none()

    async def by_request(self, owner_id: int, request_key: str) -> Redemption | None:
        result = await self.session.execute(
            select(Redemption).where(
                redemptions_c.owner_id == owner_id, redemptions_c.request_key == request_key
            )
        )
        return result.scalar_one_or_none()

    async def of_owner(self, owner_id: int) -> Sequence[Redemption]:
        result = await self.session.execute(
            select(Redemption)
            .where(redemptions_c.owner_id == owner_id)
            .order_by(redemptions_c.issued_at.desc(), redemptions_c.id.desc())
        )
        return result.scalars().all()

    async def expire(self, now: datetime) -> int:
        result = await self.session.execute(
            update(tables.redemptions)
            .where(
                redemptions_c.status == RedemptionStatus.ISSUED, redemptions_c.valid_until <= now
            )
            .values(status=RedemptionStatus.EXPIRED)
        )
        return int(getattr(result, "rowcount", 0) or 0)
