"""Shortcuts for ledger tests: an owner with points, and the numbers that matter."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.app import App
from bot.domain.loyalty import RewardInfo
from bot.domain.owners import Owner
from bot.services.loyalty import earn, statement
from bot.services.loyalty.earn import Award
from tests.conftest import commit_as_of

BANGKOK_PHONE = "+66891112233"  # Nattaya: no demo points


async def owner_by_phone(app: App, phone: str = BANGKOK_PHONE) -> Owner:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
    assert owner is not None
    return owner


async def give(
    app: App,
    owner: Owner,
    points: int,
    *,
    key: str,
    at: datetime,
    status: int = 0,
    pending_days: int = 0,
) -> earn.AwardOutcome:
    assert owner.id is not None
    async with app.database.uow() as uow:
        outcome = await earn.award(
            uow,
            app.reference,
            Award(
                owner_id=owner.id,
                rule="test_award",
                source="test",
                source_id=key,
                points=points,
                status_points=status,
                pending_days=pending_days,
            ),
            market=owner.market,
            now=at,
        )
        await commit_as_of(app, uow, at)
    return outcome


async def balance(app: App, owner: Owner, at: datetime) -> int:
    async with app.database.uow() as uow:
        return (await statement.summary(uow, app.reference, owner, at)).balance


def reward(app: App, key: str, market: str = "TH") -> RewardInfo:
    return app.reference.rewards[(market, key)]


def days(n: int) -> timedelta:
    return timedelta(days=n)
