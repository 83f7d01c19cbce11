"""After an owner takes a seat: the reminder a day before (through the outbox, in their
language, never for a seat given up or an event called off), the QR ticket staff scan
at the door (a deep link that checks the owner in once), and the short survey the day
after, whose ratings staff read in the attendees CSV."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.channels.text import html_to_text
from bot.clock import FixedClock
from bot.domain.care import OutboxStatus, Rule
from bot.domain.club_events import ClubEvent
from bot.domain.staff import Role
from bot.services import care
from bot.services.club_events import cancel_event
from handlers.codes.events import EventRating
from handlers.events import checkin_link, event_title, event_when
from handlers.media import qr_png
from tests.conftest import NOW, Chat
from tests.fakes.transport import FakeTransport
from tests.flows.helpers import DEMO_BANGKOK, DEMO_DUBAI, linked, translator
from tests.flows.test_club_events import (
    DEMO_BANGKOK_ZH,
    EXAMPLE,
    THAI_EVENT,
    ownerbot,
    stored,
)
from tests.services.test_care_sender import sender_for
from tests.staff import make_staff

REMINDER = (
    "⏰ Reminder: {title} is on {when}, at {place}. Your check-in code is <b>{code}</b>: "
    "show it, or the QR code from the Ticket button, to the team at the door."
)
CANCELLED = (
    "❌ {title} on {when} has been called off. We're sorry! "
    "See /events for the club's other events."
)
SURVEY = (
    "Thank you for coming to {title}! How did you like it? One tap is enough: "
    "1 star is poor, 5 stars is excellent."
)


async def plan(app: App, clock: FixedClock) -> care.PlanReport:
    async with app.database.uow() as uow:
        report = await care.plan(uow, app.reference, clock.now())
        await uow.commit()
    return report


async def rows(app: App, rule: Rule) -> list[tuple[int, str, OutboxStatus]]:
    async with app.database.uow() as uow:
        owners = [await uow.owners.by_phone(p) for p in (DEMO_BANGKOK, DEMO_BANGKOK_ZH, DEMO_DUBAI)]
        return [
            (m.owner_id, m.occurrence, m.status)
            for owner in owners
            if owner is not None
            for m in await uow.outbox.of_owner(owner.id or 0)
            if m.rule == rule
        ]


def about(transport: FakeTransport, chat: Chat, title: str) -> list[str]:
    """What the sender delivered to this chat about the event (the demo owners get
    their other care messages too)."""
    return [text for text in transport.to(chat.chat_id) if title in text]


async def event_of(app: App, event_id: int) -> ClubEvent:
    async with app.database.uow() as uow:
        event = await uow.club_events.get(event_id)
    assert event is not None
    return event


async def code_of(app: App, event_id: int, phone: str) -> str:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(phone)
        assert owner is not None
        rsvp = await uow.rsvps.find(event_id, owner.id or 0)
    assert rsvp is not None
    return rsvp.checkin_code


async def test_a_seat_gets_one_reminder_a_day_before_in_thai_and_the_waitlist_gets_none(
    app: App, clock: FixedClock
) -> None:
    event_id = await stored(app, THAI_EVENT)  # 12 December, 08:00 in Bangkok; one seat
    somchai = await linked(Chat(app, user_id=5801, lang="th"), DEMO_BANGKOK)
    wei = await linked(Chat(app, user_id=5802, lang="zh-hans"), DEMO_BANGKOK_ZH)
    for owner in (somchai, wei):
        await owner.say("/events")
        await owner.tap("ev:go:")
    event = await event_of(app, event_id)
    clock.set(event.starts_at - timedelta(hours=30))
    await plan(app, clock)
    assert await rows(app, Rule.EVENT_REMINDER) == []
    clock.set(event.starts_at - timedelta(hours=20))  # 12:00 in Bangkok: not quiet hours
    await plan(app, clock)
    assert (await plan(app, clock)).planned.get(Rule.EVENT_REMINDER, 0) == 0, "planned once"
    [(_, occurrence, _)] = await rows(app, Rule.EVENT_REMINDER)
    assert occurrence.startswith(f"{event_id}:24h:")
    transport = FakeTransport()
    await sender_for(app, transport, clock).run_once()
    th = translator("th", "TH")
    code = await code_of(app, event_id, DEMO_BANGKOK)
    assert about(transport, somchai, "ทริปเขาใหญ่") == [
        html_to_text(
            th._(
                REMINDER,
                title="ทริปเขาใหญ่",
                when=event_when(th, event),
                place="Khao Yai",
                code=code,
            )
        )
    ]
    assert about(transport, wei, "考三自驾") == []


async def test_a_reminder_planned_at_night_waits_for_the_owners_morning(
    app: App, clock: FixedClock
) -> None:
    event_id = await stored(app, THAI_EVENT)
    somchai = await linked(Chat(app, user_id=5803, lang="th"), DEMO_BANGKOK)
    await somchai.say("/events")
    await somchai.tap("ev:go:")
    event = await event_of(app, event_id)
    clock.set(event.starts_at - timedelta(hours=23, minutes=30))  # 08:30 in Bangkok
    await plan(app, clock)
    transport = FakeTransport()
    await sender_for(app, transport, clock).run_once()
    assert about(transport, somchai, "ทริปเขาใหญ่") == []
    assert [status for _, _, status in await rows(app, Rule.EVENT_REMINDER)] == [
        OutboxStatus.PENDING
    ]
    clock.set(event.starts_at - timedelta(hours=22, minutes=55))  # 09:05 in Bangkok
    await sender_for(app, transport, clock).run_once()
    assert len(about(transport, somchai, "ทริปเขาใหญ่")) == 1


async def test_a_seat_given_up_or_an_event_called_off_gets_no_reminder_in_arabic(
    app: App, clock: FixedClock
) -> None:
    event_id = await stored(app, EXAMPLE.read_bytes())  # 16 January, Dubai
    ahmed = await linked(Chat(app, user_id=5804, lang="ar"), DEMO_DUBAI)
    await ahmed.say("/events")
    await ahmed.tap("ev:go:")
    event = await event_of(app, event_id)
    clock.set(event.starts_at - timedelta(hours=20))  # 11:30 in Dubai
    await plan(app, clock)
    assert len(await rows(app, Rule.EVENT_REMINDER)) == 1
    await ahmed.tap("ev:no:")  # gives the seat up after the reminder was planned
    transport = FakeTransport()
    await sender_for(app, transport, clock).run_once()
    assert about(transport, ahmed, "سد حتا") == []
    assert [status for _, _, status in await rows(app, Rule.EVENT_REMINDER)] == [
        OutboxStatus.SKIPPED
    ]

    other = await stored(app, EXAMPLE.read_bytes())
    clock.set(NOW)
    await ahmed.say("/events")
    await ahmed.tap(f"ev:go:{other}")
    async with app.database.uow() as uow:
        await cancel_event(uow, other, actor="test", now=clock.now())
        await uow.commit()
    clock.set(event.starts_at - timedelta(hours=19))
    assert (await plan(app, clock)).planned.get(Rule.EVENT_REMINDER, 0) == 0
    await ahmed.say("/events")
    assert ahmed.codes("ev:go:") == [f"ev:go:{event_id}"], "a cancelled event is not listed"
    transport = FakeTransport()
    await sender_for(app, transport, clock).run_once()
    ar = translator("ar", "AE")
    called_off = await event_of(app, other)
    assert about(transport, ahmed, "سد حتا") == [
        html_to_text(
            ar._(
                CANCELLED,
                title=event_title(ar, called_off),
                when=event_when(ar, called_off),
            )
        )
    ], "the owner with a seat is told the event is off"


async def test_an_event_called_off_is_told_to_the_seat_holder_and_the_waitlist_once(
    app: App, clock: FixedClock
) -> None:
    event_id = await stored(app, THAI_EVENT)  # one seat
    somchai = await linked(Chat(app, user_id=5807, lang="th"), DEMO_BANGKOK)
    wei = await linked(Chat(app, user_id=5808, lang="zh-hans"), DEMO_BANGKOK_ZH)
    for chat in (somchai, wei):  # Somchai takes the seat, Wei waits for one
        await chat.say("/events")
        await chat.tap("ev:go:")
    event = await event_of(app, event_id)
    clock.set(event.starts_at - timedelta(hours=20))  # 12:00 in Bangkok
    for _ in range(2):  # called off twice: told once
        async with app.database.uow() as uow:
            await cancel_event(uow, event_id, actor="test", now=clock.now())
            await uow.commit()
    transport = FakeTransport()
    await sender_for(app, transport, clock).run_once()
    for chat, language, title in ((somchai, "th", "ทริปเขาใหญ่"), (wei, "zh_Hans", "考三自驾")):
        t = translator(language, "TH")
        assert about(transport, chat, title) == [
            html_to_text(t._(CANCELLED, title=event_title(t, event), when=event_when(t, event)))
        ]
    assert [status for _, _, status in await rows(app, Rule.EVENT_CANCELLED)] == [
        OutboxStatus.SENT,
        OutboxStatus.SENT,
    ]


async def test_the_qr_ticket_checks_the_owner_in_once_when_staff_scan_it(
    app: App, tmp_path: Path
) -> None:
    event_id = await stored(app, EXAMPLE.read_bytes())
    ahmed = await linked(Chat(app, user_id=5805, lang="ar", files=tmp_path), DEMO_DUBAI)
    await ahmed.say("/events")
    await ahmed.tap("ev:go:")
    [ticket] = await ahmed.tap("ev:qr:")
    code = await code_of(app, event_id, DEMO_DUBAI)
    assert ticket.attachment is not None
    assert ticket.attachment.kind == "photo"
    assert ticket.attachment.filename == f"ticket-{event_id}.png"
    link = checkin_link("ownerbot", code)
    assert link == f"https://t.me/ownerbot?start=checkin_{code}"
    assert ticket.attachment.data == qr_png(link)
    assert (tmp_path / f"ticket-{event_id}.png").read_bytes() == qr_png(link)
    assert code in ticket.attachment.caption
    [again] = await ahmed.say("/ticket")
    assert again.attachment is not None
    assert again.attachment.data == ticket.attachment.data

    await ahmed.say(f"/start checkin_{code}")  # the owner scans their own ticket
    assert ahmed.text == translator("ar", "AE")._(
        "This QR code is for the team at the event's door: show it to them."
    )
    await make_staff(app, 9801, role=Role.ADVISOR, dealer="TH-BKK-01", at=NOW)
    elsewhere = Chat(app, user_id=9801, lang="th")
    await elsewhere.say(f"/start checkin_{code}")
    assert elsewhere.text == translator("th", "TH")._("This code is for another country's event.")
    await make_staff(app, 9802, role=Role.ADVISOR, dealer="AE-DXB-01", at=NOW)
    door = Chat(app, user_id=9802, lang="he")
    screens = await door.say(f"/start checkin_{code}")
    he = translator("he", "AE")
    assert door.text.startswith(he._("✅ Checked in for {title}.", title="رحلة صباحية إلى سد حتا"))
    assert len(ahmed.receive(screens)) == 1, "the owner is thanked, points paid"
    await door.say(f"/start checkin_{code}")
    assert door.text == he._("This owner is already checked in.")
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(DEMO_DUBAI)
        assert owner is not None
        rsvp = await uow.rsvps.find(event_id, owner.id or 0)
        assert rsvp is not None
        lot = await uow.point_lots.by_award("club_event", str(rsvp.id), "club_event_attended")
    assert lot is not None
    assert rsvp.attended_at == NOW


async def test_attendees_rate_the_event_the_day_after_and_staff_read_it_in_the_csv(
    app: App, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OWNERBOT_DATABASE_URL", str(app.database.engine.url))
    event_id = await stored(app, THAI_EVENT)
    somchai = await linked(Chat(app, user_id=5806, lang="th"), DEMO_BANGKOK)
    wei = await linked(Chat(app, user_id=5807, lang="zh-hans"), DEMO_BANGKOK_ZH)
    for owner in (somchai, wei):
        await owner.say("/events")
        await owner.tap("ev:go:")
    await make_staff(app, 9803, role=Role.ADVISOR, dealer="TH-BKK-01", at=NOW)
    code = await code_of(app, event_id, DEMO_BANGKOK)
    await Chat(app, user_id=9803, lang="en").say(f"/checkin {code}")
    th = translator("th", "TH")
    early = await somchai.press_code(EventRating(event_id, 5))  # no survey sent yet
    assert [s.toast for s in early] == [th._("This survey is closed. Thank you all the same!")]
    event = await event_of(app, event_id)
    clock.set(event.ends_at + timedelta(hours=11))
    await plan(app, clock)
    assert await rows(app, Rule.EVENT_SURVEY) == []
    clock.set(event.ends_at + timedelta(hours=26))  # the next day, noon in Bangkok
    await plan(app, clock)
    await plan(app, clock)
    [(_, occurrence, _)] = await rows(app, Rule.EVENT_SURVEY)
    assert occurrence == str(event_id), "only the owner who came, once"
    transport = FakeTransport()
    await sender_for(app, transport, clock).run_once()
    assert about(transport, somchai, "ทริปเขาใหญ่") == [th._(SURVEY, title="ทริปเขาใหญ่")]
    await somchai.press_code(EventRating(event_id, 4))
    assert somchai.text == th._(
        "Thank you! Anything you'd like the organisers to know for next time? "
        "Write it here, or tap Skip."
    )
    await somchai.say("กาแฟอร่อยมาก")
    assert somchai.text == th._("Thank you, we've passed it on to the team.")
    await somchai.press_code(EventRating(event_id, 1))  # a second tap changes nothing
    await wei.press_code(EventRating(event_id, 1))  # no seat used: not theirs to rate
    out = tmp_path / "attendees.csv"
    result = await ownerbot("events", "attendees", str(event_id), "--out", str(out))
    assert "survey: 1 answers, 4.0 stars on average" in result.output
    with out.open(encoding="utf-8", newline="") as fh:
        ratings = {row["status"]: (row["rating"], row["comment"]) for row in csv.DictReader(fh)}
    assert ratings == {"going": ("4", "กาแฟอร่อยมาก"), "waiting": ("", "")}
