"""Rewards, lots of points and loyalty accounts."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from bot.domain.loyalty import (
    LoyaltyAccount,
    PointLot,
    RewardCategory,
    RewardInfo,
    Tier,
)
from bot.domain.months import add_months
from bot.domain.owners import Owner
from bot.services.ports import UnitOfWork
from tests.builders import AT

_serial = itertools.count(1)


async def a_reward(
    uow: UnitOfWork,
    key: str = "coffee",
    *,
    market: str = "TH",
    points: int = 150,
    category: RewardCategory = RewardCategory.PARTNER_PERK,
    min_tier: Tier = Tier.EXPLORER,
    validity_days: int = 60,
    stock: int | None = None,
    donation_minor: int = 0,
) -> RewardInfo:
    """A reward of the market's catalogue, with its stock (None: unlimited)."""
    reward = RewardInfo(
        key=key,
        market=market,
        category=category,
        points=points,
        min_tier=min_tier,
        validity_days=validity_days,
        initial_stock=stock,
        titles={"en": key.replace("_", " ")},
        descriptions={"en": ""},
        donation_minor=donation_minor,
    )
    await uow.reward_stock.sync([reward])
    return reward


async def a_lot(
    uow: UnitOfWork,
    owner: Owner,
    points: int,
    *,
    key: str | None = None,
    earned_at: datetime = AT,
    available_at: datetime | None = None,
    expires_at: datetime | None = None,
) -> PointLot:
    """Points earned at `earned_at`, spendable at once unless `available_at` says
    otherwise, expiring 24 months after that unless `expires_at` says otherwise. Only
    the lot: a test about the journal earns through bot.services.loyalty.earn."""
    assert owner.id is not None
    available = available_at or earned_at
    lot = PointLot(
        owner_id=owner.id,
        points=points,
        remaining=points,
        source="builder",
        source_id=key or f"lot-{next(_serial)}",
        rule="builder",
        earned_at=earned_at,
        available_at=available,
        expires_at=expires_at or add_months(available, 24),
    )
    uow.point_lots.add(lot)
    await uow.flush()
    return lot


async def a_loyalty_account(
    uow: UnitOfWork, owner: Owner, *, tier: Tier = Tier.EXPLORER, since: datetime = AT
) -> LoyaltyAccount:
    """The owner's account at `tier`, its review a year after `since`."""
    assert owner.id is not None
    account = await uow.loyalty_accounts.lock(owner.id, since, since + timedelta(days=365))
    account.tier, account.tier_since = tier, since
    await uow.flush()
    return account
