"""The short survey after a club event: one rating (1 to 5 stars) and an optional
comment, from owners who were checked in, while the survey is open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.care import OutboxStatus, Rule
from bot.domain.club_events import RATINGS, EventFeedback
from bot.services.ports import UnitOfWork

COMMENT_LIMIT = 1000
# The survey stays open this long after it left the outbox.
FEEDBACK_OPEN_FOR = timedelta(days=7)


class NotTheirSeat(Exception):
    """The owner has no seat at this event, or was not checked in."""


class FeedbackNotOpen(Exception):
    """No survey about this event was sent to the owner, or it closed: a rating on a
    forged or old button counts for nothing."""


@dataclass(frozen=True)
class Rated:
    feedback: EventFeedback
    first_time: bool


async def rate(
    uow: UnitOfWork, *, owner_id: int, event_id: int, rating: int, now: datetime
) -> Rated:
    """The first rating counts; a second tap returns it unchanged."""
    if rating not in RATINGS:
        raise ValueError("a rating is 1 to 5")
    rsvp = await uow.rsvps.find(event_id, owner_id)
    if rsvp is None or rsvp.id is None or rsvp.attended_at is None:
        raise NotTheirSeat
    earlier = await uow.event_feedback.for_rsvp(rsvp.id)
    if earlier is not None:
        return Rated(earlier, first_time=False)
    if not await survey_open(uow, owner_id, event_id, now):
        raise FeedbackNotOpen(event_id)
    feedback = EventFeedback(
        event_id=event_id, owner_id=owner_id, rsvp_id=rsvp.id, rating=rating, answered_at=now
    )
    uow.event_feedback.add(feedback)
    return Rated(feedback, first_time=True)


async def comment(uow: UnitOfWork, *, owner_id: int, event_id: int, text: str) -> EventFeedback:
    """The owner's words beside their rating (already cleaned when the event was built)."""
    rsvp = await uow.rsvps.find(event_id, owner_id)
    feedback = await uow.event_feedback.for_rsvp(rsvp.id) if rsvp and rsvp.id else None
    if feedback is None:
        raise NotTheirSeat
    feedback.comment = " ".join(text.split())[:COMMENT_LIMIT]
    return feedback


async def survey_open(uow: UnitOfWork, owner_id: int, event_id: int, now: datetime) -> bool:
    """Whether the survey about this event left the outbox for this owner less than
    FEEDBACK_OPEN_FOR ago."""
    sent = [
        m.sent_at
        for m in await uow.outbox.of_owner(owner_id)
        if m.rule == Rule.EVENT_SURVEY
        and m.occurrence == str(event_id)
        and m.status == OutboxStatus.SENT
        and m.sent_at is not None
    ]
    return bool(sent) and now - max(sent) < FEEDBACK_OPEN_FOR


@dataclass(frozen=True)
class FeedbackSummary:
    answers: int
    average: float | None  # stars, None without answers
    comments: tuple[str, ...]


async def summary(uow: UnitOfWork, event_id: int) -> FeedbackSummary:
    """What staff read about an event: how many answered, the average, the comments."""
    answers = await uow.event_feedback.of_event(event_id)
    if not answers:
        return FeedbackSummary(0, None, ())
    average = sum(a.rating for a in answers) / len(answers)
    return FeedbackSummary(len(answers), average, tuple(a.comment for a in answers if a.comment))
