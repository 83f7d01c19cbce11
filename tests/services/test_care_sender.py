"""The outbox sender: guardrails at send time, Telegram's answers, the owner's language.

Most tests run on a fake database with the owners they describe; the last two plan
and erase on SQLite with the demo data (the planner's SQL, erasure across features)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.data import load_reference
from bot.demo.data import DEMO_OWNERS
from bot.demo.seed import demo_user_id
from bot.domain.care import HoldReason, OutboxMessage, OutboxStatus, Rule
from bot.domain.owners import Account, Owner
from bot.i18n import Catalogs
from bot.scheduler.sender import Delivery, Outcome, Sender
from bot.services import care
from bot.services.ports import UnitOfWorkFactory
from handlers.care_messages import after_sent, renderer_for
from tests.builders import a_vehicle, an_account, an_owner
from tests.builders.care import an_outbox_message
from tests.conftest import LOCALES
from tests.fakes.transport import FakeTransport, NoLimits
from tests.fakes.uow import FakeApp

REFERENCE = load_reference()
CATALOGS = Catalogs(LOCALES)


def sender_on(
    uow_factory: UnitOfWorkFactory, transport: FakeTransport, clock: FixedClock
) -> Sender:
    return Sender(
        uow_factory=uow_factory,
        reference=REFERENCE,
        transport=transport,
        limiter=NoLimits(),
        clock=clock,
        render=renderer_for(CATALOGS, REFERENCE, clock.now),
        after_sent=after_sent,
    )


def sender_for(app: App, transport: FakeTransport, clock: FixedClock) -> Sender:
    """The sender on the app's database."""
    return sender_on(app.database.uow, transport, clock)


class Outbox:
    """Owners with a chat and a car, the messages queued for them, and the sender."""

    def __init__(self, app: FakeApp) -> None:
        self.app = app
        self.clock = app.clock
        self.transport = FakeTransport()
        self.sender = sender_on(app.database.uow, self.transport, app.clock)

    async def owner(
        self, market: str, locale: str, *, consent_marketing: bool = True
    ) -> tuple[Owner, Account]:
        async with self.app.database.uow() as uow:
            owner = await an_owner(
                uow,
                market,
                locale=locale,
                consent_service=True,
                consent_marketing=consent_marketing,
            )
            account = await an_account(uow, owner)
            await a_vehicle(uow, owner)
            await uow.commit()
        return owner, account

    async def queue(
        self, owner: Owner, rule: Rule, *, expires_at: datetime | None = None, **payload: object
    ) -> int:
        async with self.app.database.uow() as uow:
            [vehicle] = await uow.vehicles.of_owner(owner.id)
            message = await an_outbox_message(
                uow,
                owner,
                rule,
                due_at=self.clock.now(),
                expires_at=expires_at,
                payload={"vehicle_id": vehicle.id, **payload},
            )
            await uow.commit()
        assert message.id is not None
        return message.id

    async def status(self, message_id: int) -> OutboxMessage:
        async with self.app.database.uow() as uow:
            message = await uow.outbox.get(message_id)
        assert message is not None
        return message


@pytest.fixture
def outbox(fake_app: FakeApp) -> Outbox:
    return Outbox(fake_app)


async def oliver(outbox: Outbox) -> tuple[Owner, Account]:
    """London, English."""
    return await outbox.owner("GB", "en")


async def test_a_due_message_arrives_once_in_the_owners_language(
    outbox: Outbox, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))  # 11:00 in Almaty
    aigerim, chat = await outbox.owner("KZ", "ru")
    message = await outbox.queue(aigerim, Rule.WELCOME)
    await outbox.sender.run_once()
    await outbox.sender.run_once()
    texts = outbox.transport.to(chat.chat_id)
    assert len(texts) == 1
    russian = CATALOGS.translator("ru")
    line = "⭐ /points: your points, tier and rewards"
    assert russian._(line) != line, "the Russian catalog must translate this"
    assert russian._(line) in texts[0]
    assert (await outbox.status(message)).status is OutboxStatus.SENT


