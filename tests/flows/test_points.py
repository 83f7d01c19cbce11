"""Points, rewards and vouchers in chat, for owners and staff."""

from __future__ import annotations

from bot.app import App
from bot.domain.staff import Role
from bot.services.staff import add_staff
from tests.conftest import NOW, Chat, ChatFactory
from tests.flows.helpers import DEMO_BANGKOK, linked
from tests.services.loyalty_helpers import days, give, owner_by_phone

DEMO_LONDON = "+447400123456"  # Emma in Manchester: no demo points


async def open_coffee(chat: Chat) -> None:
    """From /points through the rewards to the two coffees."""
    await chat.say("/points")
    await chat.press("Rewards")
    await chat.press("Partner perks")
    await chat.press("Two coffees")


async def redeem_coffee(chat: Chat) -> None:
    await open_coffee(chat)
    await chat.press("Redeem")
    await chat.press("Confirm")


async def test_points_screen_shows_balance_pending_expiring_and_tier(
    chat_factory: ChatFactory, app: App
) -> None:
    owner = await owner_by_phone(app, DEMO_LONDON)
    await give(app, owner, 1200, key="a", at=NOW - days(710))  # expires within 30 days
    await give(app, owner, 300, key="b", at=NOW, pending_days=14, status=1500)
    await give(app, owner, 2000, key="c", at=NOW + days(5), pending_days=14)
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/points")
    text = chat.text
    assert "You have 1,200 points to spend" in text
    assert "300 points are on their way: spendable from 7 Dec 2026" in text
    assert "2,000 points are on their way: spendable from 12 Dec 2026" in text, "each its date"
    assert "1,200 points expire by" in text
    assert "Tier: Companion" in text
    assert "3,500 status points to Co-creator" in text
    assert "5% off service labour" in text


async def test_an_owner_redeems_a_coffee_and_gets_a_code_and_a_qr(
    chat_factory: ChatFactory, app: App
) -> None:
    owner = await owner_by_phone(app, DEMO_LONDON)
    await give(app, owner, 1000, key="a", at=NOW)
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await open_coffee(chat)
    assert "Price: 150 points" in chat.text
    await chat.press("Redeem for 150")
    assert "You will have 850 points left" in chat.text
    screens = await chat.press("Confirm")
    assert "Your code: AU-" in chat.text
    assert screens[-1].attachment is not None
    assert screens[-1].attachment.kind == "photo"
    again = await chat.say("#1")  # "My vouchers", then back to check the list
    assert len(again) == 1


async def test_a_double_tap_on_confirm_spends_once(chat_factory: ChatFactory, app: App) -> None:
    owner = await owner_by_phone(app, DEMO_LONDON)
    await give(app, owner, 1000, key="a", at=NOW)
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await open_coffee(chat)
    await chat.press("Redeem for 150")
    [confirm] = chat.codes("rw:ok:coffee:")
    await chat.press_code(confirm)
    assert "Your code" in chat.text
    await chat.press_code(confirm)  # the same button, tapped again
    await chat.say("/points")
    assert "You have 850 points to spend" in chat.text


async def test_a_reward_the_owner_cannot_afford_says_how_many_points_are_missing(
    chat_factory: ChatFactory, app: App
) -> None:
    owner = await owner_by_phone(app, DEMO_LONDON)
    await give(app, owner, 100, key="a", at=NOW)
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await open_coffee(chat)
    assert "You need 50 more points" in chat.text
    assert not any("Redeem" in label for label in chat.console.button_labels)


async def test_cancelling_a_voucher_in_chat_returns_the_points(
    chat_factory: ChatFactory, app: App
) -> None:
    owner = await owner_by_phone(app, DEMO_LONDON)
    await give(app, owner, 1000, key="a", at=NOW)
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await redeem_coffee(chat)
    await chat.press("My vouchers")
    await chat.press("Two coffees")
    await chat.press("Cancel and refund")
    await chat.press("Yes, cancel")
    assert "150 points are back" in chat.text


async def test_history_pages_through_every_movement(chat_factory: ChatFactory, app: App) -> None:
    owner = await owner_by_phone(app, DEMO_LONDON)
    for n in range(10):
        await give(app, owner, 10 + n, key=f"k{n}", at=NOW - days(n))
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/points")
    await chat.press("History")
    assert "page 1 of 2" in chat.text
    assert "+10" in chat.text
    await chat.press("Older")
    assert "page 2 of 2" in chat.text


