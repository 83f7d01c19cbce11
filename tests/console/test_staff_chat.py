"""The staff side in the console: a newcomer speaks in a center's staff chat
(`ownerbot console --chat ID`) as the demo advisor, confirms a booking, checks the car
in and completes the visit with the invoice amount, and the owner hears each step."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.demo.data import DEMO_ADVISORS
from bot.domain.booking import BookingStatus
from bot.domain.text import isolate
from tests.conftest import Chat
from tests.console.cli import database_url_of, ownerbot
from tests.flows.helpers import DEMO_BANGKOK, DEMO_DUBAI, DEMO_SAO_PAULO, book_visit, linked

OWNER_USER = 5101

# owner's phone, owner's client language, center, advisor's client language,
# the invoice amount as the advisor types it, and in minor units
CASES = [
    pytest.param(DEMO_DUBAI, "ar", "AE-DXB-01", "ar", "٤٥٠٠", 450000, id="ar"),
    pytest.param(DEMO_BANGKOK, "th", "TH-BKK-01", "th", "4,500.50", 450050, id="th"),
    pytest.param(DEMO_SAO_PAULO, "pt-br", "BR-SAO-01", "pt-br", "4.500,50", 450050, id="pt-br"),
]


def locale_of(lang: str) -> str:
    return {"pt-br": "pt_BR"}.get(lang, lang)


async def requested_booking(app: App, phone: str, dealer: str) -> int:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        assert owner is not None
        bookings = await uow.bookings.of_owner(owner.id or 0)
    [booking] = [
        b for b in bookings if b.dealer_code == dealer and b.status == BookingStatus.REQUESTED
    ]
    return booking.id or 0


@pytest.mark.parametrize(("phone", "lang", "dealer", "staff_lang", "typed", "minor"), CASES)
async def test_a_newcomer_plays_the_advisor_in_the_staff_chat_and_the_owner_hears_each_step(
    app: App,
    clock: FixedClock,
    phone: str,
    lang: str,
    dealer: str,
    staff_lang: str,
    typed: str,
    minor: int,
) -> None:
    owner = await linked(Chat(app, user_id=OWNER_USER, lang=lang, remember=True), phone)
    await book_visit(owner, center=dealer)
    number = await requested_booking(app, phone, dealer)
    center = app.reference.dealers[dealer]
    assert center.staff_chat_id is not None
    market = app.reference.market(center.market)
    card_t = app.catalogs.translator(market.default_locale, market.code)
    staff_t = app.catalogs.translator(locale_of(staff_lang), market.code)
    owner_t = app.catalogs.translator(locale_of(lang), market.code)
    advisor, name = DEMO_ADVISORS[dealer]

    # Another console, in the staff chat: the card the owner's booking posted there is
    # its last screen.
    staff = Chat(
        app, user_id=advisor, lang=staff_lang, group_chat_id=center.staff_chat_id, remember=True
    )
    await staff.tap("bks:ok:")
    assert card_t._("✅ Confirmed by {name}", name=isolate(name)) in staff.text
    heard = Chat(app, user_id=OWNER_USER, lang=lang, remember=True)
    await heard.console.recall()
    assert heard.codes("bk:list"), "the owner's chat got the confirmation with My bookings"

    async with app.database.uow() as uow:
        booking = await uow.bookings.get(number)
        assert booking is not None
    clock.set(booking.starts_at - timedelta(minutes=20))  # the morning of the visit
    await staff.tap("bks:arr:")
    assert card_t._("🚗 Arrived, checked in by {name}", name=isolate(name)) in staff.text
    await staff.tap("bks:done:")
    prompt = staff_t._(
        "{name}, please reply with the invoice amount for booking #{number} in "
        "{currency}, for example {example}.",
        name=isolate(name),
        number=number,
        currency=market.currency,
        example=staff_t.money(450050, market.currency),
    )
    assert staff.html == prompt
    assert staff.screens[0].force_reply, "a reply, in a group"
    assert staff.transcript.rstrip().endswith("(reply to this message)")

    screens = await staff.say(typed)
    amount = card_t.money(minor, market.currency)
    assert (
        card_t._("🧾 Completed by {name}: {amount}", name=isolate(name), amount=amount)
        in staff.text
    )
    [thanks] = [s for s in screens if s.chat_id == OWNER_USER]
    assert owner_t.money(minor, market.currency) in thanks.text

    # The owner, in yet another console run, opens My bookings from that message.
    again = Chat(app, user_id=OWNER_USER, lang=lang, remember=True)
    await again.tap("bk:list")
    assert owner_t.money(minor, market.currency) in again.text
    async with app.database.uow() as uow:
        visit = await uow.visits.by_booking(number)
    assert visit is not None
    assert visit.invoice_minor == minor


async def test_a_chat_that_is_not_staff_is_told_so_in_its_language(app: App) -> None:
    owner = await linked(Chat(app, user_id=OWNER_USER, lang="ar", remember=True), DEMO_DUBAI)
    await book_visit(owner, center="AE-DXB-01")
    chat_id = app.reference.dealers["AE-DXB-01"].staff_chat_id
    stranger = Chat(app, user_id=5999, lang="ar", group_chat_id=chat_id, remember=True)
    await stranger.tap("bks:ok:")
    ar = app.catalogs.translator("ar", "AE")
    assert ar._("Sorry, only the service advisors of this center can do that.") in (
        stranger.transcript
    )
    number = await requested_booking(app, DEMO_DUBAI, "AE-DXB-01")
    assert number, "still waiting for a real advisor"


async def test_ownerbot_console_with_chat_plays_the_advisor_in_its_own_process(
    app: App, clock: FixedClock, tmp_path: Path
) -> None:
    owner = await linked(Chat(app, user_id=OWNER_USER, lang="en", remember=True), DEMO_BANGKOK)
    await book_visit(owner, center="TH-BKK-01")
    number = await requested_booking(app, DEMO_BANGKOK, "TH-BKK-01")
    async with app.database.uow() as uow:
        booking = await uow.bookings.get(number)
        assert booking is not None
    visit_morning = (booking.starts_at - timedelta(minutes=20)).isoformat()
    advisor, name = DEMO_ADVISORS["TH-BKK-01"]
    script = f"#1\n@now {visit_morning}\n#1\n#1\n4500\n"
    ran = await ownerbot(
        "console",
        "--chat",
        str(app.reference.dealers["TH-BKK-01"].staff_chat_id),
        "--user",
        str(advisor),
        "--lang",
        "en",
        "--now",
        clock.now().isoformat(),
        script=script,
        database_url=database_url_of(app),
        cwd=tmp_path,
    )
    assert ran.returncode == 0, ran.stderr
    assert f"{name}, please reply with the invoice amount for booking #{number}" in ran.stdout
    assert "(reply to this message)\n\n> 4500" in ran.stdout
    assert f"[to chat {OWNER_USER}]" in ran.stdout, "the owner hears it in their own chat"
    async with app.database.uow() as uow:
        done = await uow.bookings.get(number)
        visit = await uow.visits.by_booking(number)
    assert done is not None
    assert done.status == BookingStatus.COMPLETED
    assert visit is not None
    assert visit.invoice_minor == 450000


async def test_console_refuses_a_chat_id_that_is_not_a_group(app: App, tmp_path: Path) -> None:
    ran = await ownerbot(
        "console",
        "--chat",
        "5001",
        script="/start\n",
        database_url=database_url_of(app),
        cwd=tmp_path,
    )
    assert ran.returncode != 0
    assert "a group chat's id is negative" in ran.stderr
    assert "Traceback" not in ran.stderr + ran.stdout
