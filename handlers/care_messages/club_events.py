"""Care messages of club events: the reminder the day before (the check-in code, the
QR ticket, the map), the short survey the day after, and the word that an event was
called off. The first two say nothing when the seat was given up or the event called
off in the meantime."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.club_events import RATINGS, ClubEvent, RsvpStatus
from bot.services.club_events import holds_a_place
from bot.services.queries.club_events import answer_of, event_by_id, feedback_of
from handlers.care_messages.env import CareEnv, screen
from handlers.codes import button
from handlers.codes.events import EventNotGoing, EventRating, EventTicket
from handlers.events import event_title, event_when, map_url
from handlers.types import Button, Screen

REMINDER_HOURS = 24


async def _event_of(env: CareEnv) -> ClubEvent | None:
    """The event the message's payload names, if it still exists."""
    event_id = env.payload_id("event_id")
    return await event_by_id(env.uow, event_id) if event_id is not None else None


async def event_reminder(env: CareEnv) -> list[Screen] | None:
    event = await _event_of(env)
    if event is None or event.id is None or event.cancelled_at is not None:
        return None
    rsvp = await answer_of(env.uow, event.id, env.owner.id or 0)
    if rsvp is None or rsvp.status is not RsvpStatus.GOING or event.starts_at <= env.now:
        return None
    if rsvp.created_at > event.starts_at - timedelta(hours=REMINDER_HOURS):
        return None  # answered inside the reminder's window: the confirmation said it all
    t = env.t
    text = t._(
        "⏰ Reminder: {title} is on {when}, at {place}. Your check-in code is <b>{code}</b>: "
        "show it, or the QR code from the Ticket button, to the team at the door.",
        title=event_title(t, event),
        when=event_when(t, event),
        place=event.place,
        code=rsvp.checkin_code,
    )
    return screen(
        text,
        [
            button(t.pgettext("button", "🎟 Ticket"), EventTicket(event.id)),
            Button(t.pgettext("button", "📍 Map"), url=map_url(event)),
        ],
        [button(t.pgettext("button", "✖️ I can't come"), EventNotGoing(event.id))],
    )


def rating_row(event_id: int) -> list[Button]:
    return [button(f"{rating}⭐", EventRating(event_id, rating)) for rating in RATINGS]


async def event_survey(env: CareEnv) -> list[Screen] | None:
    event = await _event_of(env)
    if event is None or event.id is None:
        return None
    rsvp = await answer_of(env.uow, event.id, env.owner.id or 0)
    if rsvp is None or rsvp.id is None or rsvp.attended_at is None:
        return None
    if await feedback_of(env.uow, rsvp.id) is not None:
        return None
    t = env.t
    return screen(
        t._(
            "Thank you for coming to {title}! How did you like it? One tap is enough: "
            "1 star is poor, 5 stars is excellent.",
            title=event_title(t, event),
        ),
        rating_row(event.id),
    )


async def event_cancelled(env: CareEnv) -> list[Screen] | None:
    event = await _event_of(env)
    if event is None or event.id is None or event.cancelled_at is None:
        return None
    rsvp = await answer_of(env.uow, event.id, env.owner.id or 0)
    if rsvp is None or not holds_a_place(rsvp):
        return None  # gave the seat up in the meantime: nothing to undo
    t = env.t
    return screen(
        t._(
            "❌ {title} on {when} has been called off. We're sorry! "
            "See /events for the club's other events.",
            title=event_title(t, event),
            when=event_when(t, event),
        ),
    )
