"""Rules of club events: the reminder the day before, to each owner with a seat, and
the short survey the day after, to those who were checked in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import String, cast, literal, select
from sqlalchemy.sql import Select

from bot.domain.club_events import RsvpStatus
from bot.services.ports.care import EventsEnded, EventsStarting
from storage import tables
from storage.care.audience import due_now, o, ob, reachable
from storage.sqlfunc import json_obj

ev = tables.club_events.c
rs = tables.event_rsvps.c


def events_starting(query: EventsStarting) -> Select[Any]:
    """A moved event gets its own reminder: the start time is in the occurrence. A seat
    given up, or an event called off, is never selected (and the renderer checks again
    at send time)."""
    return (
        select(
            o.id.label("owner_id"),
            (cast(ev.id, String) + literal(f":{query.hours}h:") + cast(ev.starts_at, String)).label(
                "occurrence"
            ),
            literal(query.now, ob.due_at.type).label("due_at"),
            ev.starts_at.label("expires_at"),
            json_obj(literal("event_id"), ev.id, literal("rsvp_id"), rs.id).label("payload"),
        )
        .join(tables.event_rsvps, rs.owner_id == o.id)
        .join(tables.club_events, ev.id == rs.event_id)
        .where(
            reachable(query),
            rs.status == RsvpStatus.GOING,
            ev.cancelled_at.is_(None),
            ev.starts_at > query.now,
            ev.starts_at <= query.now + timedelta(hours=query.hours),
        )
    )


def events_ended(query: EventsEnded) -> Select[Any]:
    return (
        select(
            o.id.label("owner_id"),
            cast(ev.id, String).label("occurrence"),
            *due_now(query.now),
            json_obj(literal("event_id"), ev.id, literal("rsvp_id"), rs.id).label("payload"),
        )
        .join(tables.event_rsvps, rs.owner_id == o.id)
        .join(tables.club_events, ev.id == rs.event_id)
        .where(
            reachable(query),
            rs.attended_at.is_not(None),
            ev.cancelled_at.is_(None),
            ev.ends_at > query.ended_after,
            ev.ends_at <= query.ended_before,
        )
    )
