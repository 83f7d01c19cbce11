"""Club events: seats, a waitlist that moves up, check-in at the door.

Seats are counted under the event's row lock (PostgreSQL: SELECT ... FOR UPDATE;
SQLite: the transaction holds the write lock), so the last seat goes to exactly one
of the owners asking for it at once; the others join the waitlist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.care import CATEGORY_OF, OutboxMessage, OutboxStatus, Rule
from bot.domain.club_events import (
    ClubEvent,
    Rsvp,
    RsvpStatus,
    WaitlistOrder,
    new_checkin_code,
)
from bot.domain.loyalty import Tier
from bot.domain.reference import Dealer, Reference
from bot.domain.staff import Role, StaffMember
from bot.services.loyalty import earn, tiers
from bot.services.ports import UnitOfWork
from bot.services.staff import audit

CLUB_EVENT_RULE = "club_event_attended"  # bot/data/loyalty.toml
CHECKIN_ROLES = (Role.ADVISOR, Role.SALES, Role.MODERATOR)


class EventGone(Exception):
    """The event does not exist, has already started or was called off."""


@dataclass(frozen=True)
class Answer:
    rsvp: Rsvp
    position: int  # on the waitlist (1 = next to move up); 0 when going or cancelled


async def answer_yes(
    uow: UnitOfWork, event_id: int, owner_id: int, now: datetime
) -> tuple[ClubEvent, Answer]:
    """A seat if one is left, else a place on the waitlist. Saying yes twice changes
    nothing; saying yes after cancelling asks again from the back of the line."""
    event = await uow.club_events.lock(event_id)
    if event is None or event.starts_at <= now or event.cancelled_at is not None:
        raise EventGone
    rsvp = await uow.rsvps.find(event_id, owner_id)
    if rsvp is not None and rsvp.status is not RsvpStatus.CANCELLED:
        return event, Answer(rsvp, await _position(uow, event, rsvp))
    co_creator = await tiers.tier_of(uow, owner_id) is Tier.CO_CREATOR
    seat = await uow.rsvps.going(event_id) < event.capacity
    status = RsvpStatus.GOING if seat else RsvpStatus.WAITING
    if rsvp is None:
        rsvp = Rsvp(
            event_id=event_id,
            owner_id=owner_id,
            status=status,
            created_at=now,
            checkin_code=new_checkin_code(),
            co_creator=co_creator,
        )
        uow.rsvps.add(rsvp)
        await uow.flush()
    else:
        rsvp.status, rsvp.created_at, rsvp.co_creator = status, now, co_creator
    return event, Answer(rsvp, await _position(uow, event, rsvp))


async def answer_no(
    uow: UnitOfWork, event_id: int, owner_id: int, now: datetime
) -> tuple[ClubEvent, Rsvp | None]:
    """Give up a seat or a waitlist place; the owner who moves up into a freed seat is
    returned (to be told)."""
    event = await uow.club_events.lock(event_id)
    if event is None or event.starts_at <= now or event.cancelled_at is not None:
        raise EventGone
    rsvp = await uow.rsvps.find(event_id, owner_id)
    if rsvp is None or rsvp.status is RsvpStatus.CANCELLED:
        return event, None
    freed = rsvp.status is RsvpStatus.GOING
    rsvp.status = RsvpStatus.CANCELLED
    await uow.flush()
    if not freed:
        return event, None
    waiting = [r for r in await uow.rsvps.of_event(event_id) if r.status is RsvpStatus.WAITING]
    if not waiting or await uow.rsvps.going(event_id) >= event.capacity:
        return event, None
    promoted = min(waiting, key=WaitlistOrder(event.co_creators_first).key)
    promoted.status = RsvpStatus.GOING
    return event, promoted


async def _position(uow: UnitOfWork, event: ClubEvent, rsvp: Rsvp) -> int:
    if rsvp.status is not RsvpStatus.WAITING:
        return 0
    order = WaitlistOrder(event.co_creators_first)
    waiting = [r for r in await uow.rsvps.of_event(event.id or 0) if r.status is RsvpStatus.WAITING]
    return sorted(waiting, key=order.key).index(rsvp) + 1


class CheckinRefusal(StrEnum):
    UNKNOWN = "unknown"
    NOT_GOING = "not_going"  # on the waitlist, or cancelled
    ELSEWHERE = "elsewhere"  # another market's event
    ALREADY = "already"


@dataclass(frozen=True)
class Checkin:
    event: ClubEvent
    rsvp: Rsvp
    refusal: CheckinRefusal | None
    outcome: earn.AwardOutcome | None = None


async def check_in(
    uow: UnitOfWork,
    reference: Reference,
    *,
    code: str,
    staff: StaffMember,
    actor: str,
    now: datetime,
) -> Checkin | CheckinRefusal:
    """Staff check an owner in by the code the bot gave them: the club-event points and
    status points of the market's rules (once per RSVP, within the monthly cap)."""
    rsvp = await uow.rsvps.by_code(code.strip().upper())
    event = await uow.club_events.get(rsvp.event_id) if rsvp is not None else None
    if rsvp is None or event is None:
        return CheckinRefusal.UNKNOWN
    if not staff.serves_market(event.market, reference.dealers):
        return CheckinRefusal.ELSEWHERE
    if rsvp.status is not RsvpStatus.GOING or event.cancelled_at is not None:
        return Checkin(event, rsvp, CheckinRefusal.NOT_GOING)
    if rsvp.attended_at is not None:
        return Checkin(event, rsvp, CheckinRefusal.ALREADY)
    rsvp.attended_at = now
    outcome = await earn.award_activity(
        uow,
        reference,
        owner_id=rsvp.owner_id,
        market=event.market,
        rule=CLUB_EVENT_RULE,
        source="club_event",
        source_id=str(rsvp.id),
        now=now,
        actor=actor,
        reason=f"event {event.id}",
    )
    audit(uow, actor, "event.checkin", f"event:{event.id}", "", now, rsvp=rsvp.id)
    return Checkin(event, rsvp, None, outcome)


