"""The care planner and sender on PostgreSQL: concurrent planners plan nothing twice;
two senders share the outbox (SKIP LOCKED) and deliver every message exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.app import App
from bot.clock import FixedClock
from bot.domain.care import OutboxStatus, Rule
from bot.scheduler.sender import Sender
from bot.services import care
from handlers.care_messages import renderer_for
from tests.fakes.transport import FakeTransport, NoLimits

AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def _plan(app: App) -> int:
    async with app.database.uow() as uow:
        report = await care.plan(uow, app.reference, AT)
        await uow.commit()
    return report.total


async def test_planners_racing_on_postgres_plan_nothing_twice(pg_app: App) -> None:
    totals = await asyncio.gather(*(_plan(pg_app) for _ in range(4)))
    async with pg_app.database.uow() as uow:
        rows = await uow.outbox.pending_count()
    assert rows == sum(totals) > 0


async def test_two_senders_share_the_outbox_and_send_each_message_once(pg_app: App) -> None:
    async with pg_app.database.uow() as uow:
        for owner_id in range(1, 22):
            owner = await uow.owners.get(owner_id)
            if owner is not None:
                owner.send_from_hour, owner.send_until_hour = 0, 24
                for n in range(3):
                    await care._queue(uow, owner_id, Rule.WELCOME, f"pg-{n}", AT, {})
        await uow.commit()
    clock = FixedClock(AT)
    transport = FakeTransport()

    def sender() -> Sender:
        return Sender(
            uow_factory=pg_app.database.uow,
            reference=pg_app.reference,
            transport=transport,
            limiter=NoLimits(),
            clock=clock,
            render=renderer_for(pg_app.catalogs, pg_app.reference, clock.now),
            batch=5,
        )

    first, second = sender(), sender()
    for _ in range(30):
        reports = await asyncio.gather(first.run_once(), second.run_once())
        if not any(sum(vars(r).values()) for r in reports):
            break
    async with pg_app.database.uow() as uow:
        rows = [
            m
            for owner_id in range(1, 22)
            for m in await uow.outbox.of_owner(owner_id)
            if m.occurrence.startswith("pg-")
        ]
    sent = [m for m in rows if m.status == OutboxStatus.SENT]
    assert sent, "demo owners with a linked chat got their messages"
    assert all(m.status in (OutboxStatus.SENT, OutboxStatus.SKIPPED) for m in rows)
    assert len(transport.sent) == len(sent), "two senders, and still each message once"
