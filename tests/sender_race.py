"""A send slower than the lease while a second sender runs: the race of the fencing
tests on SQLite (tests/services) and PostgreSQL (tests/pg)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.app import App
from bot.domain.care import OutboxStatus, Rule
from bot.scheduler.sender import Delivery, Outcome, Sender
from bot.services import care
from handlers.care_messages import renderer_for
from handlers.types import Screen
from tests.fakes.transport import NoLimits

LEASE = timedelta(seconds=1.0)  # renewed every 0.33 s: room for a loaded machine (0.4 s was not)
SLOW_SEND = 2.2  # seconds: over two leases
OWNER = 2


class RunningClock:
    """Real time, from a fixed start: leases expire while a test waits."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.began = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.began)


class SlowTransport:
    """Counts every delivery; each one takes `SLOW_SEND` seconds."""

    channel = "console"  # where the demo's owners are linked

    def __init__(self) -> None:
        self.deliveries: list[int] = []
        self.sending = asyncio.Event()

    async def deliver(self, chat_id: int, screens: Sequence[Screen]) -> Delivery:
        self.deliveries.append(chat_id)
        self.sending.set()
        await asyncio.sleep(SLOW_SEND)
        return Delivery(Outcome.SENT)


async def slow_send_with_a_second_sender(app: App, start: datetime, round_no: int) -> None:
    """One message, sender A sends it slowly, sender B keeps claiming meanwhile.
    Asserts it was delivered once and recorded as sent."""
    async with app.database.uow() as uow:
        owner = await uow.owners.get(OWNER)  # a demo owner linked on the console
        assert owner is not None
        owner.send_from_hour, owner.send_until_hour = 0, 24
        owner.consent_service = True
        assert await care._queue(uow, OWNER, Rule.WELCOME, f"slow-{round_no}", start, {})
        await uow.commit()
    clock = RunningClock(start)
    transport = SlowTransport()

    def sender() -> Sender:
        return Sender(
            uow_factory=app.database.uow,
            reference=app.reference,
            transport=transport,
            limiter=NoLimits(),
            clock=clock,
            render=renderer_for(app.catalogs, app.reference, clock.now),
            lease=LEASE,
        )

    first, second = sender(), sender()
    sending = asyncio.create_task(first.run_once())
    await asyncio.wait_for(transport.sending.wait(), 10)
    while not sending.done():
        await second.run_once()
        await asyncio.sleep(0.02)
    report = sending.result()
    for _ in range(3):  # nothing left for anyone
        await second.run_once()
    assert len(transport.deliveries) == 1
    assert report.sent == 1
    assert report.lost == 0
    async with app.database.uow() as uow:
        mine = await uow.outbox.of_owner(OWNER)
    messages = [m for m in mine if m.occurrence == f"slow-{round_no}"]
    assert [(m.status, m.attempts) for m in messages] == [(OutboxStatus.SENT, 1)]
