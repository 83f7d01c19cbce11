"""Linking on LINE: the number is typed, and a known owner's is proven by the last 6
characters of a VIN; wrong answers are limited and the lockout is kept in the database."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.channels.line.events import CHANNEL
from bot.clock import FixedClock
from bot.domain.linking import ATTEMPT_LIMIT
from tests.fakes.line_api import FakeLine
from tests.flows.helpers import DEMO_BANGKOK, DEMO_DUBAI
from tests.line.conftest import LineBot, LinePerson, StartLine, line_user


async def vin_of(app: App, phone: str) -> str:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        [vehicle, *_] = await uow.vehicles.of_owner(owner.id)
    assert vehicle.vin
    return vehicle.vin


async def test_a_thai_owner_follows_types_the_number_proves_the_vin_and_is_linked_in_thai(
    bot: LineBot, line: FakeLine, app: App
) -> None:
    th = app.catalogs.translator("th", "TH")
    somchai = LinePerson(bot, line_user("สมชาย", "th"))
    await somchai.follow()
    assert (
        th._(
            "Hello! I am the {brand} owners' assistant. Here you can check your points, "
            "book a service, refer friends and get reminders about your car, in your language.",
            brand=app.reference.brand,
        )
        in somchai.text
    )
    assert line.calls_to("reply"), "the greeting is a reply, which costs no quota"
    assert line.calls_to("push") == []

    await somchai.say("081 234 5678")
    assert "+66 81 234 5678" in somchai.text
    vin = await vin_of(app, DEMO_BANGKOK)
    await somchai.say("ZZZZZZ" if not vin.endswith("ZZZZZZ") else "YYYYYY")
    assert (
        th.ngettext(
            "That doesn't match the VIN on file. You have {n} attempt left.",
            "That doesn't match the VIN on file. You have {n} attempts left.",
            ATTEMPT_LIMIT - 1,
        )
        in somchai.text
    )
    await somchai.say(vin[-6:].lower())
    assert (
        th._("Welcome, {name}! Your chat is now linked to your membership.", name="สมชาย")
        in somchai.text
    )
    async with app.database.uow() as uow:
        number = await uow.addresses.number(
            CHANNEL, somchai.user.id, group=False, now=app.clock.now()
        )
        account = await uow.accounts.by_user(CHANNEL, number)
        owner = await uow.owners.by_phone(DEMO_BANGKOK)
    assert account.owner_id == owner.id


async def test_five_wrong_vins_lock_the_person_out_and_the_lockout_survives_a_restart(
    start_line: StartLine, line: FakeLine, app: App, clock: FixedClock
) -> None:
    bot = await start_line()
    en = app.catalogs.translator("en", "AE")
    mallory = LinePerson(bot, line_user("Mallory", "en"))
    await mallory.follow()
    await mallory.say("+971 50 123 4567")
    vin = await vin_of(app, DEMO_DUBAI)
    wrong = "AAAAAA" if not vin.endswith("AAAAAA") else "BBBBBB"
    for _ in range(ATTEMPT_LIMIT):
        await mallory.say(wrong)
    assert "Too many wrong answers" in mallory.text
    # A new process (another worker, or after a restart) reads the attempts stored.
    await bot.parts.close()
    again = LinePerson(await start_line(), mallory.user)
    await again.say("+971501234567")
    assert "Too many wrong answers" in again.text
    await again.say(vin[-6:])  # even the right answer is not taken while locked
    async with app.database.uow() as uow:
        number = await uow.addresses.number(CHANNEL, mallory.user.id, group=False, now=clock.now())
        account = await uow.accounts.by_user(CHANNEL, number)
    assert account.owner_id is None
    # Another account trying the same owner is locked out too: the owner's count.
    eve = LinePerson(again.bot, line_user("Eve", "en"))
    await eve.follow()
    await eve.say("+971501234567")
    assert "Too many wrong answers" in eve.text
    # A day later the owner can try again.
    clock.advance(timedelta(hours=24, minutes=1))
    await eve.say("+971501234567")
    assert "last 6 characters" in eve.text
    await eve.say(vin[-6:])
    assert (
        en._("Welcome, {name}! Your chat is now linked to your membership.", name="أحمد")
        in eve.text
    )
