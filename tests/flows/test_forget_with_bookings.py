"""/forget with an upcoming visit: the warning names it, and erasing tells its center
(without the owner's name: it is erased) and takes it off the owner's calendar."""

from __future__ import annotations

from bot.app import App
from bot.config import PROJECT_ROOT
from bot.domain.booking import BookingStatus
from bot.i18n import Catalogs
from handlers.booking_texts import when
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import DEMO_LONDON, bookings_of, linked

catalogs = Catalogs(PROJECT_ROOT / "locales")
DEMO_BERLIN = "+4915112345678"  # Lukas, German, an upcoming confirmed booking (demo)
BERLIN_STAFF_CHAT = -1001000001001


async def test_forget_names_the_upcoming_visit_then_tells_the_center_it_is_cancelled_in_german(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(user_id=6710, lang="de"), DEMO_BERLIN)
    [booking] = [b for b in await bookings_of(app, DEMO_BERLIN) if b.is_open]
    assert booking.status == BookingStatus.CONFIRMED
    dealer = app.reference.dealers[booking.dealer_code]
    de = catalogs.translator("de", "DE")
    warning = de._(
        "⚠️ Your visit on {when} at {center} will be cancelled, and the center will be told.",
        when=when(de, booking.starts_at, dealer),
        center=dealer.name,
    )
    assert "Termin" in warning, "the German catalog translates the warning"

    await chat.say("/forget")
    assert warning in chat.html
    assert chat.html.index(warning) < chat.html.index("?")
    screens = await chat.tap("priv:erase")

    async with app.database.uow() as uow:
        cancelled = await uow.bookings.get(booking.id or 0)
    assert cancelled is not None
    assert cancelled.status == BookingStatus.CANCELLED
    [staff] = [s for s in screens if s.chat_id == BERLIN_STAFF_CHAT]
    assert f"#{booking.id}" in staff.text
    assert de.skeleton(booking.starts_at, "yMMMMEEEEd", dealer.timezone) in staff.text
    assert "Lukas" not in staff.text, "nothing personal"
    assert DEMO_BERLIN not in staff.text
    assert not staff.buttons, "a cancelled booking has nothing left to do at the desk"
    [calendar] = [s.attachment for s in screens if s.attachment is not None]
    assert b"METHOD:CANCEL" in calendar.data
    assert calendar.caption == de._("Open this file to take the visit off your calendar.")


async def test_forget_without_upcoming_visits_warns_about_nothing_but_the_data(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(user_id=6720, lang="en"), DEMO_LONDON)
    await chat.say("/forget")
    assert "will be cancelled" not in chat.text
    screens = await chat.press("Yes, erase")
    assert [s for s in screens if s.chat_id is not None] == []
    assert not [s for s in screens if s.attachment is not None]
