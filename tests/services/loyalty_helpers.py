"""Shortcuts for ledger tests: points for an owner, and the numbers that matter. They take
an `App` on a database or the fake app (tests/fakes/uow.py) alike."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.app import App
from bot.domain.loyalty import RewardInfo
from bot.domain.owners import Owner
from bot.services.loyalty import earn, rewards, statement
from bot.services.loyalty.earn import Award, AwardOutcome
from tests.conftest import NOW, Services, commit_as_of

BANGKOK_PHONE = "+66891112233"  # Nattaya (demo): no demo points


async def owner_by_phone(app: App, phone: str = BANGKOK_PHONE) -> Owner:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
    assert owner is not None
    return owner


async def give(
    app: Services,
    owner: Owner,
    points: int,
    *,
    key: str,
    at: datetime = NOW,
    status: int = 0,
    pending_days: int = 0,
) -> AwardOutcome:
    """An award through the ledger, committed as of `at`."""
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


async def summary(app: Services, owner: Owner, at: datetime = NOW) -> statement.PointsSummary:
    async with app.database.uow() as uow:
        return await statement.summary(uow, app.reference, owner, at)


async def balance(app: Services, owner: Owner, at: datetime = NOW) -> int:
    return (await summary(app, owner, at)).balance


async def redeem(
    app: Services, owner: Owner, reward: RewardInfo, *, request: str = "r", at: datetime = NOW
) -> rewards.RedeemResult:
    async with app.database.uow() as uow:
        result = await rewards.redeem(uow, reward, owner=owner, request_key=request, now=at)
        await uow.commit()
    return result


async def lots(app: Services, owner: Owner) -> dict[str, int]:
    """What is left of each open lot, by its award key."""
    assert owner.id is not None
    async with app.database.uow() as uow:
        return {lot.source_id: lot.remaining for lot in await uow.point_lots.open_of(owner.id)}


def reward(app: App, key: str, market: str = "TH") -> RewardInfo:
    """A reward of the shipped catalogue (bot/data/rewards.toml)."""
    return app.reference.rewards[(market, key)]


def days(n: int) -> timedelta:
    return timedelta(days=n)