async def test_a_failing_after_sent_hook_never_sends_the_message_again(
    outbox: Outbox, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    owner, chat = await oliver(outbox)
    message = await outbox.queue(owner, Rule.WELCOME)

    async def broken(_uow: object, _message: OutboxMessage) -> None:
        raise RuntimeError("bookkeeping broke")

    outbox.sender.after_sent = broken
    await outbox.sender.run_once()
    clock.set(clock.now() + timedelta(hours=1))
    await outbox.sender.run_once()
    assert len(outbox.transport.to(chat.chat_id)) == 1
    assert (await outbox.status(message)).status is OutboxStatus.SENT
    assert "after-sent bookkeeping failed" in caplog.text


async def test_quiet_hours_hold_a_message_until_the_window_opens(
    outbox: Outbox, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))  # 22:00 in London
    owner, chat = await oliver(outbox)
    message = await outbox.queue(owner, Rule.TIPS_DAY_7)
    await outbox.sender.run_once()
    held = await outbox.status(message)
    assert outbox.transport.sent == []
    assert (held.status, held.last_error) == (OutboxStatus.PENDING, HoldReason.QUIET_HOURS)
    assert held.due_at == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    clock.set(held.due_at)
    await outbox.sender.run_once()
    assert len(outbox.transport.to(chat.chat_id)) == 1


