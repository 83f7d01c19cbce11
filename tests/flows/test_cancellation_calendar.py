"""A cancelled visit leaves the owner's calendar: the owner gets the same event again,
marked cancelled, with the next sequence number."""

from __future__ import annotations

from bot.app import App
from bot.config import PROJECT_ROOT
from bot.i18n import Catalogs
from handlers.types import Attachment, Screen
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import DEMO_DUBAI, DEMO_LONDON, book_visit, bookings_of, linked
from tests.staff import make_staff

catalogs = Catalogs(PROJECT_ROOT / "locales")
LONDON_STAFF_CHAT = -1001000000701


def calendar_in(screens: list[Screen]) -> Attachment:
    [attachment] = [
        s.attachment for s in screens if s.attachment and s.attachment.filename.endswith(".ics")
    ]
    return attachment


def lines_of(attachment: Attachment) -> list[str]:
    return attachment.data.decode().replace("\r\n ", "").split("\r\n")


async def test_an_owner_who_cancels_gets_the_event_cancelled_with_the_next_sequence_in_arabic(
    chat_factory: ChatFactory, app: App
) -> None:
    owner: Chat = await linked(chat_factory(user_id=6610, lang="ar"), DEMO_DUBAI)
    booked = lines_of(calendar_in(await book_visit(owner, center="AE-DXB-01")))
    [booking] = await bookings_of(app, DEMO_DUBAI)
    await owner.say("/bookings")
    await owner.tap(f"bk:rs:{booking.id}")
    await owner.tap("bk:day:", 1)
    await owner.tap("bk:tm:")
    moved = lines_of(calendar_in(await owner.tap("bk:mv:")))
    await owner.say("/bookings")
    await owner.tap(f"bk:cx:{booking.id}")
    screens = await owner.tap(f"bk:cxr:{booking.id}:plans")
    attachment = calendar_in(screens)
    cancelled = lines_of(attachment)

    uid = f"UID:booking-{booking.id}@ownerbot"
    assert uid in booked
    assert uid in moved
    assert uid in cancelled
    assert (
        next(x for x in booked if x.startswith("SEQUENCE")),
        next(x for x in moved if x.startswith("SEQUENCE")),
        next(x for x in cancelled if x.startswith("SEQUENCE")),
    ) == ("SEQUENCE:0", "SEQUENCE:1", "SEQUENCE:2")
    assert "METHOD:CANCEL" in cancelled
    assert "STATUS:CANCELLED" in cancelled
    assert "METHOD:PUBLISH" in moved
    ar = catalogs.translator("ar", "AE")
    caption = ar._("Open this file to take the visit off your calendar.")
    assert caption != "Open this file to take the visit off your calendar."
    assert attachment.caption == caption


async def test_a_visit_the_center_declines_leaves_the_owners_calendar_too(
    chat_factory: ChatFactory, app: App
) -> None:
    owner: Chat = await linked(chat_factory(user_id=6620, lang="en"), DEMO_LONDON)
    await book_visit(owner, center="GB-LON-01")
    await make_staff(app, 7620, dealer="GB-LON-01")
    staff = Chat(app, user_id=7620, lang="en", group_chat_id=LONDON_STAFF_CHAT)
    staff.receive(owner.screens)
    screens = await staff.tap("bks:no:")
    to_owner = [s for s in screens if s.chat_id == owner.chat_id]
    cancelled = lines_of(calendar_in(to_owner))
    assert "METHOD:CANCEL" in cancelled
    assert "SEQUENCE:1" in cancelled
    assert not [s for s in screens if s.chat_id == LONDON_STAFF_CHAT and s.attachment]
