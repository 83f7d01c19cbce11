"""The /announce wizard in private chat, through the console: a moderator writes one
text per language the audience reads (a language change in the middle keeps what was
written), previews every variant with the audience per language and channel, sends now
or tomorrow at 10:00 local time, cancels; the role and the country are checked."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import App
from bot.domain.announcements import AnnouncementStatus, PostStatus
from bot.domain.care import OutboxStatus, Rule
from bot.domain.clubs import Club
from bot.domain.staff import Role
from bot.i18n import native_language_name
from handlers.codes.announcements import Reach, SendAnnouncement
from tests.conftest import NOW, Chat
from tests.flows.helpers import translator
from tests.staff import make_staff

DUBAI_CLUB = -1002000000201
BANGKOK_CLUB = -1002000000101


async def a_club(app: App, chat_id: int, market: str, languages: str, dealer: str) -> None:
    async with app.database.uow() as uow:
        uow.clubs.add(
            Club(
                channel="console",
                chat_id=chat_id,
                market=market,
                languages=languages,
                linked_by="test",
                linked_at=NOW,
                dealer_code=dealer,
            )
        )
        await uow.commit()


async def test_a_moderator_announces_in_arabic_and_english_to_the_club_and_owners_from_arabic(
    app: App,
) -> None:
    ar = translator("ar", "AE")
    await a_club(app, DUBAI_CLUB, "AE", "ar,en", "AE-DXB-01")
    await make_staff(app, 9301, role=Role.MODERATOR, dealer="AE-DXB-01", at=NOW)
    layla = Chat(app, user_id=9301, lang="ar")
    await layla.say("/announce")
    assert layla.text.startswith(
        ar._(
            "📣 A new announcement for {country}. Who should get it: the owners' clubs "
            "(groups), owners in private chat (those who accept marketing messages), or both?",
            country=ar.country("AE"),
        )
    )
    await layla.tap(f"ann:aud:{Reach.BOTH.value}")
    assert layla.text == ar._(
        "Send the announcement's text in {language} ({position} of {total}), as it should read.",
        language=native_language_name("ar"),
        position=ar.number(1),
        total=ar.number(2),
    )
    await layla.say("قافلة إلى سد حتا يوم السبت")
    await layla.say("/language")  # the draft stays where it was
    await layla.say("A convoy to Hatta Dam on Saturday")
    assert layla.text == ar._("Send a photo to go with it, or tap No photo.")
    screens = await layla.tap("ann:nopic")
    # Priya (English) accepts marketing messages; أحمد declined them.
    assert [s.text for s in screens[:2]] == [
        ar._(
            "👁 {language}: {clubs}, {owners}",
            language=native_language_name("ar"),
            clubs=ar.ngettext("{n} club", "{n} clubs", 1),
            owners=ar.ngettext("{n} owner", "{n} owners", 0),
        )
        + "\n\nقافلة إلى سد حتا يوم السبت",
        ar._(
            "👁 {language}: {clubs}, {owners}",
            language=native_language_name("en"),
            clubs=ar.ngettext("{n} club", "{n} clubs", 1),
            owners=ar.ngettext("{n} owner", "{n} owners", 1),
        )
        + "\n\nA convoy to Hatta Dam on Saturday",
    ]
    await layla.tap("ann:send:0")
    assert layla.text == ar._(
        "📣 Announcement {number} is on its way: {clubs}, {owners}.",
        number=ar.number(1),
        clubs=ar.ngettext("{n} club", "{n} clubs", 1),
        owners=ar.ngettext("{n} owner", "{n} owners", 1),
    )
    async with app.database.uow() as uow:
        announcement = await uow.announcements.get(1)
        assert announcement is not None
        posts = await uow.announcement_posts.of_announcement(1)
        outcomes = await uow.announcements.owner_outcomes(1)
    assert announcement.texts == {
        "ar": "قافلة إلى سد حتا يوم السبت",
        "en": "A convoy to Hatta Dam on Saturday",
    }
    assert (announcement.market, announcement.pin, announcement.created_by) == (
        "AE",
        True,
        "console:9301",
    )
    assert [(p.chat_id, p.locales, p.status) for p in posts] == [
        (DUBAI_CLUB, "ar,en", PostStatus.PENDING)
    ]
    assert outcomes == [(OutboxStatus.PENDING.value, "")]


async def test_a_thai_club_gets_a_photo_tomorrow_at_ten_and_the_moderator_cancels_it(
    app: App,
) -> None:
    th = translator("th", "TH")
    await a_club(app, BANGKOK_CLUB, "TH", "th", "TH-BKK-01")
    await make_staff(app, 9302, role=Role.MODERATOR, dealer="TH-BKK-01", at=NOW)
    staff = Chat(app, user_id=9302, lang="th")
    await staff.say("/announce")
    await staff.tap(f"ann:aud:{Reach.CLUBS.value}")
    assert staff.text == th._(
        "Send the announcement's text in {language} ({position} of {total}), as it should read.",
        language=native_language_name("th"),
        position=th.number(1),
        total=th.number(1),
    ), "the club reads Thai only"
    await staff.say("ทริปขับรถไปเขาใหญ่วันเสาร์นี้")
    await staff.say("@photo AgACAgQAAxkBAAIBf2")
    assert [s.photos for s in staff.screens[:1]] == [("AgACAgQAAxkBAAIBf2",)]
    await staff.tap("ann:pin:0")
    assert staff.codes("ann:pin") == ["ann:pin:1"], "pinning off, offered back on"
    await staff.tap("ann:send:1")
    assert staff.text == th._(
        "📣 Announcement {number} will go out tomorrow at {time}, each reader's own time: "
        "{clubs}, {owners}.",
        number=th.number(1),
        time=th.time(datetime(2026, 11, 24, 3, 0, tzinfo=UTC), "Asia/Bangkok"),
        clubs=th.ngettext("{n} club", "{n} clubs", 1),
        owners=th.ngettext("{n} owner", "{n} owners", 0),
    )
    async with app.database.uow() as uow:
        announcement = await uow.announcements.get(1)
        assert announcement is not None
        [post] = await uow.announcement_posts.of_announcement(1)
    assert (announcement.photo, announcement.pin) == ("AgACAgQAAxkBAAIBf2", False)
    assert announcement.send_at_local == "2026-11-24T10:00"
    assert post.due_at == datetime(2026, 11, 24, 3, 0, tzinfo=UTC), "10:00 in Bangkok"

    await staff.tap("ann:cx")
    assert staff.text == th._(
        "Announcement {number} is cancelled; nothing more of it goes out.", number=th.number(1)
    )
    async with app.database.uow() as uow:
        cancelled = await uow.announcements.get(1)
        [post] = await uow.announcement_posts.of_announcement(1)
    assert cancelled is not None
    assert (cancelled.status, post.status) == (AnnouncementStatus.CANCELLED, PostStatus.CANCELLED)


async def test_an_admin_picks_the_country_and_owners_read_their_language_in_spanish(
    app: App,
) -> None:
    es = translator("es", "MX")
    await make_staff(app, 9303, role=Role.ADMIN, dealer=None, at=NOW)
    admin = Chat(app, user_id=9303, lang="es")
    await admin.say("/announce")
    assert admin.text.startswith(es._("📣 A new announcement. Which country is it for?"))
    await admin.tap("ann:mkt:MX")
    await admin.tap(f"ann:aud:{Reach.OWNERS.value}")
    await admin.say("¡Nuevo taller en Monterrey!")
    await admin.tap("ann:nopic")
    assert admin.codes("ann:pin") == [], "no clubs: nothing to pin"
    await admin.tap("ann:send:0")
    async with app.database.uow() as uow:
        outcomes = await uow.announcements.owner_outcomes(1)
        announcement = await uow.announcements.get(1)
    assert announcement is not None
    assert announcement.market == "MX"
    assert len(outcomes) == 2, "María and Luis accept marketing messages"


async def test_advisors_are_refused_and_a_stale_send_button_sends_nothing_in_german(
    app: App,
) -> None:
    de = translator("de", "DE")
    await make_staff(app, 9304, role=Role.ADVISOR, dealer="DE-BER-01", at=NOW)
    advisor = Chat(app, user_id=9304, lang="de")
    await advisor.say("/announce")
    assert advisor.text == de._("This command is for moderators and managers.")
    await make_staff(app, 9305, role=Role.MODERATOR, dealer="DE-BER-01", at=NOW)
    moderator = Chat(app, user_id=9305, lang="de")
    screens = await moderator.press_code(SendAnnouncement(False))
    assert [s.toast for s in screens] == [de._("This button is no longer valid.")]
    async with app.database.uow() as uow:
        assert await uow.announcements.recent(5) == []


async def test_a_sent_announcement_is_corrected_from_its_confirmation_in_hebrew(
    app: App,
) -> None:
    he = translator("he", "IL")
    await a_club(app, DUBAI_CLUB, "AE", "ar,en", "AE-DXB-01")
    await make_staff(app, 9306, role=Role.MODERATOR, dealer="AE-DXB-01", at=NOW)
    staff = Chat(app, user_id=9306, lang="he")
    await staff.say("/announce")
    await staff.tap(f"ann:aud:{Reach.CLUBS.value}")
    await staff.say("قافلة يوم السبت")
    await staff.say("A convoy on Saturday")
    await staff.tap("ann:nopic")
    await staff.tap("ann:send:0")
    async with app.database.uow() as uow:  # the group poster has posted it
        [post] = await uow.announcement_posts.of_announcement(1)
        post.status, post.message_id = PostStatus.SENT, 77
        await uow.commit()
    await staff.tap("ann:fix:1")
    assert staff.text.startswith(he._("Which language's text do you want to correct?"))
    await staff.tap("ann:fixl:1:en")
    assert staff.text == he._(
        "Send the corrected text in {language}.", language=native_language_name("en")
    )
    await staff.say("A convoy on Saturday at 7:30")
    assert staff.text == he._(
        "✏️ Announcement {number} is corrected: the clubs' messages are edited in place, "
        "and copies still to go carry the new text.",
        number=he.number(1),
    )
    async with app.database.uow() as uow:
        announcement = await uow.announcements.get(1)
        [post] = await uow.announcement_posts.of_announcement(1)
    assert announcement is not None
    assert announcement.texts["en"] == "A convoy on Saturday at 7:30"
    assert (post.needs_edit, post.message_id) == (True, 77)

    other = Chat(app, user_id=9307, lang="he")  # a moderator of another country
    await make_staff(app, 9307, role=Role.MODERATOR, dealer="TH-BKK-01", at=NOW)
    screens = await other.press_code("ann:fix:1")
    assert [s.toast for s in screens] == [he._("This button is no longer valid.")]


async def test_a_moderator_narrows_an_announcement_to_some_models_owners_in_spanish(
    app: App,
) -> None:
    es = translator("es", "MX")
    names = {code: model.name for code, model in app.reference.models.items()}
    await make_staff(app, 9306, role=Role.MODERATOR, dealer="MX-CDMX-01", at=NOW)
    moderator = Chat(app, user_id=9306, lang="es")
    await moderator.say("/announce")
    await moderator.tap(f"ann:aud:{Reach.OWNERS.value}")
    await moderator.say("Nuevo accesorio para tu camioneta.")
    screens = await moderator.tap("ann:nopic")
    owners = es.ngettext("{n} owner", "{n} owners", 2)
    clubs = es.ngettext("{n} club", "{n} clubs", 0)
    assert screens[-1].text.startswith(
        es._("Reaches {clubs} and {owners} (every model).", clubs=clubs, owners=owners)
    )
    assert moderator.codes("ann:model:") == [f"ann:model:{code}" for code in names]
    screens = await moderator.tap("ann:model:T9")  # Luis drives a T9: he is left out
    kept = ", ".join(names[code] for code in names if code != "T9")
    assert screens[-1].text.startswith(
        es._(
            "Reaches {clubs} and {owners} ({models} only).",
            clubs=clubs,
            owners=es.ngettext("{n} owner", "{n} owners", 1),
            models=kept,
        )
    )
    screens = await moderator.tap("ann:model:X7")  # María's X7 too: nobody is left
    assert [s.toast for s in screens] == [es._("Nobody is in this audience yet.")]
    await moderator.tap("ann:send:0")
    async with app.database.uow() as uow:
        outcomes = await uow.announcements.owner_outcomes(1)
        maria = await uow.owners.by_phone("+525512345678")
        assert maria is not None
        assert maria.id is not None
        hers = [m for m in await uow.outbox.of_owner(maria.id) if m.rule == Rule.ANNOUNCEMENT]
    assert (len(outcomes), len(hers)) == (1, 1), "only the X7's owner"
