"""Hypothesis drives the ledger through random earns, redemptions, cancellations,
reversals, adjustments and expiry, in any order, and checks after each step: the
balance is the sum of open spendable lots, nothing is ever negative, and the journal
adds up to what the lots hold.

It runs on the fake database (fast, many histories) and on real SQLite (the schema's
constraints and the set-based expiry statement)."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.data import load_reference
from bot.domain.loyalty import InsufficientPoints, LoyaltyError, RewardInfo
from bot.domain.owners import Owner
from bot.services.loyalty import adjustments, earn, expiry, rewards, statement
from bot.services.loyalty.earn import Award
from bot.services.ports import UnitOfWork
from tests.builders import an_owner
from tests.conftest import NOW, sqlite_url
from tests.fakes.uow import FakeApp

T = TypeVar("T")
REFERENCE = load_reference()
# The shipped catalogue's rewards of Thailand: vouchers, perks (one with stock), charity.
REWARDS = [
    REFERENCE.rewards[("TH", key)]
    for key in ("coffee", "charging_credit", "wheel_alignment", "road_safety", "labour_hour")
]


class Backend:
    """Where the ledger lives for one history: `uow` opens a unit of work on it."""

    uow: Callable[[], UnitOfWork]

    async def start(self) -> Owner:
        async with self.uow() as uow:
            owner = await an_owner(uow, "TH")
            await uow.reward_stock.sync(REWARDS)
            await uow.commit()
        return owner

    async def close(self) -> None:
        return None


class FakeBackend(Backend):
    def __init__(self) -> None:
        self.uow = FakeApp.build(REFERENCE, FixedClock(NOW)).database.uow


class SqliteBackend(Backend):
    template: Path | None = None  # a migrated database without the demo, set by the test

    def __init__(self) -> None:
        assert self.template is not None
        self.dir = Path(tempfile.mkdtemp())
        shutil.copy(self.template, self.dir / "ledger.db")
        settings = Settings(database_url=sqlite_url(self.dir / "ledger.db"), care_scheduler=False)
        self.app: App = build_app(settings, FixedClock(NOW))
        self.uow = self.app.database.uow

    async def close(self) -> None:
        await self.app.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class LedgerMachine(RuleBasedStateMachine):
    backend: type[Backend] = FakeBackend
    awards = Bundle("awards")
    redemptions = Bundle("redemptions")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.store = self.backend()
        self.owner = self.run(self.store.start())
        self.now: datetime = NOW
        self.counter = 0

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coro)

    def teardown(self) -> None:
        self.run(self.store.close())
        self.loop.close()

    def _key(self) -> str:
        self.counter += 1
        return f"k{self.counter}"

    @rule(target=awards, points=st.integers(1, 3000), pending=st.sampled_from([0, 0, 14]))
    def earn_points(self, points: int, pending: int) -> str:
        key = self._key()

        async def go() -> None:
            async with self.store.uow() as uow:
                grant = Award(
                    self.owner.id, "test", "test", key, points=points, pending_days=pending
                )
                await earn.award(uow, REFERENCE, grant, market="TH", now=self.now)
                await uow.commit()

        self.run(go())
        return key

    @rule(target=redemptions, reward=st.sampled_from(REWARDS))
    def redeem(self, reward: RewardInfo) -> int:
        async def go() -> int:
            async with self.store.uow() as uow:
                try:
                    result = await rewards.redeem(
                        uow, reward, owner=self.owner, request_key=self._key(), now=self.now
                    )
                except LoyaltyError:  # too few points, or out of stock
                    return -1
                await uow.commit()
                return result.redemption.id or -1

        return self.run(go())

    @rule(redemption=redemptions)
    def cancel(self, redemption: int) -> None:
        async def go() -> None:
            async with self.store.uow() as uow:
                try:
                    await rewards.cancel_redemption(
                        uow, owner_id=self.owner.id, redemption_id=redemption, now=self.now
                    )
                except LoyaltyError:
                    return
                await uow.commit()

        self.run(go())

    @rule(award=awards)
    def reverse(self, award: str) -> None:
        async def go() -> None:
            async with self.store.uow() as uow:
                await earn.reverse_award(
                    uow, source="test", source_id=award, rule="test", now=self.now, reason="t"
                )
                await uow.commit()

        self.run(go())

    @rule(delta=st.integers(-2000, 2000).filter(bool))
    def adjust(self, delta: int) -> None:
        async def go() -> None:
            async with self.store.uow() as uow:
                try:
                    await adjustments.adjust(
                        uow,
                        REFERENCE,
                        owner=self.owner,
                        delta=delta,
                        reason="t",
                        actor="t",
                        now=self.now,
                    )
                except InsufficientPoints:
                    return
                await uow.commit()

        self.run(go())

    @rule(days=st.sampled_from([1, 15, 200, 400, 800]))
    def time_passes_and_expiry_runs(self, days: int) -> None:
        self.now += timedelta(days=days)

        async def go() -> None:
            async with self.store.uow() as uow:
                await expiry.expire(uow, self.now)
                await uow.commit()

        self.run(go())

    @invariant()
    def books_balance(self) -> None:
        async def check() -> None:
            owner_id = self.owner.id
            async with self.store.uow() as uow:
                lots = await uow.point_lots.open_of(owner_id)
                count = await uow.ledger.count_of_owner(owner_id)
                journal = sum(e.points for e in await uow.ledger.of_owner(owner_id, 0, count))
                summary = await statement.summary(uow, REFERENCE, self.owner, self.now)
            # Never below zero: the schema's CHECK (and the fake's) refuses that at flush.
            assert all(lot.remaining <= lot.points for lot in lots)
            assert journal == sum(lot.remaining for lot in lots)  # closed lots hold 0
            spendable = sum(
                lot.remaining for lot in lots if lot.available_at <= self.now < lot.expires_at
            )
            assert summary.balance == spendable >= 0

        self.run(check())


class SqliteLedgerMachine(LedgerMachine):
    backend = SqliteBackend


def _settings(examples: int, steps: int) -> settings:
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@pytest.fixture
def on_sqlite(empty_template: Path) -> type[LedgerMachine]:
    SqliteBackend.template = empty_template
    return SqliteLedgerMachine


def test_the_ledger_stays_consistent_in_any_order_of_operations() -> None:
    run_state_machine_as_test(LedgerMachine, settings=_settings(50, 20))


def test_the_ledger_stays_consistent_on_sqlite(on_sqlite: type[LedgerMachine]) -> None:
    run_state_machine_as_test(on_sqlite, settings=_settings(15, 15))


@pytest.mark.slow
def test_the_ledger_stays_consistent_over_long_random_histories() -> None:
    run_state_machine_as_test(LedgerMachine, settings=_settings(300, 40))


@pytest.mark.slow
def test_the_ledger_stays_consistent_over_long_random_histories_on_sqlite(
    on_sqlite: type[LedgerMachine],
) -> None:
    run_state_machine_as_test(on_sqlite, settings=_settings(150, 40))