async def test_marketing_is_capped_at_one_a_day_and_two_a_week(
    outbox: Outbox, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    owner, _ = await oliver(outbox)
    first = await outbox.queue(owner, Rule.BIRTHDAY)
    second = await outbox.queue(owner, Rule.TRADE_IN)
    await outbox.sender.run_once()
    assert len(outbox.transport.sent) == 1
    assert (await outbox.status(first)).status is OutboxStatus.SENT
    held = await outbox.status(second)
    assert (held.status, held.last_error) == (OutboxStatus.PENDING, HoldReason.MARKETING_CAP)
    assert held.due_at >= clock.now() + timedelta(days=1)
    clock.set(held.due_at)
    third = await outbox.queue(owner, Rule.TRADE_IN)
    await outbox.sender.run_once()
    assert (await outbox.status(second)).status is OutboxStatus.SENT
    held = await outbox.status(third)
    assert held.due_at >= datetime(2026, 11, 30, 12, 0, tzinfo=UTC), "two a week"


async def test_a_birthday_greeting_gets_the_days_marketing_slot_before_a_win_back(
    outbox: Outbox, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    owner, _ = await oliver(outbox)
    win_back = await outbox.queue(owner, Rule.WIN_BACK, touch=1)
    only_today = clock.now() + timedelta(hours=10)
    birthday = await outbox.queue(owner, Rule.BIRTHDAY, expires_at=only_today)
    await outbox.sender.run_once()
    assert (await outbox.status(birthday)).status is OutboxStatus.SENT
    assert (await outbox.status(win_back)).status is OutboxStatus.PENDING, "it can wait a day"


async def test_no_marketing_to_owners_who_declined_it(outbox: Outbox, clock: FixedClock) -> None:
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # noon in Dubai
    ahmed, _ = await outbox.owner("AE", "ar", consent_marketing=False)
    message = await outbox.queue(ahmed, Rule.BIRTHDAY)
    await outbox.sender.run_once()
    skipped = await outbox.status(message)
    assert (skipped.status, skipped.last_error) == (
        OutboxStatus.SKIPPED,
        HoldReason.NO_MARKETING_CONSENT,
    )


async def test_an_expired_message_is_skipped(outbox: Outbox, clock: FixedClock) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    owner, _ = await oliver(outbox)
    message = await outbox.queue(owner, Rule.BIRTHDAY, expires_at=clock.now())
    await outbox.sender.run_once()
    skipped = await outbox.status(message)
    assert (skipped.status, skipped.last_error) == (OutboxStatus.SKIPPED, HoldReason.EXPIRED)
    assert outbox.transport.sent == []


async def test_a_429_waits_retry_after_and_then_delivers_once(
    outbox: Outbox, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    owner, chat = await oliver(outbox)
    message = await outbox.queue(owner, Rule.WELCOME)
    outbox.transport.fail_next(Delivery(Outcome.RETRY_AFTER, retry_after=7))
    await outbox.sender.run_once()
    waiting = await outbox.status(message)
    assert (waiting.status, waiting.due_at) == (
        OutboxStatus.PENDING,
        clock.now() + timedelta(seconds=7),
    )
    clock.advance(timedelta(seconds=7))
    await outbox.sender.run_once()
    assert len(outbox.transport.to(chat.chat_id)) == 1


async def test_a_403_marks_the_owner_unreachable_and_stops_further_sends(
    outbox: Outbox, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    owner, _ = await oliver(outbox)
    first = await outbox.queue(owner, Rule.WELCOME)
    outbox.transport.fail_next(Delivery(Outcome.BLOCKED))
    await outbox.sender.run_once()
    assert (await outbox.status(first)).status is OutboxStatus.FAILED
    second = await outbox.queue(owner, Rule.TIPS_DAY_7)
    await outbox.sender.run_once()
    skipped = await outbox.status(second)
    assert (skipped.status, skipped.last_error) == (
        OutboxStatus.SKIPPED,
        HoldReason.NO_REACHABLE_CHAT,
    )
    assert outbox.transport.sent == []
    async with outbox.app.database.uow() as uow:
        assert await uow.owners.get(owner.id) is not None  # the data stays
        assert all(a.unreachable_at is not None for a in await uow.accounts.of_owner(owner.id))


async def test_network_errors_back_off_and_end_in_the_dead_letter(
    outbox: Outbox, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    owner, _ = await oliver(outbox)
    message = await outbox.queue(owner, Rule.WELCOME)
    outbox.transport.fail_next(*[Delivery(Outcome.NETWORK, detail="timeout")] * 10)
    delays = []
    for _ in range(6):
        await outbox.sender.run_once()
        row = await outbox.status(message)
        if row.status is not OutboxStatus.PENDING:
            break
        delays.append((row.due_at - clock.now()).total_seconds())
        clock.set(row.due_at)
    assert delays == [30, 60, 120, 240, 480]
    dead = await outbox.status(message)
    assert dead.status is OutboxStatus.DEAD
    assert "timeout" in dead.last_error


async def test_a_message_with_nothing_left_to_say_is_skipped(
    outbox: Outbox, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    owner, _ = await oliver(outbox)  # no points at all: nothing expires
    message = await outbox.queue(owner, Rule.POINTS_EXPIRING)
    await outbox.sender.run_once()
    assert (await outbox.status(message)).last_error == "nothing to say any more"


# --- on SQLite with the demo: the planner's SQL, and erasure across every feature -------------


async def queue(app: App, phone: str, rule: Rule, at: datetime, **payload: object) -> int:
    """Queue a message for a demo owner (by phone), with their first car in the payload."""
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        assert owner is not None
        vehicles = await uow.vehicles.of_owner(owner.id)
        if "vehicle_id" not in payload and vehicles:
            payload["vehicle_id"] = vehicles[0].id
        await care._queue(uow, owner.id, rule, f"test-{rule}", at, dict(payload))
        await uow.commit()
        rows = await uow.outbox.of_owner(owner.id)
    return next(m.id or 0 for m in rows if m.rule is rule)


async def status(app: App, message_id: int) -> OutboxMessage:
    """An outbox message as stored now."""
    async with app.database.uow() as uow:
        message = await uow.outbox.get(message_id)
    assert message is not None
    return message


def chat_of(phone: str) -> int:
    index = next(i for i, p in enumerate(DEMO_OWNERS, start=1) if p.phone == phone)
    return demo_user_id(index)


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


@pytest.mark.parametrize("phone", ["+447911123456", "+77011234567"])  # Oliver, Aigerim
async def test_an_erased_owner_gets_nothing(app: App, clock: FixedClock, phone: str) -> None:
    from bot.services.privacy import erase_owner

    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    message = await queue(app, phone, Rule.WELCOME, clock.now())
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        await erase_owner(uow, owner, clock.now())
        await uow.commit()
    await sender_for(app, FakeTransport(), clock).run_once()
    async with app.database.uow() as uow:
        assert (await uow.outbox.get(message)).status is OutboxStatus.SKIPPED
