"""The outbox sender: guardrails at send time, Telegram's answers, the owner's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.demo.data import DEMO_OWNERS
from bot.demo.seed import demo_user_id
from bot.domain.care import OutboxMessage, OutboxStatus, Rule
from bot.scheduler.sender import Delivery, Outcome, Sender
from bot.services import care
from handlers.care_messages import after_sent, renderer_for
from tests.fakes.transport import FakeTransport, NoLimits


def chat_of(phone: str) -> int:
    index = next(i for i, p in enumerate(DEMO_OWNERS, start=1) if p.phone == phone)
    return demo_user_id(index)


def sender_for(app: App, transport: FakeTransport, clock: FixedClock) -> Sender:
    return Sender(
        uow_factory=app.database.uow,
        reference=app.reference,
        transport=transport,
        limiter=NoLimits(),
        clock=clock,
        render=renderer_for(app.catalogs, app.reference, clock.now),
        after_sent=after_sent,
    )


async def queue(app: App, phone: str, rule: Rule, at: datetime, **payload: object) -> int:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        vehicles = await uow.vehicles.of_owner(owner.id)
        if "vehicle_id" not in payload and vehicles:
            payload["vehicle_id"] = vehicles[0].id
        await care._queue(uow, owner.id, rule, f"test-{rule}", at, dict(payload))
        await uow.commit()
        rows = await uow.outbox.of_owner(owner.id)
    return next(m.id for m in rows if m.rule == rule)


async def status(app: App, message_id: int) -> OutboxMessage:
    async with app.database.uow() as uow:
        message = await uow.outbox.get(message_id)
    assert message is not None
    return message


OLIVER = "+447911123456"  # London, English
AIGERIM = "+77011234567"  # Almaty, Russian
AHMED = "+971501234567"  # Dubai, Arabic, declined marketing


async def test_a_due_message_arrives_once_in_the_owners_language(
    app: App, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))  # 11:00 in Almaty
    message = await queue(app, AIGERIM, Rule.WELCOME, clock.now())
    transport = FakeTransport()
    sender = sender_for(app, transport, clock)
    await sender.run_once()
    await sender.run_once()
    texts = transport.to(chat_of(AIGERIM))
    assert len(texts) == 1
    russian = app.catalogs.translator("ru")
    line = "⭐ /points: your points, tier and rewards"
    assert russian._(line) != line, "the Russian catalog must translate this"
    assert russian._(line) in texts[0]
    assert (await status(app, message)).status == OutboxStatus.SENT


async def test_a_failing_after_sent_hook_never_sends_the_message_again(
    app: App, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    clock.set(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
    message = await queue(app, AIGERIM, Rule.WELCOME, clock.now())

    async def broken(_uow: object, _message: OutboxMessage) -> None:
        raise RuntimeError("bookkeeping broke")

    transport = FakeTransport()
    sender = sender_for(app, transport, clock)
    sender.after_sent = broken
    await sender.run_once()
    clock.set(clock.now() + timedelta(hours=1))
    await sender.run_once()
    assert len(transport.to(chat_of(AIGERIM))) == 1
    assert (await status(app, message)).status == OutboxStatus.SENT
    assert "after-sent bookkeeping failed" in caplog.text


async def test_quiet_hours_hold_a_message_until_the_window_opens(
    app: App, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))  # 22:00 in London
    message = await queue(app, OLIVER, Rule.TIPS_DAY_7, clock.now())
    transport = FakeTransport()
    sender = sender_for(app, transport, clock)
    await sender.run_once()
    held = await status(app, message)
    assert transport.sent == []
    assert held.status == OutboxStatus.PENDING
    assert held.due_at == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    clock.set(held.due_at)
    await sender.run_once()
    assert len(transport.to(chat_of(OLIVER))) == 1


async def test_marketing_is_capped_at_one_a_day_and_two_a_week(app: App, clock: FixedClock) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    first = await queue(app, OLIVER, Rule.BIRTHDAY, clock.now())
    second = await queue(app, OLIVER, Rule.TRADE_IN, clock.now())
    transport = FakeTransport()
    sender = sender_for(app, transport, clock)
    await sender.run_once()
    assert len(transport.sent) == 1
    assert (await status(app, first)).status == OutboxStatus.SENT
    held = await status(app, second)
    assert held.status == OutboxStatus.PENDING
    assert held.due_at >= clock.now() + timedelta(days=1)


async def test_a_birthday_greeting_gets_the_days_marketing_slot_before_a_win_back(
    app: App, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    win_back = await queue(app, OLIVER, Rule.WIN_BACK, clock.now(), touch=1)
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(OLIVER)
        await care._queue(
            uow,
            owner.id,
            Rule.BIRTHDAY,
            "test-birthday",
            clock.now(),
            {},
            expires_at=clock.now() + timedelta(hours=10),  # only good today
        )
        await uow.commit()
        birthday = next(m.id for m in await uow.outbox.of_owner(owner.id) if m.rule == "birthday")
    transport = FakeTransport()
    await sender_for(app, transport, clock).run_once()
    assert (await status(app, birthday)).status == OutboxStatus.SENT
    assert (await status(app, win_back)).status == OutboxStatus.PENDING, "it can wait a day"


async def test_no_marketing_to_owners_who_declined_it(app: App, clock: FixedClock) -> None:
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # noon in Dubai
    message = await queue(app, AHMED, Rule.BIRTHDAY, clock.now())
    transport = FakeTransport()
    await sender_for(app, transport, clock).run_once()
    skipped = await status(app, message)
    assert (skipped.status, skipped.last_error) == (OutboxStatus.SKIPPED, "no marketing consent")


async def test_a_429_waits_retry_after_and_then_delivers_once(app: App, clock: FixedClock) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    message = await queue(app, OLIVER, Rule.WELCOME, clock.now())
    transport = FakeTransport()
    transport.fail_next(Delivery(Outcome.RETRY_AFTER, retry_after=7))
    sender = sender_for(app, transport, clock)
    await sender.run_once()
    waiting = await status(app, message)
    assert (waiting.status, waiting.due_at) == (
        OutboxStatus.PENDING,
        clock.now() + timedelta(seconds=7),
    )
    clock.advance(timedelta(seconds=7))
    await sender.run_once()
    assert len(transport.to(chat_of(OLIVER))) == 1


async def test_a_403_marks_the_owner_unreachable_and_stops_further_sends(
    app: App, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    first = await queue(app, OLIVER, Rule.WELCOME, clock.now())
    transport = FakeTransport()
    transport.fail_next(Delivery(Outcome.BLOCKED))
    sender = sender_for(app, transport, clock)
    await sender.run_once()
    assert (await status(app, first)).status == OutboxStatus.FAILED
    second = await queue(app, OLIVER, Rule.TIPS_DAY_7, clock.now())
    await sender.run_once()
    assert (await status(app, second)).status == OutboxStatus.SKIPPED
    assert transport.sent == []
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(OLIVER)
        assert owner is not None  # the data stays
        assert all(a.unreachable_at is not None for a in await uow.accounts.of_owner(owner.id))


async def test_network_errors_back_off_and_end_in_the_dead_letter(
    app: App, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    message = await queue(app, OLIVER, Rule.WELCOME, clock.now())
    transport = FakeTransport()
    transport.fail_next(*[Delivery(Outcome.NETWORK, detail="timeout")] * 10)
    sender = sender_for(app, transport, clock)
    delays = []
    for _ in range(6):
        await sender.run_once()
        row = await status(app, message)
        if row.status != OutboxStatus.PENDING:
            break
        delays.append((row.due_at - clock.now()).total_seconds())
        clock.set(row.due_at)
    assert delays == [30, 60, 120, 240, 480]
    dead = await status(app, message)
    assert dead.status == OutboxStatus.DEAD
    assert "timeout" in dead.last_error


async def test_a_message_with_nothing_left_to_say_is_skipped(app: App, clock: FixedClock) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    # Nattaya has no points at all, so a points-expiring reminder has nothing to say.
    message = await queue(app, "+66891112233", Rule.POINTS_EXPIRING, clock.now())
    await sender_for(app, FakeTransport(), clock).run_once()
    assert (await status(app, message)).last_error == "nothing to say any more"


async def test_planned_messages_reach_every_owner_in_their_language(
    app: App, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    async with app.database.uow() as uow:
        await care.plan(uow, app.reference, clock.now())
        await uow.commit()
    transport = FakeTransport()
    sender = sender_for(app, transport, clock)
    for _hour in range(30):  # a day and a bit: every market's window opens
        await sender.run_once()
        clock.advance(timedelta(hours=1))
    assert transport.sent
    async with app.database.uow() as uow:
        for person in DEMO_OWNERS:
            owner = await uow.owners.by_phone(person.phone)
            for message in await uow.outbox.of_owner(owner.id):
                assert message.status in (OutboxStatus.SENT, OutboxStatus.SKIPPED), (
                    message.rule,
                    message.last_error,
                )


@pytest.mark.parametrize("phone", [OLIVER, AIGERIM])
async def test_an_erased_owner_gets_nothing(app: App, clock: FixedClock, phone: str) -> None:
    from bot.services.privacy import erase_owner

    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    message = await queue(app, phone, Rule.WELCOME, clock.now())
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        await erase_owner(uow, owner, clock.now())
        await uow.commit()
    await sender_for(app, FakeTransport(), clock).run_once()
    assert (await status(app, message)).status == OutboxStatus.SKIPPED
