"""The relay of durable deliveries on SQLite: retried until the platform takes them,
429s and refused credentials never dead-letter, a moved chat is followed, and a
settle after the lease was taken over changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.domain.care import OutboxStatus
from bot.domain.deliveries import DurableMessage
from bot.scheduler.delivery import Delivery, Outcome, Transports
from bot.scheduler.relay import Relay
from bot.services import deliveries
from bot.services.health import CHANNELS
from tests.fakes.transport import FakeTransport

STAFF_CHAT = -1001000000701


@pytest.fixture(autouse=True)
def healthy() -> None:
    CHANNELS.clear()


async def queue_card(app: App, text: str = "New booking #7") -> None:
    async with app.database.uow() as uow:
        deliveries.queue(
            uow,
            channel="telegram",
            chat_id=STAFF_CHAT,
            screens=[{"text": text}],
            now=app.clock.now(),
        )
        await uow.commit()


async def stored(app: App) -> list[DurableMessage]:
    async with app.database.uow() as uow:
        return list(await uow.deliveries.waiting())


def relay_on(app: App, transport: FakeTransport) -> Relay:
    return Relay(uow_factory=app.database.uow, transports=Transports(transport), clock=app.clock)


async def test_a_card_is_retried_through_errors_and_long_flood_waits_and_sent_once(
    app: App, clock: FixedClock
) -> None:
    transport = FakeTransport(channel="telegram")
    transport.fail_next(
        Delivery(Outcome.NETWORK, detail="502"),
        Delivery(Outcome.RETRY_AFTER, retry_after=90, detail="429"),
        Delivery(Outcome.NETWORK, detail="timeout"),
    )
    relay = relay_on(app, transport)
    await queue_card(app)
    rounds = []
    for _ in range(6):
        rounds.append((await relay.run_once()).sent)
        clock.advance(timedelta(minutes=2))
    assert rounds == [0, 0, 0, 1, 0, 0]
    assert transport.to(STAFF_CHAT) == ["New booking #7"]
    assert await stored(app) == []


async def test_a_refused_token_holds_the_card_without_giving_up(
    app: App, clock: FixedClock
) -> None:
    transport = FakeTransport(channel="telegram")
    transport.fail_next(*[Delivery(Outcome.PAUSED, detail="401 Unauthorized")] * 30)
    relay = relay_on(app, transport)
    await queue_card(app)
    for _ in range(30):
        await relay.run_once()
        clock.advance(timedelta(minutes=6))
    assert CHANNELS.paused("telegram")
    [waiting] = await stored(app)
    assert (waiting.status, waiting.attempts) == (OutboxStatus.PENDING, 0)
    await relay.run_once()
    assert transport.to(STAFF_CHAT) == ["New booking #7"]
    assert not CHANNELS.paused("telegram")


async def test_a_moved_chat_gets_the_card_at_its_new_id(app: App) -> None:
    transport = FakeTransport(channel="telegram")
    transport.fail_next(Delivery(Outcome.MOVED, new_chat_id=-100777, detail="upgraded"))
    relay = relay_on(app, transport)
    await queue_card(app)
    await relay.run_once()
    await relay.run_once()
    assert transport.to(-100777) == ["New booking #7"]
    await queue_card(app, "New booking #8")
    await relay.run_once()
    assert transport.to(-100777) == ["New booking #7", "New booking #8"]
    assert transport.to(STAFF_CHAT) == []
