"""Club events for owners: /events in private chat, RSVP buttons in private chat and in
club groups (the answer always goes to the private chat), a waitlist that moves up
(the promoted owner is told), a calendar file, and the QR ticket (/ticket) staff scan
at the door. Posting a card and check-in are handlers/events_staff.py."""

from __future__ import annotations

from bot.domain.club_events import ClubEvent, Rsvp, RsvpStatus
from bot.domain.ics import CalendarEvent, calendar_file
from bot.i18n import Translator, escape
from bot.services import club_events
from bot.services.club_events import EventGone
from bot.services.queries.club_events import (
    answer_of,
    event_by_id,
    owner_models,
    seats_of,
    seats_taken,
    upcoming_events,
)
from handlers.codes import button
from handlers.codes.events import EventCalendar, EventGoing, EventNotGoing, EventTicket
from handlers.common import OwnerChat, reach_owner
from handlers.context import Context
from handlers.media import qr_png
from handlers.router import Router
from handlers.types import Attachment, Button

router = Router()


def event_card(t: Translator, event: ClubEvent, taken: int) -> str:
    """What anyone may read about the event (no one's name): in a group too."""
    title, description = event.text_in(t.code, next(iter(event.texts)))
    left = max(event.capacity - taken, 0)
    lines = [f"<b>{escape(title)}</b>"]
    if description:
        lines.append(escape(description))
    lines += [
        "🗓 " + event_when(t, event),
        "📍 " + escape(event.place),
        "👥 "
        + (
            t.ngettext(
                "{n} seat left of {capacity}",
                "{n} seats left of {capacity}",
                left,
                capacity=t.number(event.capacity),
            )
            if left
            else t._("Full: new answers join the waitlist")
        ),
    ]
    return "\n".join(lines)


def event_when(t: Translator, event: ClubEvent) -> str:
    """The day and time in the place's own zone (the booking's wording)."""
    return t._(
        "{date} at {time}",
        date=t.skeleton(event.starts_at, "yMMMMEEEEd", event.timezone),
        time=t.time(event.starts_at, event.timezone),
    )


def card_buttons(t: Translator, event: ClubEvent) -> list[list[Button]]:
    assert event.id is not None
    return [
        [button(t.pgettext("button", "✅ I'm going"), EventGoing(event.id))],
        [Button(t.pgettext("button", "📍 Map"), url=map_url(event))],
    ]


def map_url(event: ClubEvent) -> str:
    lat, lon = event.latitude, event.longitude
    return (
        f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=16/{lat:.5f}/{lon:.5f}"
    )


@router.command("events")
async def list_events(ctx: Context) -> None:
    assert ctx.owner is not None
    assert ctx.owner.id is not None
    models = await owner_models(ctx.uow, ctx.owner.id)
    events = [
        event
        for event in await upcoming_events(ctx.uow, ctx.owner.market, ctx.now)
        if event.model is None or event.model in models
    ]
    if not events:
        ctx.reply(ctx.t._("No club events are coming up in your country yet."))
        return
    for event in events[:5]:
        ctx.reply(
            event_card(ctx.t, event, await seats_taken(ctx.uow, event.id or 0)),
            card_buttons(ctx.t, event),
        )


@router.on(EventGoing, needs_owner=False, private_only=False)
async def going(ctx: Context, code: EventGoing) -> None:
    owner = ctx.owner
    if owner is None or owner.id is None:
        _link_first(ctx)
        return
    event = await event_by_id(ctx.uow, code.event)
    if event is None or not await _may_attend(ctx, event):
        ctx.toast(ctx.t._("This event is for owners of another country or model."))
        return
    try:
        event, answer = await club_events.answer_yes(ctx.uow, code.event, owner.id, ctx.now)
    except EventGone:
        ctx.toast(ctx.t._("This event has already started."))
        return
    chat = await reach_owner(ctx, owner.id)
    if chat is None:
        return
    if answer.rsvp.status is RsvpStatus.GOING:
        _tell_going(ctx, chat, event, answer.rsvp)
    else:
        t = chat.t
        chat.tell(
            ctx,
            t._(
                "{title} is full, so you are number {position} on the waitlist. I'll tell you as "
                "soon as a seat frees up.",
                title=event_title(t, event),
                position=t.number(answer.position),
            ),
            [[button(t.pgettext("button", "✖️ Leave the waitlist"), EventNotGoing(code.event))]],
        )
    if not ctx.event.is_private:
        ctx.toast(ctx.t._("Done: the details are in our private chat."))


def _tell_going(
    ctx: Context, chat: OwnerChat, event: ClubEvent, rsvp: Rsvp, lead: str = ""
) -> None:
    t = chat.t
    text = t._(
        "✅ You're going to {title}, {when}. Your check-in code is <b>{code}</b>: show it "
        "to the team at the door.",
        title=event_title(t, event),
        when=event_when(t, event),
        code=rsvp.checkin_code,
    )
    chat.tell(
        ctx,
        f"{lead}\n\n{text}" if lead else text,
        [
            [
                button(t.pgettext("button", "📅 Add to calendar"), EventCalendar(rsvp.event_id)),
                button(t.pgettext("button", "🎟 Ticket"), EventTicket(rsvp.event_id)),
            ],
            [button(t.pgettext("button", "✖️ I can't come"), EventNotGoing(rsvp.event_id))],
        ],
    )


