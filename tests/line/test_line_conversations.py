"""Whole conversations on LINE, in Thai, Arabic and Portuguese: linking, /points, a
booking confirmed by the dealer's advisor in a LINE group, a referral."""

from __future__ import annotations

import dataclasses

import pytest

from bot.app import App
from bot.domain.booking import BookingStatus
from bot.domain.owners import Owner
from tests.fakes.line_api import FakeLine
from tests.flows.helpers import DEMO_BANGKOK, DEMO_DUBAI, DEMO_SAO_PAULO, bookings_of
from tests.line.conftest import LineBot, LinePerson, StartLine, line_user, postbacks
from tests.line.test_line_linking import vin_of
from tests.staff import make_staff

CASES = [
    pytest.param("th", "TH", DEMO_BANGKOK, "TH-BKK-01", "สมชาย", id="th"),
    pytest.param("ar", "AE", DEMO_DUBAI, "AE-DXB-01", "أحمد", id="ar"),
    pytest.param("pt_BR", "BR", DEMO_SAO_PAULO, "", "João", id="pt_BR"),
]


async def link(person: LinePerson, app: App, phone: str) -> None:
    await person.follow()
    await person.say(phone)
    await person.say((await vin_of(app, phone))[-6:])
    for _ in range(2):  # the consent questions, if not answered yet
        codes = [c for c in postbacks(person.answer) if c.startswith("cs:ans:")]
        if not codes:
            break
        await person.tap("cs:ans:", 0)


@pytest.mark.parametrize(("locale", "market", "phone", "dealer", "name"), CASES)
async def test_an_owner_links_reads_points_books_and_the_advisor_confirms_in_a_line_group(
    start_line: StartLine,
    line: FakeLine,
    app: App,
    locale: str,
    market: str,
    phone: str,
    dealer: str,
    name: str,
) -> None:
    t = app.catalogs.translator(locale, market)
    owner_line = line_user(name, locale.replace("_", "-"))
    advisor_line = line_user("Advisor", locale)
    group = "C" + owner_line.id[1:]
    probe = await start_line()
    group_number = await probe.number(group, group=True)
    advisor_number = await probe.number(advisor_line.id)
    owner = await app_owner(app, phone)
    dealer_code = dealer or (await home_dealer(app, owner))
    reference = app.reference
    staffed = dataclasses.replace(reference.dealers[dealer_code], staff_chat_id=group_number)
    bot = await start_line(
        reference=dataclasses.replace(
            reference, dealers={**reference.dealers, dealer_code: staffed}
        )
    )
    await make_staff(app, advisor_number, dealer=dealer_code, channel="line")

    person = LinePerson(bot, owner_line)
    await link(person, app, phone)
    assert t._(
        "Welcome, {name}! Your chat is now linked to your membership.", name=name
    ) in "\n".join(m.get("text", "") for m in line.messages_to(owner_line.id))

    await person.say("/points")
    assert postbacks(person.answer), "the points screen has its buttons"
    assert all(len(m.get("text", "")) <= 5000 for m in person.answer)

    await person.say("/book")
    if [c for c in postbacks(person.answer) if c.startswith("bk:veh:")]:
        await person.tap("bk:veh:")
    await person.tap("bk:km")
    if not any(c.startswith("bk:svc:") for c in postbacks(person.answer)):
        pytest.fail("no services offered")
    await person.tap("bk:svc:")
    await person.tap("bk:svok")
    await person.tap(f"bk:ctr:{dealer_code}")
    await person.tap("bk:day:")
    await person.tap("bk:tm:")
    if [c for c in postbacks(person.answer) if c.startswith("bk:tr:")]:
        await person.tap("bk:tr:")
    await person.tap("bk:nt")
    await person.tap("bk:ok:")
    [booking] = await bookings_of(app, phone)
    card = line.messages_to(group)
    assert card, "the staff card went to the center's LINE group"

    told_before = len(line.messages_to(owner_line.id))
    advisor = LinePerson(bot, advisor_line, group=group)
    await advisor.tap("bks:ok:", among=card)
    [booking] = await bookings_of(app, phone)
    assert booking.status is BookingStatus.CONFIRMED
    told = line.messages_to(owner_line.id)[told_before:]
    assert told, "the owner was told, by push (the advisor's reply token is the group's)"
    assert all(c.body["to"] == owner_line.id for c in line.calls_to("push")[-1:])


async def test_a_thai_owner_recommends_a_friend_on_line(bot: LineBot, app: App) -> None:
    th = app.catalogs.translator("th", "TH")
    person = LinePerson(bot, line_user("สมชาย", "th"))
    await link(person, app, DEMO_BANGKOK)
    await person.say("/refer")
    await person.tap("ref:new")
    assert th._("What is your friend's name?") in person.text
    await person.say("วิชัย ใจงาม")
    await person.say("089 555 0101")
    await person.tap("ref:model:")
    await person.tap("ref:dealer:")
    await person.tap("ref:yes")
    owner = await app_owner(app, DEMO_BANGKOK)
    async with app.database.uow() as uow:
        referrals = await uow.referrals.count_of_referrer(owner.id)
    assert referrals >= 1
    assert "วิชัย" in person.text


async def app_owner(app: App, phone: str) -> Owner:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
    assert owner is not None
    return owner


async def home_dealer(app: App, owner: Owner) -> str:
    async with app.database.uow() as uow:
        [vehicle, *_] = await uow.vehicles.of_owner(owner.id)
    assert vehicle.dealer_code
    return vehicle.dealer_code
