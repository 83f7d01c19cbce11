"""Service booking through the console channel: owners book, move and cancel in their
own language; the staff side is in test_booking_staff_side.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.config import PROJECT_ROOT
from bot.demo.data import DEMO_OWNERS
from bot.domain.booking import Booking, BookingStatus
from bot.domain.loyalty import Tier
from bot.domain.text import isolate
from bot.i18n import Catalogs
from bot.services.booking import ALTERNATIVES
from bot.services.queries import bookings as booking_queries
from handlers.codes.booking import ChooseTime
from tests.booking_scenarios import book_for, make_owners
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import (
    DEMO_BANGKOK,
    DEMO_DUBAI,
    DEMO_LONDON,
    DEMO_MANCHESTER,
    DEMO_SAO_PAULO,
    book_visit,
    bookings_of,
    double_tap,
    linked,
    sent_to,
)
from tests.staff import make_staff

catalogs = Catalogs(PROJECT_ROOT / "locales")

DEMO_BERLIN = "+4915112345678"  # Lukas, German, an upcoming confirmed booking (demo)
DEMO_MEXICO = "+525512345678"  # María, Spanish
DEMO_ALMATY = "+77011234567"  # Айгерим, Russian
DEMO_JAKARTA = "+6281234567890"  # Budi, Indonesian
DEMO_ISTANBUL = "+905321234567"  # Mehmet, Turkish
DEMO_KL = "+60123456789"  # 美玲, Simplified Chinese
DEMO_SHAH_ALAM = "+60197654321"  # Nur Aisyah, Malay
DEMO_SAIGON = "+84912345678"  # Minh Anh, Vietnamese
LONDON_STAFF_CHAT = -1001000000701
OWNERS_BY_LANGUAGE = [
    ("en", DEMO_LONDON),
    ("ar", DEMO_DUBAI),
    ("th", DEMO_BANGKOK),
    ("pt-br", DEMO_SAO_PAULO),
    ("de", DEMO_BERLIN),
    ("es", DEMO_MEXICO),
    ("ru", DEMO_ALMATY),
    ("id", DEMO_JAKARTA),
    ("tr", DEMO_ISTANBUL),
    ("zh-hans", DEMO_KL),
    ("ms", DEMO_SHAH_ALAM),
    ("vi", DEMO_SAIGON),
]


# --- owners --------------------------------------------------------------------------------


async def test_an_owner_books_a_service_and_gets_a_calendar_file(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/book")
    assert "odometer" in chat.html
    assert " mi" in chat.html
    await chat.say("9,100")
    assert "odometer saved: 9,100 mi" in chat.html
    assert "Due now: First service" in chat.html
    assert chat.console.button_labels[0] == "✅ First service", "the due service comes first"
    await chat.tap("bk:svok")
    assert chat.screens[0].keyboard[0][0].kind == "location"
    await chat.say("@location 53.47,-2.29")  # near Manchester
    assert chat.screens[0].remove_keyboard is True
    assert chat.console.button_labels[0].startswith("Aurora Trafford Park Manchester · ")
    assert " mi" in chat.console.button_labels[0]
    await chat.tap("bk:ctr:GB-LON-01")
    assert "November 2026" in chat.console.button_labels
    assert chat.console.button_labels[3:10] == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    await chat.tap("bk:day:")
    await chat.tap("bk:tm:")
    await chat.tap("bk:tr:courtesy_car")
    await chat.say("A squeak from the front left <wheel> & a light")
    assert "Please check your booking" in chat.html
    assert "&lt;wheel&gt; &amp; a light" in chat.html, "owners' notes are escaped"
    screens = await chat.tap("bk:ok:")
    assert "Booked!" in screens[0].text
    calendar = next(s.attachment for s in screens if s.attachment is not None)
    assert calendar.filename.endswith(".ics")
    ics = calendar.data.decode()
    assert "\r\nDTSTART:2026112" in ics
    assert "Z\r\n" in ics
    assert "SUMMARY:Aurora Motors service: First service" in ics
    staff = sent_to(screens, LONDON_STAFF_CHAT)
    assert len(staff) == 1
    assert f"Owner: {isolate('Oliver')} {isolate('Smith')}, +447911123456" in staff[0].text
    assert "+447911123456" in staff[0].text
    assert [b.code.split(":")[1] for row in staff[0].buttons for b in row] == ["ok", "alt", "no"]
    [booking] = await bookings_of(app, DEMO_LONDON)
    assert booking.status == BookingStatus.REQUESTED
    assert booking.transport == "courtesy_car"
    assert booking.services == ["first_service"]
    async with app.database.uow() as uow:
        vehicle = await uow.vehicles.get(booking.vehicle_id)
        assert vehicle is not None
        assert vehicle.mileage_km == round(9100 * 1.609344)
        history = await uow.booking_changes.of_booking(booking.id or 0)
        assert [c.action for c in history] == ["requested"]


async def summary_of_a_visit(chat: Chat) -> str:
    """Walk /book up to the summary; returns the confirm button's code."""
    await chat.say("/book")
    await chat.tap("bk:km")
    await chat.tap("bk:svok")
    await chat.tap("bk:ctr:GB-LON-01")
    await chat.tap("bk:day:")
    await chat.tap("bk:tm:")
    await chat.tap("bk:tr:wait")
    await chat.tap("bk:nt")
    [confirm] = chat.codes("bk:ok:")
    return confirm