@router.on(EventNotGoing)
async def not_going(ctx: Context, code: EventNotGoing) -> None:
    assert ctx.owner is not None
    assert ctx.owner.id is not None
    try:
        event, promoted = await club_events.answer_no(ctx.uow, code.event, ctx.owner.id, ctx.now)
    except EventGone:
        ctx.toast(ctx.t._("This event has already started."))
        return
    ctx.reply(
        ctx.t._(
            "You're off the list for {title}. Thanks for letting us know.",
            title=event_title(ctx.t, event),
        ),
        edit=True,
    )
    if promoted is not None:
        chat = await reach_owner(ctx, promoted.owner_id)
        if chat is not None:
            lead = chat.t._("🎉 A seat freed up for you!")
            _tell_going(ctx, chat, event, promoted, lead)


@router.on(EventCalendar)
async def calendar(ctx: Context, code: EventCalendar) -> None:
    assert ctx.owner is not None
    assert ctx.owner.id is not None
    event = await event_by_id(ctx.uow, code.event)
    rsvp = await answer_of(ctx.uow, code.event, ctx.owner.id)
    if event is None or rsvp is None or rsvp.status is not RsvpStatus.GOING:
        ctx.toast(ctx.t._("This button is no longer valid."))
        return
    ctx.reply("", attachment=calendar_attachment(ctx.t, event, ctx))


def calendar_attachment(t: Translator, event: ClubEvent, ctx: Context) -> Attachment:
    title, description = event.text_in(t.code, next(iter(event.texts)))
    data = calendar_file(
        CalendarEvent(
            uid=f"event-{event.id}@ownerbot",
            stamp=ctx.now,
            start=event.starts_at,
            end=event.ends_at,
            summary=title,
            location=event.place,
            description=description,
        ),
        product="-//ownerbot//club events//EN",
    )
    return Attachment(f"event-{event.id}.ics", data, caption=t._("Add it to your calendar."))


@router.on(EventTicket)
async def ticket(ctx: Context, code: EventTicket) -> None:
    assert ctx.owner is not None
    assert ctx.owner.id is not None
    seat = next(
        (
            (event, rsvp)
            for event, rsvp in await seats_of(ctx.uow, ctx.owner.id, ctx.now)
            if event.id == code.event
        ),
        None,
    )
    if seat is None:
        ctx.toast(ctx.t._("This button is no longer valid."))
        return
    ctx.reply("", attachment=ticket_attachment(ctx, *seat))


@router.command("ticket")
async def tickets(ctx: Context) -> None:
    """Every seat still to come, a QR code each."""
    assert ctx.owner is not None
    assert ctx.owner.id is not None
    seats = await seats_of(ctx.uow, ctx.owner.id, ctx.now)
    if not seats:
        ctx.reply(ctx.t._("You have no seat at an upcoming club event. See /events."))
        return
    for event, rsvp in seats[:5]:
        ctx.reply("", attachment=ticket_attachment(ctx, event, rsvp))


CHECKIN_PAYLOAD = "checkin_"  # /start checkin_<CODE>: handlers/onboarding.py


def checkin_link(bot_username: str, code: str) -> str:
    """What the ticket's QR code holds: staff who scan it open the bot, which checks the
    owner in (handlers/events_staff.py). Only staff of the event's market can."""
    return f"https://t.me/{bot_username}?start={CHECKIN_PAYLOAD}{code}"


def ticket_attachment(ctx: Context, event: ClubEvent, rsvp: Rsvp) -> Attachment:
    t = ctx.t
    return Attachment(
        filename=f"ticket-{event.id}.png",
        data=qr_png(checkin_link(ctx.deps.bot_username, rsvp.checkin_code)),
        kind="photo",
        caption=t._(
            "🎟 {title}, {when}. Show this QR code at the door; if it won't scan, your "
            "check-in code is {code}.",
            title=event_title(t, event),
            when=event_when(t, event),
            code=rsvp.checkin_code,
        ),
    )


async def _may_attend(ctx: Context, event: ClubEvent) -> bool:
    owner = ctx.owner
    assert owner is not None
    assert owner.id is not None
    if owner.market != event.market:
        return False
    return event.model is None or event.model in await owner_models(ctx.uow, owner.id)


def event_title(t: Translator, event: ClubEvent) -> str:
    """As a placeholder value (escaped by the translator)."""
    return event.text_in(t.code, next(iter(event.texts)))[0]


def _link_first(ctx: Context) -> None:
    text = ctx.t._(
        "Events are for verified owners: open our private chat and share your phone number first."
    )
    if ctx.event.is_private:
        ctx.reply(text)
    else:
        ctx.toast(text)
