"""/newevent: a moderator creates a club event in private chat, in their language (Hebrew,
right to left; Thai): a title per language of the country, the local start, the place
and its map location, the seats, a linked club, the preview with Co-creators first, and
Create, which stores the same event as `ownerbot events create`. Wrong answers are asked
again with the answers so far kept; advisors and strangers may not."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import App
from bot.domain.staff import Role
from bot.i18n import native_language_name
from tests.conftest import NOW, Chat
from tests.flows.helpers import translator
from tests.flows.test_clubs import DUBAI_CLUB, link_x7_club
from tests.staff import make_staff


async def test_a_moderator_creates_a_dubai_event_for_a_club_in_hebrew(app: App) -> None:
    await link_x7_club(app, DUBAI_CLUB, 9951, "AE-DXB-01", "en")
    he = translator("he", "AE")
    staff = Chat(app, user_id=9951, lang="he")
    await staff.say("/newevent")
    assert staff.text.startswith(
        he._("The event's title in {language}?", language=native_language_name("ar"))
    )
    await staff.say("رحلة ليلية إلى جبل جيس")
    assert staff.text.startswith(
        he._("The event's title in {language}?", language=native_language_name("en"))
    )
    await staff.say("Night drive to Jebel Jais")
    await staff.say("2027-02-31 19:00")  # no such day: asked again, the titles kept
    assert staff.text.startswith(
        he._("Please write a date and time still to come, as in the example.")
    )
    await staff.say("2027-02-01 19:00")
    assert staff.text.startswith(he._("Where does it take place? Send the place's name."))
    await staff.say("Jebel Jais viewing deck")
    await staff.say("@location 25.9408,56.1280")
    await staff.say("twelve")
    assert staff.text.startswith(he._("Please send the number of seats, for example 20."))
    await staff.say("12")
    async with app.database.uow() as uow:
        club = await uow.clubs.in_chat("console", DUBAI_CLUB)
    assert club is not None
    assert staff.codes("evw:club:") == [f"evw:club:{club.id}", "evw:club:0"]
    await staff.tap(f"evw:club:{club.id}")
    assert staff.text.startswith(he._("Here is how owners will see it:"))
    assert "Night drive to Jebel Jais" not in staff.text, "the card in Arabic for a Hebrew reader"
    assert he._("The waitlist moves up in the order people answered.") in staff.text
    await staff.tap("evw:prio")
    assert he._("⭐ Co-creators move up the waitlist first.") in staff.text
    await staff.tap("evw:ok")
    async with app.database.uow() as uow:
        [event] = await uow.club_events.starting_after(NOW, "AE")
    assert staff.text == he._(
        "✅ Event {number} is created. Post its card in a club group with /event {number}.",
        number=event.id,
    )
    assert event.texts == {
        "ar": {"title": "رحلة ليلية إلى جبل جيس", "description": ""},
        "en": {"title": "Night drive to Jebel Jais", "description": ""},
    }
    assert event.starts_at == datetime(2027, 2, 1, 15, 0, tzinfo=UTC)  # 19:00 in Dubai
    assert (event.place, event.latitude, event.longitude) == (
        "Jebel Jais viewing deck",
        25.9408,
        56.128,
    )
    assert (event.capacity, event.co_creators_first, event.created_by) == (12, True, "console:9951")
    assert event.club_id == club.id


async def test_an_advisor_may_not_and_cancel_creates_nothing_in_thai(app: App) -> None:
    th = translator("th", "TH")
    await make_staff(app, 9952, role=Role.ADVISOR, dealer="TH-BKK-01", at=NOW)
    advisor = Chat(app, user_id=9952, lang="th")
    await advisor.say("/newevent")
    assert advisor.text == th._("This command is for moderators and managers.")
    stranger = Chat(app, user_id=9953, lang="th")
    await stranger.say("/newevent")
    assert stranger.text == th._("This command is for dealer staff.")
    await make_staff(app, 9954, role=Role.MODERATOR, dealer="TH-BKK-01", at=NOW)
    moderator = Chat(app, user_id=9954, lang="th")
    await moderator.say("/newevent")
    await moderator.say("ทริปเขาใหญ่")  # Thailand speaks Thai and English: two titles
    assert moderator.text.startswith(
        th._("The event's title in {language}?", language=native_language_name("en"))
    )
    await moderator.tap("evw:stop")
    assert moderator.text == th._("No event was created.")
    async with app.database.uow() as uow:
        assert await uow.club_events.starting_after(NOW, "TH") == []
