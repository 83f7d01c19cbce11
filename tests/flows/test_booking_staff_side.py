"""Service booking seen from the center: staff confirm, propose another time, decline,
complete and mark no-shows in the center's chat, and the owner hears each outcome in their
own language; roadside help and trade-in leads reach the right center."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.app import App
from bot.clock import FixedClock
from bot.config import PROJECT_ROOT
from bot.domain.booking import BookingStatus
from bot.domain.events import VisitCompleted
from bot.domain.staff import Role
from bot.domain.text import isolate
from bot.i18n import Catalogs
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import (
    DEMO_BANGKOK,
    DEMO_DUBAI,
    DEMO_LONDON,
    book_visit,
    bookings_of,
    linked,
    sent_to,
)
from tests.staff import make_staff

catalogs = Catalogs(PROJECT_ROOT / "locales")

DEMO_BERLIN = "+4915112345678"  # Lukas, German, an upcoming confirmed booking (demo)
LONDON_STAFF_CHAT = -1001000000701


async def test_staff_confirm_and_complete_a_visit_and_the_owner_hears_in_arabic(
    chat_factory: ChatFactory, app: App
) -> None:
    completed: list[VisitCompleted] = []

    async def on_visit(uow: object, event: VisitCompleted, now: datetime) -> None:
        completed.append(event)

    app.bus.subscribe(VisitCompleted, on_visit)
    owner: Chat = await linked(chat_factory(user_id=6200, lang="ar"), DEMO_DUBAI)
    dubai_chat = app.reference.dealers["AE-DXB-01"].staff_chat_id
    assert dubai_chat is not None
    screens = await book_visit(owner, center="AE-DXB-01")
    await make_staff(app, 7100, dealer="AE-DXB-01")
    staff = Chat(app, user_id=7100, lang="en", group_chat_id=dubai_chat)
    assert len(staff.receive(screens)) == 1
    ar = catalogs.translator("ar", "AE")

    screens = await staff.tap("bks:ok:")
    # The center's chat reads the market's language (Arabic in the UAE).
    assert ar._("✅ Confirmed by {name}", name=isolate("Advisor 7100")) in screens[0].text
    told = sent_to(screens, owner.chat_id)
    assert len(told) == 1
    assert (
        ar._(
            "✅ {center} confirmed your visit on {when}. See you there!", center="§", when=""
        ).split("§")[0]
        in told[0].text
    )
    await staff.tap("bks:arr:")
    await staff.tap("bks:done:")
    assert staff.screens[0].force_reply
    await staff.say("four hundred")
    assert "doesn't look like an amount" in staff.html
    screens = await staff.say("1,234.50")
    assert ar._(
        "🧾 Completed by {name}: {amount}", name=isolate("Advisor 7100"), amount=""
    ).rstrip() in (screens[0].text)
    [told_done] = sent_to(screens, owner.chat_id)
    assert ar.money(123450, "AED") in told_done.text, "the amount as an Arabic reader writes it"

    [booking] = list(await bookings_of(app, DEMO_DUBAI))
    assert booking.status == BookingStatus.COMPLETED
    async with app.database.uow() as uow:
        visit = await uow.visits.by_booking(booking.id or 0)
        assert visit is not None
        assert (visit.invoice_minor, visit.currency) == (123450, "AED")
        audit = await uow.audit.about(f"booking:{booking.id}")
    assert [a.action for a in audit] == [
        "booking.confirmed",
        "booking.arrived",
        "booking.completed",
        "visit.record",
    ]
    assert [e.visit_id for e in completed] == [visit.id]
    assert completed[0].invoice_minor == 123450
    async with app.database.uow() as uow:
        entries = await uow.ledger.of_owner(booking.owner_id, 0, 50)
    rules = {(e.rule, e.source_id) for e in entries}
    assert ("paid_service", str(visit.id)) in rules
    assert ("booking_attended", str(booking.id)) in rules, "came as booked: +50 as promised"


async def test_staff_propose_another_time_and_the_owner_accepts(
    chat_factory: ChatFactory, app: App
) -> None:
    owner: Chat = await linked(chat_factory(user_id=6300, lang="en"), DEMO_LONDON)
    screens = await book_visit(owner, center="GB-LON-01")
    await make_staff(app, 7200)
    staff = Chat(app, user_id=7200, lang="en", group_chat_id=LONDON_STAFF_CHAT)
    staff.receive(screens)
    await staff.tap("bks:alt:")
    assert len(staff.codes("bks:pt:")) == 6
    screens = await staff.tap("bks:pt:", 2)
    assert "waiting for the owner" in screens[0].text
    owner.receive(screens)
    assert "proposes" in owner.text
    await owner.tap("bk:acc:")
    assert "Confirmed: see you on" in owner.text
    [booking] = await bookings_of(app, DEMO_LONDON)
    assert booking.status == BookingStatus.CONFIRMED
    assert not booking.proposed


async def test_staff_decline_and_the_slot_is_free_again(
    chat_factory: ChatFactory, app: App
) -> None:
    owner: Chat = await linked(chat_factory(user_id=6400, lang="en"), DEMO_LONDON)
    screens = await book_visit(owner, center="GB-LON-01")
    await make_staff(app, 7300)
    staff = Chat(app, user_id=7300, lang="en", group_chat_id=LONDON_STAFF_CHAT)
    staff.receive(screens)
    screens = await staff.tap("bks:no:")
    assert "Declined by" in screens[0].text
    assert "can't take your car" in sent_to(screens, owner.chat_id)[0].text
    [booking] = await bookings_of(app, DEMO_LONDON)
    assert booking.status == BookingStatus.CANCELLED
    async with app.database.uow() as uow:
        assert await uow.reservations.held_by(booking.id or 0) == []


async def test_people_without_the_role_or_from_another_center_are_refused_politely(
    chat_factory: ChatFactory, app: App
) -> None:
    owner: Chat = await linked(chat_factory(user_id=6500, lang="en"), DEMO_LONDON)
    screens = await book_visit(owner, center="GB-LON-01")
    await make_staff(app, 7400, dealer="GB-MAN-01")  # Manchester's advisor
    await make_staff(app, 7401, role=Role.SALES)  # London, but sales
    for user in (7400, 7401, 7402):  # 7402: not staff at all
        outsider = Chat(app, user_id=user, lang="en", group_chat_id=LONDON_STAFF_CHAT)
        outsider.receive(screens)
        await outsider.tap("bks:ok:")
        assert "only the service advisors of this center" in outsider.transcript
    [booking] = await bookings_of(app, DEMO_LONDON)
    assert booking.status == BookingStatus.REQUESTED


async def test_a_forged_booking_id_in_a_staff_button_is_refused(app: App) -> None:
    await make_staff(app, 7500)
    staff = Chat(app, user_id=7500, lang="en", group_chat_id=LONDON_STAFF_CHAT)
    [lukas_booking] = await bookings_of(app, DEMO_BERLIN)  # a Berlin booking
    await staff.press_code(f"bks:ok:{lukas_booking.id}")
    assert "only the service advisors of this center" in staff.transcript
    await staff.press_code("bks:ok:999999")
    assert "no longer valid" in staff.transcript
    [still] = await bookings_of(app, DEMO_BERLIN)
    assert still.status == BookingStatus.CONFIRMED


async def test_a_staff_no_show_tells_the_owner_kindly(
    chat_factory: ChatFactory, app: App, clock: FixedClock
) -> None:
    owner: Chat = await linked(chat_factory(user_id=6600, lang="en"), DEMO_LONDON)
    screens = await book_visit(owner, center="GB-LON-01")
    await make_staff(app, 7600)
    staff = Chat(app, user_id=7600, lang="en", group_chat_id=LONDON_STAFF_CHAT)
    staff.receive(screens)
    await staff.tap("bks:ok:")
    [booking] = await bookings_of(app, DEMO_LONDON)
    early = await staff.tap("bks:ns:")
    assert early[0].toast.startswith("Not yet: this visit is on "), "its time is still to come"
    assert (await bookings_of(app, DEMO_LONDON))[0].status == BookingStatus.CONFIRMED
    clock.set(booking.starts_at + timedelta(minutes=20))
    screens = await staff.tap("bks:ns:")
    assert "We missed you" in sent_to(screens, owner.chat_id)[0].text
    assert not screens[0].buttons, "nothing more to do with a no-show"
    [booking] = await bookings_of(app, DEMO_LONDON)
    assert booking.status == BookingStatus.NO_SHOW


# --- roadside help and trade-in -------------------------------------------------------------------


async def test_roadside_help_alerts_the_nearest_center_with_a_map_link(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="th"), DEMO_BANGKOK)
    await chat.say("/menu")
    await chat.tap("sos:home")
    assert "+66 2 026 0999" in chat.html
    assert chat.screens[0].keyboard[0][0].kind == "location"
    screens = await chat.say("@location 18.79,98.98")  # in Chiang Mai
    staff = sent_to(screens, app.reference.dealers["TH-CNX-01"].staff_chat_id or 0)
    assert staff, "the Chiang Mai center is nearest"
    assert "https://maps.google.com/?q=18.79000,98.98000" in staff[0].text
    assert "+66812345678" in staff[0].text
    assert "ไทย" in staff[0].text
    assert any(s.remove_keyboard for s in screens if s.chat_id is None)


async def test_value_my_car_sends_a_trade_in_lead_with_photos(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(lang="en"), DEMO_LONDON)
    await chat.say("/menu")
    await chat.tap("tv:start")
    await chat.say("9,500")
    await chat.say("@photo front-123")
    assert "1 photo received" in chat.html
    await chat.say("@photo dash-456")
    assert "2 photos received" in chat.html
    screens = await chat.tap("tv:done")
    lead = sent_to(screens, LONDON_STAFF_CHAT)
    assert len(lead) == 1
    assert "Trade-in lead" in lead[0].text
    assert "9,500 mi" in lead[0].text
    assert lead[0].photos == ("front-123", "dash-456")
    assert "contact you with an offer" in chat.html
