"""Hypothesis drives the real ledger (SQLite) through random earns, redemptions,
cancellations, reversals, adjustments and expiry, in any order, and checks after each
step: the balance is the sum of open spendable lots, nothing is ever negative, and the
journal adds up to what the lots hold."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Coroutine
from datetime import timedelta
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
from sqlalchemy import func, select

from bot.app import build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.domain.loyalty import InsufficientPoints, LoyaltyError
from bot.domain.owners import Owner
from bot.services.loyalty import adjustments, earn, expiry, rewards, statement
from bot.services.loyalty.earn import Award
from storage import tables
from tests.conftest import NOW, sqlite_url

T = TypeVar("T")

TEMPLATE: Path | None = None
REWARDS = ["coffee", "charging_credit", "wheel_alignment", "road_safety", "labour_hour"]


class LedgerMachine(RuleBasedStateMachine):
    awards = Bundle("awards")
    redemptions = Bundle("redemptions")

    def __init__(self) -> None:
        super().__init__()
        assert TEMPLATE is not None
        self.dir = Path(tempfile.mkdtemp())
        shutil.copy(TEMPLATE, self.dir / "db.sqlite")
        self.loop = asyncio.new_event_loop()
        self.now = NOW
        self.app = build_app(
            Settings(database_url=sqlite_url(self.dir / "db.sqlite")), FixedClock(NOW)
        )
        self.owner = self.run(self._owner())
        self.counter = 0

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coro)

    async def _owner(self) -> Owner:
        async with self.app.database.uow() as uow:
            return await uow.owners.by_phone("+66812345678")

    def teardown(self) -> None:
        self.run(self.app.close())
        self.loop.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _key(self) -> str:
        self.counter += 1
        return f"k{self.counter}"

    @rule(target=awards, points=st.integers(1, 3000), pending=st.sampled_from([0, 0, 14]))
    def earn(self, points: int, pending: int) -> str:
        key = self._key()

        async def go() -> None:
            async with self.app.database.uow() as uow:
                await earn.award(
                    uow,
                    self.app.reference,
                    Award(self.owner.id, "test", "test", key, points=points, pending_days=pending),
                    market="TH",
                    now=self.now,
                )
                await uow.commit()

        self.run(go())
        return key

    @rule(target=redemptions, reward=st.sampled_from(REWARDS))
    def redeem(self, reward: str) -> int:
        async def go() -> int:
            async with self.app.database.uow() as uow:
                try:
                    result = await rewards.redeem(
                        uow,
                        self.app.reference.rewards[("TH", reward)],
                        owner=self.owner,
                        request_key=self._key(),
                        now=self.now,
                    )
                except InsufficientPoints:
                    return -1
                await uow.commit()
                return result.redemption.id or -1

        return self.run(go())

    @rule(redemption=redemptions)
    def cancel(self, redemption: int) -> None:
        async def go() -> None:
            async with self.app.database.uow() as uow:
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
            async with self.app.database.uow() as uow:
                await earn.reverse_award(
                    uow, source="test", source_id=award, rule="test", now=self.now, reason="t"
                )
                await uow.commit()

        self.run(go())

    @rule(delta=st.integers(-2000, 2000).filter(bool))
    def adjust(self, delta: int) -> None:
        async def go() -> None:
            async with self.app.database.uow() as uow:
                try:
                    await adjustments.adjust(
                        uow,
                        self.app.reference,
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
            async with self.app.database.uow() as uow:
                await expiry.expire(uow, self.now)
                await uow.commit()

        self.run(go())

    @invariant()
    def books_balance(self) -> None:
        async def check() -> None:
            async with self.app.database.uow() as uow:
                session = uow.session
                lots = (
                    await session.execute(
                        select(tables.point_lots).where(
                            tables.point_lots.c.owner_id == self.owner.id
                        )
                    )
                ).all()
                journal = await session.scalar(
                    select(func.coalesce(func.sum(tables.ledger_entries.c.points), 0)).where(
                        tables.ledger_entries.c.owner_id == self.owner.id
                    )
                )
                summary = await statement.summary(uow, self.app.reference, self.owner, self.now)
            assert all(0 <= lot.remaining <= lot.points for lot in lots)
            assert journal == sum(lot.remaining for lot in lots)
            spendable = sum(
                lot.remaining for lot in lots if lot.available_at <= self.now < lot.expires_at
            )
            assert summary.balance == spendable >= 0

        self.run(check())


@pytest.fixture(autouse=True)
def _template(seeded_template: Path) -> None:
    global TEMPLATE
    TEMPLATE = seeded_template


def _settings(examples: int, steps: int) -> settings:
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def test_the_ledger_stays_consistent_in_any_order_of_operations() -> None:
    run_state_machine_as_test(LedgerMachine, settings=_settings(15, 15))


@pytest.mark.slow
def test_the_ledger_stays_consistent_over_long_random_histories() -> None:
    run_state_machine_as_test(LedgerMachine, settings=_settings(150, 40))
