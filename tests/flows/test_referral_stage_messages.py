"""Stages from the CRM import reach the owner through the outbox, in their language and
in the words staff moves in chat use; stages moved in chat are told at once, never twice."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from bot.app import App
from bot.clock import FixedClock
from bot.domain.care import OutboxMessage, OutboxStatus, Rule
from bot.domain.referrals import (
    DELIVERED_RULE,
    TEST_DRIVE_RULE,
    NoReward,
    Payout,
    Referral,
    StageRewards,
)
from bot.domain.staff import Role
from bot.services import care
from bot.services.referral_import import StageImportReport, import_stages
from handlers.points import points_text
from tests.conftest import NOW, Chat, ChatFactory
from tests.fakes.transport import FakeTransport
from tests.flows.helpers import linked
from tests.services.loyalty_helpers import days, owner_by_phone
from tests.services.referral_helpers import DUBAI, recommend
from tests.services.test_care_sender import chat_of, sender_for
from tests.staff import make_staff

HEADER = "referral_id,friend_phone,market,stage,changed_at,vin,note\n"
AIGERIM = "+77011234567"  # Almaty, Russian
DEALER = "Aurora Sheikh Zayed Road Dubai"  # AE-DXB-01
STAGE_RULES = (Rule.REFERRAL_STAGE, Rule.WELCOME_GIFT)


async def run(app: App, rows: str) -> StageImportReport:
    async with app.database.uow() as uow:
        report = await import_stages(
            uow,
            (HEADER + rows).splitlines(keepends=True),
            app.reference,
            now=app.clock.now(),
            actor="import:crm.csv",
        )
        assert report.applied, report.errors
        await uow.commit()
    return report


async def a_lead(app: App, phone: str, name: str = "Sam Friend") -> Referral:
    owner = await owner_by_phone(app, DUBAI)
    return await recommend(app, owner, phone, at=NOW - days(30), name=name)


async def queued(app: App, phone: str) -> list[OutboxMessage]:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        assert owner is not None
        rows = await uow.outbox.of_owner(owner.id or 0)
    return [m for m in rows if m.rule in STAGE_RULES]


def on(day: int) -> str:
    return f"{(NOW - days(day)).date()}"


async def test_importing_stages_queues_one_message_per_referral_moved_and_none_when_imported_again(
    app: App,
) -> None:
    sam = await a_lead(app, "+971509990401")
    kim = await a_lead(app, "+971509990402", "Kim Lee")
    rows = (
        f"{sam.id},,,contacted,{on(25)},,\n"
        f"{sam.id},,,test_drive_done,{on(20)},,\n"
        f"{kim.id},,,contacted,{on(25)},,\n"
    )
    report = await run(app, rows)
    assert report.moved == 3
    messages = await queued(app, DUBAI)
    assert sorted(m.occurrence for m in messages) == sorted(
        [f"{sam.id}:test_drive_done", f"{kim.id}:contacted"]
    ), "one message per friend, at the stage the file left them"
    assert all(m.rule == Rule.REFERRAL_STAGE for m in messages)
    assert all(m.category == "transactional" for m in messages)
    sams = next(m for m in messages if m.occurrence.startswith(f"{sam.id}:"))
    assert sams.payload["paid"] == [[TEST_DRIVE_RULE, 500, None]]

    again = await run(app, rows)
    assert again.moved == 0
    assert len(await queued(app, DUBAI)) == 2, "a re-import plans nothing"


async def test_the_sender_tells_the_owner_in_their_language_and_the_friend_of_their_gift(
    app: App, clock: FixedClock
) -> None:
    referral = await a_lead(app, "+971509990403")
    async with app.database.uow() as uow:
        # Recommended before she was an owner; the CRM now knows her as Aigerim.
        stored = await uow.referrals.get(referral.id or 0)
        assert stored is not None
        stored.friend_phone = AIGERIM
        await uow.commit()
    await run(app, f"{referral.id},,,order,{on(20)},,\n{referral.id},,,delivered,{on(2)},,\n")
    assert {m.rule for m in await queued(app, AIGERIM)} == {Rule.WELCOME_GIFT}

    transport = FakeTransport()
    sender = sender_for(app, transport, clock)
    await sender.run_once()
    await sender.run_once()

    ar = app.catalogs.translator("ar", "AE")
    told = transport.to(chat_of(DUBAI))
    assert len(told) == 1
    news = ar._("🎉 {friend} has received their new car!", friend="Sam")
    assert news != "🎉 Sam has received their new car!", "the Arabic catalog translates it"
    assert news in told[0]
    assert ar.ngettext("⭐ You earned {n} point.", "⭐ You earned {n} points.", 500) in told[0]
    pending = ar.ngettext(
        "⏳ {n} point is on its way: spendable from {date}.",
        "⏳ {n} points are on their way: spendable from {date}.",
        3000,
        date=ar.date(date(2026, 12, 5)),
    )
    assert pending in told[0]

    ru = app.catalogs.translator("ru", "KZ")
    gift = transport.to(chat_of(AIGERIM))
    assert len(gift) == 1
    welcome = ru._(
        "🎁 Welcome to the {brand} owners' club! A welcome gift of {points} is in your account.",
        brand=app.reference.brand,
        points=points_text(ru, 500),
    )
    assert welcome in gift[0]
    assert all(m.status == OutboxStatus.SENT for m in await queued(app, DUBAI))
    assert all(m.status == OutboxStatus.SENT for m in await queued(app, AIGERIM))


async def test_a_stage_the_owner_already_saw_in_my_referrals_is_not_sent(
    app: App, clock: FixedClock, chat_factory: ChatFactory
) -> None:
    referral = await a_lead(app, "+971509990404")
    await run(app, f"{referral.id},,,contacted,{on(5)},,\n")
    ahmed: Chat = await linked(chat_factory(user_id=7001, lang="ar"), DUBAI)
    await ahmed.say("/refer")
    await ahmed.tap("ref:list:")
    assert "🆕" in ahmed.text
    await ahmed.tap("ref:home")
    await ahmed.tap("ref:list:")
    assert "🆕" not in ahmed.text, "seen now"

    transport = FakeTransport()
    await sender_for(app, transport, clock).run_once()
    assert transport.sent == []
    [message] = await queued(app, DUBAI)
    assert (message.status, message.last_error) == (
        OutboxStatus.SKIPPED,
        "nothing to say any more",
    )


async def test_a_stage_told_by_the_sender_is_no_longer_new_in_my_referrals(
    app: App, clock: FixedClock, chat_factory: ChatFactory
) -> None:
    referral = await a_lead(app, "+971509990407")
    await run(app, f"{referral.id},,,contacted,{on(5)},,\n")
    transport = FakeTransport()
    await sender_for(app, transport, clock).run_once()
    assert len(transport.to(chat_of(DUBAI))) == 1
    ahmed: Chat = await linked(chat_factory(user_id=7004, lang="ar"), DUBAI)
    await ahmed.say("/refer")
    await ahmed.tap("ref:list:")
    assert "Sam" in ahmed.text
    assert "🆕" not in ahmed.text, "told in chat already"


async def test_staff_moving_a_stage_in_chat_tell_the_owner_at_once_and_queue_nothing(
    app: App, clock: FixedClock, chat_factory: ChatFactory
) -> None:
    referral = await a_lead(app, "+971509990405")
    ahmed: Chat = await linked(chat_factory(user_id=7002, lang="ar"), DUBAI)
    await make_staff(app, 902, role=Role.SALES, dealer="AE-DXB-01")
    seller: Chat = chat_factory(user_id=902, lang="en")
    await seller.say("/leads")
    await seller.press(f"#{referral.id} Sam")
    screens = await seller.press("Contacted")
    ar = app.catalogs.translator("ar", "AE")
    told = "\n".join(s.text for s in screens if s.chat_id == ahmed.chat_id)
    assert ar._("📞 {dealer} has contacted {friend}.", dealer=DEALER, friend="Sam") in told
    assert await queued(app, DUBAI) == []

    transport = FakeTransport()
    await sender_for(app, transport, clock).run_once()
    assert transport.to(ahmed.chat_id) == []


async def test_an_imported_stage_overtaken_in_chat_is_told_once_by_the_chat(
    app: App, clock: FixedClock, chat_factory: ChatFactory
) -> None:
    referral = await a_lead(app, "+971509990406")
    await run(app, f"{referral.id},,,contacted,{on(5)},,\n")
    ahmed: Chat = await linked(chat_factory(user_id=7003, lang="ar"), DUBAI)
    await make_staff(app, 903, role=Role.SALES, dealer="AE-DXB-01")
    seller: Chat = chat_factory(user_id=903, lang="en")
    await seller.say("/leads")
    await seller.press(f"#{referral.id} Sam")
    screens = await seller.press("Test drive booked")
    assert any(s.chat_id == ahmed.chat_id for s in screens)

    transport = FakeTransport()
    await sender_for(app, transport, clock).run_once()
    assert transport.to(ahmed.chat_id) == [], "the contacted message has nothing new to say"
    [message] = await queued(app, DUBAI)
    assert message.status == OutboxStatus.SKIPPED


async def test_imported_news_waits_for_the_owners_message_hours(
    app: App, clock: FixedClock
) -> None:
    referral = await a_lead(app, "+971509990407")
    clock.set(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))  # 23:00 in Dubai: a nightly import
    await run(app, f"{referral.id},,,contacted,{on(1)},,\n")
    transport = FakeTransport()
    sender = sender_for(app, transport, clock)
    await sender.run_once()
    assert transport.sent == []
    [held] = await queued(app, DUBAI)
    assert held.status == OutboxStatus.PENDING
    assert held.due_at.astimezone(UTC).hour == 5, "09:00 in Dubai"
    clock.set(held.due_at)
    await sender.run_once()
    assert len(transport.to(chat_of(DUBAI))) == 1


async def test_a_delivery_reward_paid_and_withdrawn_in_one_file_is_not_mentioned(
    app: App,
) -> None:
    referral = await a_lead(app, "+971509990408")
    await run(
        app,
        f"{referral.id},,,order,{on(20)},,\n"
        f"{referral.id},,,delivered,{on(10)},,\n"
        f"{referral.id},,,order_cancelled,{on(3)},,\n",
    )
    [message] = await queued(app, DUBAI)
    assert message.occurrence == f"{referral.id}:order_cancelled"
    assert message.payload["paid"] == [[TEST_DRIVE_RULE, 500, None]]
    assert message.payload["withdrawn"] == 0
    assert DELIVERED_RULE not in str(message.payload)


def test_the_outbox_keeps_a_stages_rewards_as_json_and_reads_them_back() -> None:
    rewards = StageRewards(
        paid=(
            Payout(TEST_DRIVE_RULE, 500),
            Payout(DELIVERED_RULE, 3000, datetime(2026, 12, 7, 8, 0, tzinfo=UTC)),
        ),
        withdrawn=0,
        no_reward=NoReward.PAID_BEFORE,
    )
    stored = json.loads(json.dumps(care.rewards_payload(rewards)))
    assert care.rewards_from_payload(stored) == rewards
    assert care.rewards_from_payload({}) == StageRewards()
