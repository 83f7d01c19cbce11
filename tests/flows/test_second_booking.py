"""A second booking for the same car and service while one is open is not made: the
owner is offered to move the visit they have (and may book other services separately)."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.config import PROJECT_ROOT
from bot.domain.booking import BookingStatus
from bot.i18n import Catalogs
from bot.services import booking as booking_service
from tests.booking_scenarios import book_for
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import (
    DEMO_BANGKOK,
    DEMO_LONDON,
    book_visit,
    bookings_of,
    choose_services,
    linked,
)

catalogs = Catalogs(PROJECT_ROOT / "locales")


async def test_booking_the_same_service_again_offers_to_move_the_visit_in_thai(
    chat_factory: ChatFactory, app: App
) -> None:
    th = catalogs.translator("th", "TH")
    chat: Chat = await linked(chat_factory(user_id=6810, lang="th"), DEMO_BANGKOK)
    await book_visit(chat)
    [first] = [b for b in await bookings_of(app, DEMO_BANGKOK) if b.is_open]

    await chat.say("/book")
    await chat.tap("bk:km")
    already = th._("📅 Already booked: {services}, {when}.", services="§", when="").split("§")[0]
    assert already in chat.text, "the services step shows what the car is booked for"
    assert already != "📅 Already booked: "
    assert not [label for label in chat.console.button_labels if label.startswith("✅")], (
        "what is booked already is not chosen again"
    )
    await choose_services(chat, set(first.services))
    await chat.tap("bk:svok")
    intro = th._(
        "Your car already has a visit for {services} on {when} at {center}. "
        "Would you like to move that visit instead?",
        services="§",
        when="",
        center="",
    ).split("§")[0]
    assert intro
    assert intro in chat.text
    assert intro != "Your car already has a visit for "
    assert chat.codes(f"bk:rs:{first.id}")
    assert not chat.codes("bk:other"), "nothing else was chosen"
    assert not chat.codes("bk:ctr:"), "no way on to a second booking of the same job"

    await chat.tap(f"bk:rs:{first.id}")
    assert chat.codes("bk:day:"), "the calendar, to move the visit the owner has"
    await chat.tap("bk:day:", 1)
    await chat.tap("bk:tm:")
    await chat.tap("bk:mv:")
    bookings = [b for b in await bookings_of(app, DEMO_BANGKOK) if b.is_open]
    assert [b.id for b in bookings] == [first.id], "moved, not booked twice"
    assert bookings[0].starts_at != first.starts_at


async def test_other_services_can_still_be_booked_as_a_separate_visit(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(user_id=6820, lang="en"), DEMO_LONDON)
    await book_visit(chat, center="GB-LON-01")
    [first] = await bookings_of(app, DEMO_LONDON)
    await chat.say("/book")
    await chat.tap("bk:km")
    await choose_services(chat, {*first.services, "brakes"})
    await chat.tap("bk:svok")
    assert "Or book a separate visit for Brake" in chat.text
    await chat.tap("bk:other")
    await chat.tap("bk:ctr:GB-LON-01")
    await chat.tap("bk:day:", 2)
    await chat.tap("bk:tm:")
    await chat.tap("bk:tr:")
    await chat.tap("bk:nt")
    await chat.tap("bk:ok:")
    second = [b for b in await bookings_of(app, DEMO_LONDON) if b.id != first.id]
    assert [b.services for b in second] == [["brakes"]]


async def test_a_visit_booked_meanwhile_from_elsewhere_stops_the_confirm(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(user_id=6830, lang="en"), DEMO_LONDON)
    await chat.say("/book")
    await chat.tap("bk:km")
    await choose_services(chat, {"inspection"})
    await chat.tap("bk:svok")
    await chat.tap("bk:ctr:GB-LON-01")
    await chat.tap("bk:day:")
    await chat.tap("bk:tm:")
    await chat.tap("bk:tr:")
    await chat.tap("bk:nt")
    async with app.database.uow() as uow:
        oliver = await uow.owners.by_phone(DEMO_LONDON)
        assert oliver is not None
        dealer = app.reference.dealers["GB-LON-01"]
        window = await booking_service.window_days(uow, app.reference, oliver.id or 0)
        far = app.clock.now() + timedelta(days=20)
        [slot, *_] = await booking_service.alternatives(
            uow, dealer, far, 60, app.clock.now(), window=window
        )
    owner_booking = await book_for(app, oliver.id or 0, slot.start, dealer="GB-LON-01")
    assert not isinstance(owner_booking, Exception)
    await chat.tap("bk:ok:")
    assert "already has a visit for Annual inspection" in chat.text
    bookings = await bookings_of(app, DEMO_LONDON)
    assert [b.id for b in bookings] == [owner_booking.id]
    assert bookings[0].status == BookingStatus.REQUESTED