class CallOffRefusal(StrEnum):
    UNKNOWN = "unknown"
    ELSEWHERE = "elsewhere"  # another market's event
    GONE = "gone"  # called off already, or begun


def call_off_refusal(
    staff: StaffMember, event: ClubEvent | None, dealers: Mapping[str, Dealer], now: datetime
) -> CallOffRefusal | None:
    """Why this staff member may not call the event off now (None: they may)."""
    if event is None:
        return CallOffRefusal.UNKNOWN
    if not staff.serves_market(event.market, dealers):
        return CallOffRefusal.ELSEWHERE
    if event.cancelled_at is not None or event.starts_at <= now:
        return CallOffRefusal.GONE
    return None


def holds_a_place(rsvp: Rsvp) -> bool:
    """A seat or a place on the waitlist: whom calling the event off tells."""
    return rsvp.status is not RsvpStatus.CANCELLED


async def cancel_event(uow: UnitOfWork, event_id: int, *, actor: str, now: datetime) -> ClubEvent:
    """Call an event off: no more answers, no reminder leaves the outbox for it, and the
    owners with a seat or on the waitlist are told."""
    event = await uow.club_events.lock(event_id)
    if event is None or event.starts_at <= now:
        raise EventGone
    if event.cancelled_at is None:
        event.cancelled_at = now
        audit(uow, actor, "event.cancel", f"event:{event.id}", "", now)
        await _tell_cancelled(uow, event, now)
    return event


async def _tell_cancelled(uow: UnitOfWork, event: ClubEvent, now: datetime) -> None:
    """Everyone holding a seat or waiting for one hears it from us, not at a locked door
    (through the outbox: quiet hours hold it, and it expires when the event would have
    started)."""
    assert event.id is not None
    for rsvp in await uow.rsvps.of_event(event.id):
        if not holds_a_place(rsvp):
            continue
        await uow.outbox.add(
            OutboxMessage(
                owner_id=rsvp.owner_id,
                rule=Rule.EVENT_CANCELLED,
                occurrence=str(event.id),
                category=CATEGORY_OF[Rule.EVENT_CANCELLED],
                due_at=now,
                expires_at=event.starts_at,
                payload={"event_id": event.id},
                status=OutboxStatus.PENDING,
                created_at=now,
            )
        )
