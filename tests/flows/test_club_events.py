"""Club events through the console: the example file on the demo data, RSVP in private
chat and in a club group, a waitlist that moves up and tells the promoted owner in
their language, a calendar file, check-in by staff paying the club-event points, and
a formula-safe attendees CSV."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.app import App
from bot.cli import cli
from bot.config import PROJECT_ROOT
from bot.domain.club_events import ClubEvent, RsvpStatus
from bot.domain.staff import Role
from bot.services.event_file import EventFileError, create_event, read_event
from handlers.events import event_when
from tests.conftest import NOW, Chat
from tests.flows.helpers import DEMO_BANGKOK, DEMO_DUBAI, linked, translator
from tests.flows.test_clubs import DUBAI_CLUB, link_x7_club
from tests.staff import make_staff

EXAMPLE = PROJECT_ROOT / "examples" / "event.toml"
THAI_EVENT = """
market = "TH"
starts = "2026-12-12T08:00"
capacity = 1
[place]
name = "Khao Yai"
latitude = 14.44
longitude = 101.37
[text.th]
title = "ทริปเขาใหญ่"
[text.zh_Hans]
title = "考三自驾"
""".encode()
DEMO_BANGKOK_ZH = "+66923334455"  # 陈伟, Chinese on file


async def ownerbot(*args: str) -> Result:
    result = await asyncio.to_thread(CliRunner().invoke, cli, list(args))
    assert result.exit_code == 0, result.output
    return result


async def stored(app: App, data: bytes) -> int:
    spec = read_event(data, app.reference, actor="test", now=app.clock.now())
    async with app.database.uow() as uow:
        event = await create_event(uow, spec, app.clock.now())
        await uow.commit()
    assert event.id is not None
    return event.id


async def test_an_owner_answers_the_example_event_in_arabic_and_gets_a_code_and_a_calendar(
    app: App,
) -> None:
    event_id = await stored(app, EXAMPLE.read_bytes())
    ar = translator("ar", "AE")
    owner = await linked(Chat(app, user_id=5701, lang="ar"), DEMO_DUBAI)
    await owner.say("/events")
    assert owner.text.startswith("رحلة صباحية إلى سد حتا\n")
    assert (
        ar.ngettext("{n} seat left of {capacity}", "{n} seats left of {capacity}", 2, capacity="2")
        in owner.text
    )
    await owner.tap("ev:go:")
    async with app.database.uow() as uow:
        ahmed = await uow.owners.by_phone(DEMO_DUBAI)
        assert ahmed is not None
        rsvp = await uow.rsvps.find(event_id, ahmed.id or 0)
    assert rsvp is not None
    event = await _event(app, event_id)
    assert owner.text == ar._(
        "✅ You're going to {title}, {when}. Your check-in code is <b>{code}</b>: show it "
        "to the team at the door.",
        title="رحلة صباحية إلى سد حتا",
        when=event_when(ar, event),
        code=rsvp.checkin_code,
    ).replace("<b>", "").replace("</b>", "")
    [ics] = await owner.tap("ev:ics:")
    assert ics.attachment is not None
    assert ics.attachment.filename == f"event-{event_id}.ics"
    assert b"DTSTART:20270116T033000Z" in ics.attachment.data
    assert "SUMMARY:رحلة صباحية إلى سد حتا".encode() in ics.attachment.data


async def _event(app: App, event_id: int) -> ClubEvent:
    async with app.database.uow() as uow:
        event = await uow.club_events.get(event_id)
    assert event is not None
    return event


async def test_the_waitlist_moves_up_and_the_promoted_owner_is_told_in_chinese(app: App) -> None:
    event_id = await stored(app, THAI_EVENT)
    somchai = await linked(Chat(app, user_id=5702, lang="th"), DEMO_BANGKOK)
    wei = await linked(Chat(app, user_id=5703, lang="zh-hans"), DEMO_BANGKOK_ZH)
    await somchai.say("/events")
    await somchai.tap("ev:go:")
    await wei.say("/events")
    await wei.tap("ev:go:")
    zh = translator("zh_Hans", "TH")
    assert wei.text == zh._(
        "{title} is full, so you are number {position} on the waitlist. I'll tell you as soon as "
        "a seat frees up.",
        title="考三自驾",
        position="1",
    )
    screens = await somchai.tap("ev:no:")
    th = translator("th", "TH")
    assert [s.text for s in screens if s.chat_id is None] == [
        th._("You're off the list for {title}. Thanks for letting us know.", title="ทริปเขาใหญ่")
    ]
    [told] = wei.receive(screens)
    assert told.text.startswith(zh._("🎉 A seat freed up for you!") + "\n\n✅ ")
    async with app.database.uow() as uow:
        answers = {r.owner_id: r.status for r in await uow.rsvps.of_event(event_id)}
    assert sorted(answers.values()) == [RsvpStatus.CANCELLED, RsvpStatus.GOING]


async def test_rsvp_in_a_club_group_answers_in_private_and_names_nobody_in_the_group(
    app: App,
) -> None:
    event_id = await stored(app, EXAMPLE.read_bytes())
    await link_x7_club(app, DUBAI_CLUB, 9701, "AE-DXB-01", "en")
    staff = Chat(app, user_id=9701, lang="en", group_chat_id=DUBAI_CLUB, remember=True)
    await staff.say(f"/event {event_id}")
    assert staff.text.startswith("رحلة صباحية إلى سد حتا\n"), "the club's first language"
    owner = await linked(Chat(app, user_id=5704, lang="ar"), DEMO_DUBAI)
    in_group = Chat(app, user_id=5704, lang="ar", group_chat_id=DUBAI_CLUB, remember=True)
    screens = await in_group.tap("ev:go:")
    ar = translator("ar", "AE")
    assert [s.toast for s in screens if s.toast] == [
        ar._("Done: the details are in our private chat.")
    ]
    assert [s.chat_id for s in screens if s.text] == [owner.chat_id]
    stranger = Chat(app, user_id=5705, lang="en", group_chat_id=DUBAI_CLUB, remember=True)
    screens = await stranger.tap("ev:go:")
    assert [s.toast for s in screens] == [
        "Events are for verified owners: open our private chat and share your phone number first."
    ]


async def test_staff_check_an_owner_in_and_the_club_event_points_are_paid_once(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OWNERBOT_DATABASE_URL", str(app.database.engine.url))
    event_id = await stored(app, THAI_EVENT)
    somchai = await linked(Chat(app, user_id=5706, lang="th"), DEMO_BANGKOK)
    await somchai.say("/events")
    await somchai.tap("ev:go:")
    async with app.database.uow() as uow:
        [rsvp] = await uow.rsvps.of_event(event_id)
        owner = await uow.owners.get(rsvp.owner_id)
        assert owner is not None
        owner.first_name = '=HYPERLINK("http://x","y")'
        await uow.commit()
    await make_staff(app, 9702, role=Role.ADVISOR, dealer="TH-BKK-01", at=NOW)
    desk = Chat(app, user_id=9702, lang="en")
    screens = await desk.say(f"/checkin {rsvp.checkin_code.lower()}")
    assert desk.text.startswith("✅ Checked in for ทริปเขาใหญ่.")
    th = translator("th", "TH")
    [thanks] = somchai.receive(screens)
    assert thanks.text == th._(
        "Thanks for coming to {title}! {points} are on their way to your balance.",
        title="ทริปเขาใหญ่",
        points=th.ngettext("{n} point", "{n} points", 100),
    )
    await desk.say(f"/checkin {rsvp.checkin_code}")
    assert desk.text == "This owner is already checked in."
    await desk.say("/checkin ZZZZZZ")
    assert desk.text == "No one has this check-in code. Please check it letter by letter."
    async with app.database.uow() as uow:
        lot = await uow.point_lots.by_award("club_event", str(rsvp.id), "club_event_attended")
        status = await uow.status_awards.by_award("club_event", str(rsvp.id), "club_event_attended")
    assert lot is not None
    assert status is not None
    assert (lot.owner_id, lot.points, status.points) == (rsvp.owner_id, 100, 200)
    out = tmp_path / "attendees.csv"
    await ownerbot("events", "attendees", str(event_id), "--out", str(out))
    with out.open(encoding="utf-8", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert row["name"].startswith("'=HYPERLINK")
    assert row["status"] == "going"
    assert row["checked_in_at"] == NOW.isoformat()


def test_an_event_file_that_is_wrong_says_what_to_fix(app: App) -> None:
    bad = EXAMPLE.read_bytes().replace(b"[text.ar]", b"[text.th]")
    with pytest.raises(EventFileError) as refused:
        read_event(bad, app.reference, actor="test", now=NOW)
    assert str(refused.value) == "[text.th]: the market speaks ar, en"
