"""Booking reminders (24 and 2 hours before) say where the visit stands: confirmed,
still awaiting the dealer's confirmation, or a time the center proposed that waits for
the owner's answer. Unconfirmed visits are still reminded: the owner plans around them."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.domain.booking import Booking, BookingStatus
from bot.domain.care import Rule
from bot.services import booking as booking_service
from bot.services.accounts import contact_account
from handlers.care_messages import renderer_for
from handlers.types import Screen
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import DEMO_DUBAI, DEMO_SAO_PAULO, book_visit, bookings_of, linked
from tests.services.test_care_sender import queue

DEMO_BERLIN = "+4915112345678"  # Lukas: a confirmed demo booking about six days ahead
AWAITING = (
    "⏰ Reminder: you asked for a service visit at {center} on {when} (the center's local "
    "time). It is still awaiting the dealer's confirmation; we'll tell you as soon as "
    "they confirm. Address: {address}."
)


async def reminder(app: App, phone: str, booking: Booking, hours: int = 24) -> list[Screen]:
    """The reminder `hours` before the visit, rendered as the sender would."""
    at = booking.starts_at - timedelta(hours=hours)
    message_id = await queue(
        app, phone, Rule.BOOKING_REMINDER, at, booking_id=booking.id, hours=hours
    )
    async with app.database.uow() as uow:
        message = await uow.outbox.get(message_id)
        assert message is not None
        owner = await uow.owners.get(message.owner_id)
        assert owner is not None
        account = await contact_account(uow, owner, ("console",))
        assert account is not None
        render = renderer_for(app.catalogs, app.reference, lambda: at)
        screens = await render(uow, message, owner, account)
    assert screens is not None
    return screens


def codes(screens: list[Screen]) -> list[str]:
    return [b.code.split(":")[1] for s in screens for row in s.buttons for b in row]


async def test_a_requested_visit_is_reminded_as_awaiting_the_dealers_confirmation_in_portuguese(
    chat_factory: ChatFactory, app: App
) -> None:
    pt = app.catalogs.translator("pt_BR", "BR")
    awaiting = pt._(AWAITING, center="§", when="§", address="§").split("§")
    assert "confirmação" in "".join(awaiting), "the Portuguese catalog says it"
    owner: Chat = await linked(chat_factory(user_id=6910, lang="pt-br"), DEMO_SAO_PAULO)
    await book_visit(owner, day=3)
    [booking] = await bookings_of(app, DEMO_SAO_PAULO)
    assert booking.status == BookingStatus.REQUESTED
    for hours in (24, 2):
        screens = await reminder(app, DEMO_SAO_PAULO, booking, hours)
        assert all(part in screens[0].text for part in awaiting)
        assert codes(screens) == ["rs", "cx"]


async def test_a_confirmed_visit_is_reminded_as_confirmed_in_german(app: App) -> None:
    de = app.catalogs.translator("de", "DE")
    [booking] = [b for b in await bookings_of(app, DEMO_BERLIN) if b.is_open]
    assert booking.status == BookingStatus.CONFIRMED
    screens = await reminder(app, DEMO_BERLIN, booking)
    confirmed = de._(
        "⏰ Reminder: your service visit at {center} is on {when} (the center's local time). "
        "Address: {address}.",
        center="§",
        when="§",
        address="§",
    ).split("§")[0]
    assert screens[0].text.startswith(confirmed)
    still_waiting = de._(AWAITING, center="§", when="§", address="§").split("§")[2]
    assert "Bestätigung" in still_waiting
    assert still_waiting not in screens[0].text


async def test_a_time_the_center_proposed_is_reminded_as_waiting_for_the_owner_in_arabic(
    chat_factory: ChatFactory, app: App
) -> None:
    ar = app.catalogs.translator("ar", "AE")
    owner: Chat = await linked(chat_factory(user_id=6920, lang="ar"), DEMO_DUBAI)
    await book_visit(owner, center="AE-DXB-01", day=1)
    [booking] = await bookings_of(app, DEMO_DUBAI)
    async with app.database.uow() as uow:
        stored = await uow.bookings.get(booking.id or 0)
        assert stored is not None
        dealer = app.reference.dealers["AE-DXB-01"]
        later = stored.starts_at + timedelta(days=3)
        [slot, *_] = await booking_service.alternatives(
            uow, dealer, later, 60, app.clock.now(), window=60, ignore_booking=stored.id
        )
        await booking_service.reschedule(
            uow, app.reference, stored, slot.start, actor="test", now=app.clock.now(), proposed=True
        )
        await uow.commit()
    [proposed] = await bookings_of(app, DEMO_DUBAI)
    assert proposed.proposed
    screens = await reminder(app, DEMO_DUBAI, proposed)
    waiting = ar._(
        "⏰ {center} proposed {when} (the center's local time) for your service visit "
        "and is waiting for your answer. Does that time suit you?",
        center="§",
        when="§",
    ).split("§")
    assert all(part in screens[0].text for part in waiting)
    assert "ينتظر" in "".join(waiting), "the Arabic catalog says it"
    assert codes(screens) == ["acc", "rs", "cx"]
