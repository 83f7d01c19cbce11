"""The QR ticket through the fake Bot API server, on both runtimes: an owner who took a
seat gets the ticket as a photo whose QR code holds the bot's deep link; a staff member
who opens that link is asked nothing more: the owner is checked in once and thanked."""

from __future__ import annotations

from bot.app import App
from bot.domain.staff import Role
from handlers.codes.events import EventGoing, EventTicket
from handlers.events import checkin_link
from handlers.media import qr_png
from handlers.points import points_text
from tests.e2e.conftest import Person, RunningBot
from tests.fakes.bot_api import FakeBotAPI, TgUser
from tests.flows.helpers import DEMO_DUBAI, translator
from tests.flows.test_club_events import EXAMPLE, stored
from tests.staff import make_staff


async def test_staff_who_scan_the_owners_ticket_check_them_in_once(
    api: FakeBotAPI, bot: RunningBot, app: App
) -> None:
    event_id = await stored(app, EXAMPLE.read_bytes())
    ahmed = Person(api, TgUser(5951, "Ahmed", "ar"))
    await ahmed.command("start")
    await ahmed.share_contact(DEMO_DUBAI)
    await ahmed.command("events")
    await ahmed.tap(EventGoing)
    [photo] = await ahmed.tap(EventTicket)
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(DEMO_DUBAI)
        assert owner is not None
        rsvp = await uow.rsvps.find(event_id, owner.id or 0)
    assert rsvp is not None
    link = checkin_link(api.bot_username, rsvp.checkin_code)
    assert link == f"https://t.me/{api.bot_username}?start=checkin_{rsvp.checkin_code}"
    assert photo.method == "sendPhoto"
    assert photo.params["photo"]["filename"] == f"ticket-{event_id}.png"
    assert photo.params["photo"]["data"] == qr_png(link)
    assert rsvp.checkin_code in photo.params["caption"]

    await make_staff(app, 5952, role=Role.ADVISOR, dealer="AE-DXB-01", channel="telegram")
    door = Person(api, TgUser(5952, "Layla", "en"))
    await door.command("start", f"checkin_{rsvp.checkin_code}")
    await api.wait_for(lambda: len(api.sent_to(ahmed.chat_id)) > 0 and ahmed.answered())
    [checked] = [c for c in door.answered() if c.method == "sendMessage"]
    assert checked.params["text"] == "✅ Checked in for Morning drive to Hatta Dam."
    *_ticket, thanks = await ahmed.answer()
    ar = translator("ar", "AE")
    points = app.reference.rules("AE").activity("club_event_attended").points
    assert thanks.params["text"] == ar._(
        "Thanks for coming to {title}! {points} are on their way to your balance.",
        title="رحلة صباحية إلى سد حتا",
        points=points_text(ar, points),
    )
    [again] = await door.command("start", f"checkin_{rsvp.checkin_code}")
    assert again.params["text"] == "This owner is already checked in."
