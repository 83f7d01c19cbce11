"""The survey after a club event on the in-memory fakes: a rating counts only from an
owner who was checked in, once the survey was sent and while it is open, and only the
first; a cancelled event takes no more answers and checks nobody in; /mydata shows the
ratings and /forget blanks the comments."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.care import CATEGORY_OF, OutboxMessage, OutboxStatus, Rule
from bot.domain.staff import Role, StaffMember
from bot.services import club_events, event_feedback, privacy
from bot.services.club_events import CheckinRefusal, EventGone
from bot.services.event_feedback import FeedbackNotOpen, NotTheirSeat
from tests.builders import an_owner
from tests.event_races import an_event
from tests.fakes.uow import FakeApp


async def _seated(app: FakeApp, *, attended: bool) -> tuple[int, int]:
    """An event, and an owner with a seat at it (checked in, or not)."""
    event = await an_event(app, 5)
    async with app.database.uow() as uow:
        owner = await an_owner(uow, "AE")
        _e, answer = await club_events.answer_yes(uow, event, owner.id or 0, app.clock.now())
        if attended:
            answer.rsvp.attended_at = app.clock.now()
        await uow.commit()
    return event, owner.id or 0


async def _survey_sent(app: FakeApp, event: int, owner: int) -> None:
    now = app.clock.now()
    async with app.database.uow() as uow:
        await uow.outbox.add(
            OutboxMessage(
                owner_id=owner,
                rule=Rule.EVENT_SURVEY,
                occurrence=str(event),
                category=CATEGORY_OF[Rule.EVENT_SURVEY],
                due_at=now,
                expires_at=None,
                payload={"event_id": event},
                status=OutboxStatus.SENT,
                created_at=now,
                sent_at=now,
            )
        )
        await uow.commit()


async def _rate(app: FakeApp, event: int, owner: int, rating: int) -> event_feedback.Rated:
    async with app.database.uow() as uow:
        rated = await event_feedback.rate(
            uow, owner_id=owner, event_id=event, rating=rating, now=app.clock.now()
        )
        await uow.commit()
    return rated


async def test_a_rating_counts_once_the_survey_was_sent_while_it_is_open_and_only_the_first(
    fake_app: FakeApp,
) -> None:
    event, owner = await _seated(fake_app, attended=True)
    with pytest.raises(FeedbackNotOpen):
        await _rate(fake_app, event, owner, 5)
    await _survey_sent(fake_app, event, owner)
    first = await _rate(fake_app, event, owner, 4)
    again = await _rate(fake_app, event, owner, 1)
    assert (first.first_time, again.first_time, again.feedback.rating) == (True, False, 4)
    async with fake_app.database.uow() as uow:
        summary = await event_feedback.summary(uow, event)
    assert (summary.answers, summary.average) == (1, 4.0)


async def test_a_survey_closes_a_week_after_it_was_sent(fake_app: FakeApp) -> None:
    event, owner = await _seated(fake_app, attended=True)
    await _survey_sent(fake_app, event, owner)
    fake_app.clock.advance(event_feedback.FEEDBACK_OPEN_FOR)
    with pytest.raises(FeedbackNotOpen):
        await _rate(fake_app, event, owner, 5)


async def test_only_an_owner_who_was_checked_in_may_rate(fake_app: FakeApp) -> None:
    event, owner = await _seated(fake_app, attended=False)
    await _survey_sent(fake_app, event, owner)
    with pytest.raises(NotTheirSeat):
        await _rate(fake_app, event, owner, 5)


async def test_a_cancelled_event_takes_no_more_answers(fake_app: FakeApp) -> None:
    event = await an_event(fake_app, 5)
    async with fake_app.database.uow() as uow:
        owner = await an_owner(uow, "AE")
        cancelled = await club_events.cancel_event(
            uow, event, actor="test", now=fake_app.clock.now()
        )
        await uow.commit()
    assert cancelled.cancelled_at == fake_app.clock.now()
    async with fake_app.database.uow() as uow:
        with pytest.raises(EventGone):
            await club_events.answer_yes(uow, event, owner.id or 0, fake_app.clock.now())
        assert await uow.club_events.starting_after(fake_app.clock.now(), None) == []


async def test_mydata_shows_the_rating_and_forget_blanks_the_comment(fake_app: FakeApp) -> None:
    event, owner_id = await _seated(fake_app, attended=True)
    await _survey_sent(fake_app, event, owner_id)
    await _rate(fake_app, event, owner_id, 5)
    async with fake_app.database.uow() as uow:
        await event_feedback.comment(uow, owner_id=owner_id, event_id=event, text="Great  coffee")
        await uow.commit()
    async with fake_app.database.uow() as uow:
        owner = await uow.owners.get(owner_id)
        assert owner is not None
        exported = await privacy.export_owner_data(uow, owner)
        [seat] = exported["club_events"]
        assert (seat["event"], seat["answer"], seat["rating"], seat["comment"]) == (
            event,
            "going",
            5,
            "Great coffee",
        )
        await privacy.erase_owner(uow, owner, fake_app.clock.now() + timedelta(days=1))
        await uow.commit()
    async with fake_app.database.uow() as uow:
        [feedback] = await uow.event_feedback.of_owner(owner_id)
    assert (feedback.rating, feedback.comment) == (5, "")


async def test_a_seat_at_a_cancelled_event_is_not_checked_in(fake_app: FakeApp) -> None:
    event, owner = await _seated(fake_app, attended=False)
    staff = StaffMember(
        channel="console",
        user_id=1,
        role=Role.ADVISOR,
        name="Advisor",
        added_at=fake_app.clock.now(),
        dealer_code="AE-DXB-01",
    )
    async with fake_app.database.uow() as uow:
        await club_events.cancel_event(uow, event, actor="test", now=fake_app.clock.now())
        rsvp = await uow.rsvps.find(event, owner)
        assert rsvp is not None
        found = await club_events.check_in(
            uow,
            fake_app.reference,
            code=rsvp.checkin_code,
            staff=staff,
            actor="console:1",
            now=fake_app.clock.now(),
        )
    assert isinstance(found, club_events.Checkin)
    assert (found.refusal, found.rsvp.attended_at) == (CheckinRefusal.NOT_GOING, None)
