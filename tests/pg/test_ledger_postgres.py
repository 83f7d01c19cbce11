"""The ledger's concurrency and set-based expiry on PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import App
from bot.domain.loyalty import InsufficientPoints
from bot.services.loyalty import earn, expiry, rewards, statement
from tests.conftest import NOW
from tests.services.loyalty_helpers import balance, days, give, owner_by_phone, reward


async def test_fifty_concurrent_redemptions_never_overdraw_on_postgres(pg_app: App) -> None:
    owner = await owner_by_phone(pg_app)
    await give(pg_app, owner, 150 * 9 + 40, key="k", at=NOW)  # exactly 9 coffees

    async def attempt(n: int) -> bool:
        async with pg_app.database.uow() as uow:
            try:
                await rewards.redeem(
                    uow, reward(pg_app, "coffee"), owner=owner, request_key=f"r{n}", now=NOW
                )
            except InsufficientPoints:
                return False
            await uow.commit()
            return True

    results = await asyncio.gather(*(attempt(n) for n in range(50)))
    assert sum(results) == 9
    assert await balance(pg_app, owner, NOW) == 40


async def test_the_same_award_racing_on_two_workers_pays_once_on_postgres(pg_app: App) -> None:
    owner = await owner_by_phone(pg_app)
    outcomes = await asyncio.gather(
        *(give(pg_app, owner, 100, key="same", at=NOW) for _ in range(10))
    )
    assert outcomes.count(earn.AwardOutcome.AWARDED) == 1
    assert await balance(pg_app, owner, NOW) == 100


async def test_expiry_is_one_statement_and_journals_what_it_took_on_postgres(pg_app: App) -> None:
    owner = await owner_by_phone(pg_app)
    await give(pg_app, owner, 1000, key="old", at=NOW - days(700))
    await give(pg_app, owner, 300, key="new", at=NOW)
    async with pg_app.database.uow() as uow:
        await rewards.redeem(uow, reward(pg_app, "gym_pass"), owner=owner, request_key="r", now=NOW)
        await uow.commit()
    async with pg_app.database.uow() as uow:
        expired, _ = await expiry.expire(uow, NOW + days(40))
        await uow.commit()
        entries = (await statement.history(uow, owner.id, 0)).entries
    assert expired >= 1  # other demo owners' old points expire too
    assert (entries[0].kind, entries[0].points) == ("expire", -400)
    assert await balance(pg_app, owner, NOW + days(40)) == 300


@pytest.mark.slow
async def test_redemptions_of_many_owners_race_without_deadlocks_on_postgres(pg_app: App) -> None:
    owners = [
        await owner_by_phone(pg_app, phone)
        for phone in ("+66891112233", "+447400123456", "+966501112222")
    ]
    for owner in owners:
        await give(pg_app, owner, 1000, key=f"k{owner.id}", at=NOW)

    async def attempt(owner, n: int) -> bool:  # type: ignore[no-untyped-def]
        async with pg_app.database.uow() as uow:
            try:
                await rewards.redeem(
                    uow,
                    pg_app.reference.rewards[(owner.market, "coffee")],
                    owner=owner,
                    request_key=f"r{n}",
                    now=NOW,
                )
            except InsufficientPoints:
                return False
            await uow.commit()
            return True

    results = await asyncio.gather(*(attempt(owners[n % 3], n) for n in range(90)))
    assert sum(results) == 3 * 6