async def test_someone_elses_voucher_id_is_refused(chat_factory: ChatFactory, app: App) -> None:
    owner = await owner_by_phone(app, DEMO_LONDON)
    await give(app, owner, 1000, key="a", at=NOW)
    oliver: Chat = await linked(chat_factory(user_id=1, lang="en"), DEMO_LONDON)
    await redeem_coffee(oliver)
    other: Chat = await linked(chat_factory(user_id=2, lang="en"), DEMO_BANGKOK)
    await other.press_code("vc:cancel:1")
    assert "not available to you" in other.text


async def test_staff_take_a_voucher_by_code_once(chat_factory: ChatFactory, app: App) -> None:
    owner = await owner_by_phone(app, DEMO_LONDON)
    await give(app, owner, 1000, key="a", at=NOW)
    async with app.database.uow() as uow:
        await add_staff(
            uow,
            channel="console",
            user_id=900,
            role=Role.ADVISOR,
            name="Sam",
            dealer_code="GB-LON-01",
            actor="t",
            now=NOW,
        )
        await uow.commit()
    oliver: Chat = await linked(chat_factory(user_id=1, lang="en"), DEMO_LONDON)
    await redeem_coffee(oliver)
    code = oliver.text.split("Your code: ")[1].split()[0]
    stranger: Chat = chat_factory(user_id=555, lang="en")
    await stranger.say(f"/voucher {code}")
    assert "for dealer staff" in stranger.text
    advisor: Chat = chat_factory(user_id=900, lang="en")
    await advisor.say(f"/voucher {code.lower()}")
    assert "accepted" in advisor.text
    await advisor.say(f"/voucher {code}")
    assert "already used" in advisor.text
    await advisor.say("/voucher AU-0000-0000-0000")
    assert "No voucher has this code" in advisor.text


async def test_managers_award_points_with_a_reason_and_advisors_cannot(
    chat_factory: ChatFactory, app: App
) -> None:
    async with app.database.uow() as uow:
        await add_staff(
            uow,
            channel="console",
            user_id=901,
            role=Role.MANAGER,
            name="Mia",
            dealer_code="AE-DXB-01",
            actor="t",
            now=NOW,
        )
        await add_staff(
            uow,
            channel="console",
            user_id=902,
            role=Role.ADVISOR,
            name="Ali",
            dealer_code="AE-DXB-01",
            actor="t",
            now=NOW,
        )
        await uow.commit()
    manager: Chat = chat_factory(user_id=901, lang="en")
    await manager.say("/award 050 123 4567 250")
    assert "Usage" in manager.text
    await manager.say("/award 050 123 4567 250 waited two hours")
    assert "New balance: 3,150 points" in manager.text  # 2,900 from the demo history
    await manager.say("/owner 0501234567")
    assert "Points: 3,150 points" in manager.text
    advisor: Chat = chat_factory(user_id=902, lang="en")
    await advisor.say("/award 0501234567 250 me too")
    assert "This command is for managers." in advisor.text
    owner = await owner_by_phone(app, "+971501234567")
    async with app.database.uow() as uow:
        trail = await uow.audit.about(f"owner:{owner.id}")
    assert [(a.action, a.reason, a.actor) for a in trail] == [
        ("points.adjust", "waited two hours", "console:901")
    ]


def test_pending_points_beyond_three_days_are_summed_from_the_third_day_on() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from handlers.points import _pending_by_day

    bangkok = ZoneInfo("Asia/Bangkok")
    pending = [
        (datetime(2026, 12, 1, 20, 0, tzinfo=UTC), 100),  # 2 Dec in Bangkok
        (datetime(2026, 12, 1, 3, 0, tzinfo=UTC), 50),  # 1 Dec
        (datetime(2026, 12, 2, 3, 0, tzinfo=UTC), 10),  # 2 Dec
        (datetime(2026, 12, 5, 3, 0, tzinfo=UTC), 7),
        (datetime(2026, 12, 9, 3, 0, tzinfo=UTC), 3),
    ]
    days = [(d.isoformat(), n) for d, n in _pending_by_day(pending, bangkok)]
    assert days == [("2026-12-01", 50), ("2026-12-02", 110), ("2026-12-05", 10)]