async def test_a_second_tap_on_confirm_books_once(chat_factory: ChatFactory, app: App) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    confirm = await summary_of_a_visit(chat)
    await chat.say(f"#{chat.console.button_codes.index(confirm) + 1}")
    assert "Booked!" in chat.html
    await chat.press_code(confirm)  # the same button, again
    assert "already made" in chat.html
    assert "Something went wrong" not in chat.transcript
    assert len(await bookings_of(app, DEMO_LONDON)) == 1


async def test_two_taps_arriving_together_book_once(chat_factory: ChatFactory, app: App) -> None:
    chat: Chat = await linked(chat_factory(user_id=6150, lang="en"), DEMO_LONDON)
    confirm = await summary_of_a_visit(chat)
    results = await double_tap(app, 6150, confirm)
    texts = [s.text for screens in results for s in screens]
    assert sum("Booked!" in text for text in texts) == 1
    assert sum("already made" in text for text in texts) == 1
    assert len(await bookings_of(app, DEMO_LONDON)) == 1


async def test_a_twin_tap_that_missed_the_booking_by_its_token_still_says_already_made(
    chat_factory: ChatFactory, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On two workers the twin may look the token up just before the first tap commits
    and then find the car's new visit: it is this tap's own booking, not another one to
    move."""
    chat: Chat = await linked(chat_factory(user_id=6151, lang="en"), DEMO_LONDON)
    confirm = await summary_of_a_visit(chat)
    async with app.database.uow() as uow:
        held = await uow.conversations.load("console", chat.chat_id, 6151)
        state, data = held.state, dict(held.data)
    await chat.press_code(confirm)
    assert "Booked!" in chat.html
    async with app.database.uow() as uow:  # the twin loaded the summary before that commit
        held = await uow.conversations.load("console", chat.chat_id, 6151)
        held.state, held.data = state, data
        await uow.commit()

    async def looked_too_early(uow: object, token: str) -> None:
        return None

    monkeypatch.setattr(booking_queries, "by_confirm_token", looked_too_early)
    await chat.press_code(confirm)
    assert "already made" in chat.html
    assert "move that visit" not in chat.html
    assert len(await bookings_of(app, DEMO_LONDON)) == 1


async def test_a_slot_taken_while_the_owner_hesitated_is_refused_with_fresh_options(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/book")
    await chat.tap("bk:km")
    await chat.tap("bk:svok")
    await chat.tap("bk:ctr:GB-LON-01")
    await chat.tap("bk:day:")
    [wanted, *_] = chat.codes("bk:tm:")
    await chat.tap("bk:tm:")
    await chat.tap("bk:tr:wait")
    await chat.tap("bk:nt")
    start = ChooseTime.unpack(wanted).start
    others = await make_owners(app, 8, market="GB", first=700)
    for owner_id in others:  # every bay of the center at that time
        await book_for(app, owner_id, start, dealer="GB-LON-01")
    await chat.tap("bk:ok:")
    assert "someone has just booked that time" in chat.html
    fresh = chat.codes("bk:tm:")
    assert len(fresh) == ALTERNATIVES
    assert wanted not in fresh
    await chat.tap("bk:tm:")
    await chat.tap("bk:tr:wait")
    await chat.tap("bk:nt")
    await chat.tap("bk:ok:")
    assert "Booked!" in chat.html


async def test_a_slot_that_passed_while_the_owner_hesitated_is_refused(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/book")
    await chat.tap("bk:km")
    await chat.tap("bk:svok")
    await chat.tap("bk:ctr:GB-LON-01")
    await chat.tap("bk:day:")
    await chat.tap("bk:tm:")
    await chat.tap("bk:tr:wait")
    await chat.tap("bk:nt")
    # within the day a draft is kept, past the first free time
    app.clock.advance(timedelta(hours=23))  # type: ignore[attr-defined]
    await chat.tap("bk:ok:")
    assert "That time has passed" in chat.html
    assert len(chat.codes("bk:tm:")) == ALTERNATIVES
    assert await bookings_of(app, DEMO_LONDON) == []


@pytest.mark.parametrize(("lang", "phone"), OWNERS_BY_LANGUAGE)
async def test_owners_book_move_and_cancel_in_their_language(
    chat_factory: ChatFactory, app: App, lang: str, phone: str
) -> None:
    chat: Chat = await linked(chat_factory(user_id=6100, lang=lang), phone)
    t = catalogs.translator(chat.console.language_code and _locale(lang))
    english = catalogs.translator("en")
    home = app.reference.dealers[next(p.dealer for p in DEMO_OWNERS if p.phone == phone)]
    screens = await book_visit(chat, near=(home.latitude + 0.01, home.longitude - 0.01))
    booked = t._("✅ Booked! {center} will confirm your visit shortly.", center="§")
    assert booked.split("§")[0] in screens[0].text
    if t.code != "en":
        assert english._("Transport: {option}", option="§").split("§")[0] not in screens[0].text
    [booking] = [b for b in await bookings_of(app, phone) if b.request_key != "demo-upcoming-1"]
    assert booking.dealer_code == home.code, "the nearest center"

    await chat.say("/bookings")
    await chat.tap(f"bk:rs:{booking.id}")
    await chat.tap("bk:day:", 1)
    await chat.tap("bk:tm:")
    assert (
        t._(
            "Move your visit at {center} from {old} to <b>{new}</b>?", center="§", old="", new=""
        ).split("§")[0]
        in chat.html
    )
    screens = await chat.tap("bk:mv:")
    assert any(s.attachment and b"SEQUENCE:1" in s.attachment.data for s in screens)
    [moved] = [b for b in await bookings_of(app, phone) if b.id == booking.id]
    assert moved.starts_at != booking.starts_at
    assert moved.status == BookingStatus.REQUESTED

    await chat.say("/bookings")
    await chat.tap(f"bk:cx:{booking.id}")
    await chat.tap(f"bk:cxr:{booking.id}:plans")
    [cancelled] = [b for b in await bookings_of(app, phone) if b.id == booking.id]
    assert cancelled.status == BookingStatus.CANCELLED
    async with app.database.uow() as uow:
        assert await uow.reservations.held_by(booking.id or 0) == []
        history = await uow.booking_changes.of_booking(booking.id or 0)
    assert [c.action for c in history] == ["requested", "rescheduled", "cancelled"]
    assert history[-1].reason == "plans"
    assert "Something went wrong" not in chat.transcript


def _locale(lang: str) -> str:
    from bot.i18n import locale_from_language_code

    return locale_from_language_code(lang) or "en"


async def test_arabic_booking_is_in_arabic_with_localized_dates(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="ar"), DEMO_DUBAI)
    ar = catalogs.translator("ar", "AE")
    await chat.say("/book")
    assert ar._("What does the odometer show now? It helps the advisor prepare.") in chat.html
    await chat.tap("bk:km")
    assert ar._("<b>Which services do you need?</b> Tap to choose, then Continue.") in chat.html
    if not any(label.startswith("✅") for label in chat.console.button_labels):
        await chat.tap("bk:svc:inspection")
    await chat.tap("bk:svok")
    await chat.tap("bk:ctr:AE-DXB-01")
    labels = chat.console.button_labels
    assert ar.month_year(datetime(2026, 11, 1).date()) in labels
    assert [ar.weekday_short(d) for d in range(7)] == labels[3:10]
    await chat.tap("bk:day:")
    assert chat.console.button_labels[0].endswith(("ص", "م")), "times in Arabic format"


async def test_a_center_in_another_zone_shows_its_own_local_times(
    chat_factory: ChatFactory,
) -> None:
    chat: Chat = await linked(chat_factory(lang="pt-br"), DEMO_SAO_PAULO)
    await chat.say("/book")
    await chat.tap("bk:km")
    if not any(label.startswith("✅") for label in chat.console.button_labels):
        await chat.tap("bk:svc:inspection")
    await chat.tap("bk:svok")
    await chat.tap("bk:ctr:BR-MAO-01")
    pt = catalogs.translator("pt_BR", "BR")
    assert pt._("Times are local to {city}.", city="Manaus") in chat.html
    await chat.tap("bk:day:", 1)
    assert chat.console.button_labels[0] == "07:30"
    code = chat.codes("bk:tm:")[0]
    assert code.endswith("1130"), "07:30 in Manaus is 11:30 UTC"


async def test_open_recalls_are_flagged_and_titled_in_the_owners_language(
    chat_factory: ChatFactory,
) -> None:
    chat: Chat = await linked(chat_factory(lang="th"), DEMO_BANGKOK)
    await chat.say("/book")
    await chat.tap("bk:km")
    assert "⚠️" in chat.html
    assert "หัวเข็มขัดนิรภัยเบาะหลังอาจล็อกไม่แน่น" in chat.html
    recall = [label for label in chat.console.button_labels if "⚠️" in label]
    assert len(recall) == 1
    assert recall[0].startswith("✅"), "the free recall repair is suggested"


async def test_the_calendar_offers_sixty_days_and_the_top_tier_ninety(
    chat_factory: ChatFactory, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def last_day_offered(chat: Chat) -> datetime:
        await chat.say("/book")
        if chat.codes("draft:drop"):  # the booking begun before: put away
            await chat.tap("draft:drop")
        await chat.tap("bk:km")
        if not any(label.startswith("✅") for label in chat.console.button_labels):
            await chat.tap("bk:svc:inspection")
        await chat.tap("bk:svok")
        await chat.tap("bk:ctr:GB-LON-01")
        while chat.console.button_codes[2].startswith("bk:cal:"):  # the "next month" arrow
            await chat.say("#3")
        return datetime.strptime(chat.codes("bk:day:")[-1][7:], "%Y%m%d")

    chat: Chat = await linked(chat_factory(lang="en"), DEMO_MANCHESTER)  # an Explorer
    assert await last_day_offered(chat) <= datetime(2027, 1, 22)
    import bot.services.booking_perks as perks

    async def top_tier(uow: object, owner_id: int) -> Tier:
        return Tier.CO_CREATOR

    monkeypatch.setattr(perks, "loyalty_tier", top_tier)
    assert datetime(2027, 1, 22) < await last_day_offered(chat) <= datetime(2027, 2, 21)


async def test_my_bookings_lists_upcoming_and_past_visits(chat_factory: ChatFactory) -> None:
    chat: Chat = await linked(chat_factory(lang="de"), DEMO_BERLIN)
    await chat.say("/bookings")
    de = catalogs.translator("de", "DE")
    assert de._("<b>Upcoming visits</b>") in chat.html
    assert de.pgettext("service", "Regular maintenance") in chat.html
    assert de._("<b>Past visits</b>") in chat.html
    assert "€" in chat.html, "past invoices in the market's currency"
    assert len(chat.codes("bk:rs:")) == 1  # the one upcoming visit
    assert len(chat.codes("bk:cx:")) == 1


# --- forged buttons -------------------------------------------------------------------------


async def test_another_owners_booking_id_is_refused(chat_factory: ChatFactory, app: App) -> None:
    [lukas_booking] = await bookings_of(app, DEMO_BERLIN)
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    for action in ("rs", "cx", "acc"):
        await chat.press_code(f"bk:{action}:{lukas_booking.id}")
        assert "not available to you" in chat.html
    await chat.press_code(f"bk:cxr:{lukas_booking.id}:plans")
    [still] = await bookings_of(app, DEMO_BERLIN)
    assert still.status == BookingStatus.CONFIRMED


async def test_a_center_of_another_market_is_refused(chat_factory: ChatFactory) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/book")
    await chat.tap("bk:km")
    await chat.tap("bk:svok")
    await chat.press_code("bk:ctr:DE-BER-01")
    assert "not available to you" in chat.html


async def test_a_slot_of_a_closed_day_is_refused(chat_factory: ChatFactory, app: App) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/book")
    await chat.tap("bk:km")
    await chat.tap("bk:svok")
    await chat.tap("bk:ctr:GB-LON-01")
    for forged in ("bk:tm:202611291000", "bk:day:20261129", "bk:tm:202612251000"):
        await chat.press_code(forged)  # a Sunday, Christmas
        assert "no longer valid" in chat.transcript.splitlines()[-1]
    await chat.press_code("bk:tm:202612010930")  # off the grid
    assert "no longer valid" in chat.transcript.splitlines()[-1]
    assert await bookings_of(app, DEMO_LONDON) == []


async def test_an_old_confirm_button_never_books_a_time_the_owner_has_not_checked(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/book")
    await chat.tap("bk:km")
    await chat.tap("bk:svok")
    await chat.tap("bk:ctr:GB-LON-01")
    await chat.tap("bk:day:")
    await chat.tap("bk:tm:")
    await chat.tap("bk:tr:wait")
    await chat.tap("bk:nt")
    [old_confirm] = chat.codes("bk:ok:")
    await chat.tap("bk:cal:")  # change the time
    await chat.tap("bk:day:", 1)
    await chat.tap("bk:tm:", 2)
    await chat.press_code(old_confirm)  # the old summary's
    assert "no longer valid" in chat.transcript.splitlines()[-1]
    assert await bookings_of(app, DEMO_LONDON) == []


async def test_the_center_of_the_last_visit_comes_first_in_the_list(
    chat_factory: ChatFactory,
) -> None:
    chat: Chat = await linked(chat_factory(lang="pt-br"), DEMO_SAO_PAULO)
    await chat.say("/book")
    await chat.tap("bk:km")
    if not any(label.startswith("✅") for label in chat.console.button_labels):
        await chat.tap("bk:svc:inspection")
    await chat.tap("bk:svok")
    assert chat.codes("bk:ctr:")[0] == "bk:ctr:BR-SAO-01"  # João's visits were there
    pt = catalogs.translator("pt_BR", "BR")
    assert pt._("   (your last visit)") in chat.html


async def test_an_owner_with_two_cars_chooses_which_and_cannot_pick_someone_elses(
    chat_factory: ChatFactory, app: App
) -> None:
    from bot.domain.owners import Vehicle
    from bot.domain.vin import with_check_digit

    async with app.database.uow() as uow:
        oliver = await uow.owners.by_phone(DEMO_LONDON)
        assert oliver is not None
        second = Vehicle(
            owner_id=oliver.id or 0, model="X7", vin=with_check_digit("LAUX7AAA0SC777777")
        )
        uow.vehicles.add(second)
        await uow.commit()
    [lukas_booking] = await bookings_of(app, DEMO_BERLIN)
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/book")
    assert len(chat.codes("bk:veh:")) == 2
    assert any("Aurora X7" in label for label in chat.console.button_labels)
    await chat.press_code(f"bk:veh:{lukas_booking.vehicle_id}")
    assert "not available to you" in chat.html
    await chat.say("/book")
    await chat.tap("draft:resume")  # the booking begun above goes on, at the car
    await chat.tap(f"bk:veh:{second.id}")
    await chat.tap("bk:km")
    assert "EV battery check" in chat.html  # a hybrid X7
    await chat.tap("bk:svc:inspection")
    await chat.tap("bk:svok")
    await chat.tap("bk:ctr:GB-LON-01")
    await chat.tap("bk:day:")
    await chat.tap("bk:tm:")
    await chat.tap("bk:tr:pickup")
    await chat.tap("bk:nt")
    assert "Aurora X7" in chat.html
    await chat.tap("bk:ok:")
    [booking] = await bookings_of(app, DEMO_LONDON)
    assert (booking.vehicle_id, booking.transport) == (second.id, "pickup")


async def test_a_car_checks_in_from_the_morning_of_its_visit_not_the_day_before(
    app: App, clock: FixedClock
) -> None:
    from bot.services import service_desk
    from tests.booking_scenarios import RACE_START

    [owner] = await make_owners(app, 1, first=960)
    booking = await book_for(app, owner, RACE_START)  # 09:30 on 26 Nov in Chiang Mai
    assert isinstance(booking, Booking)
    await make_staff(app, 7960, dealer="TH-CNX-01")

    async def check_in(moment: datetime) -> BookingStatus:
        clock.set(moment)
        async with app.database.uow() as uow:
            member, mine = await service_desk.desk_booking(
                uow, app.reference, channel="console", user_id=7960, booking_id=booking.id or 0
            )
            if mine.status == BookingStatus.REQUESTED:
                await service_desk.confirm(uow, member, mine, moment)
            try:
                await service_desk.mark_arrived(uow, app.reference, member, mine, moment)
            finally:
                await uow.commit()
            return mine.status

    with pytest.raises(service_desk.TooEarly):
        await check_in(datetime(2026, 11, 25, 16, 30, tzinfo=UTC))  # 23:30 the day before
    assert await check_in(datetime(2026, 11, 25, 17, 30, tzinfo=UTC)) == BookingStatus.ARRIVED
