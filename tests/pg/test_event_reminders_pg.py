"""Club-event reminders and surveys on PostgreSQL: planners racing plan each once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.app import App
from bot.domain.care import Rule
from bot.services import care, club_events
from tests.event_races import an_event
from tests.flows.helpers import DEMO_DUBAI


async def test_racing_planners_plan_one_reminder_and_one_survey_per_seat(pg_app: App) -> None:
    event_id = await an_event(pg_app, 3)
    async with pg_app.database.uow() as uow:
        owner = await uow.owners.by_phone(DEMO_DUBAI)
        assert owner is not None
        event, answer = await club_events.answer_yes(
            uow, event_id, owner.id or 0, pg_app.clock.now()
        )
        answer.rsvp.attended_at = event.starts_at
        await uow.commit()

    async def plan(at_hours: float) -> int:
        async with pg_app.database.uow() as uow:
            report = await care.plan(
                uow, pg_app.reference, event.starts_at + timedelta(hours=at_hours)
            )
            await uow.commit()
        return report.planned.get(Rule.EVENT_REMINDER, 0) + report.planned.get(Rule.EVENT_SURVEY, 0)

    reminders = await asyncio.gather(*(plan(-20) for _ in range(4)))
    surveys = await asyncio.gather(*(plan(20) for _ in range(4)))
    async with pg_app.database.uow() as uow:
        rows = [
            (m.rule, m.occurrence)
            for m in await uow.outbox.of_owner(owner.id or 0)
            if m.rule in (Rule.EVENT_REMINDER, Rule.EVENT_SURVEY)
        ]
    assert (sum(reminders), sum(surveys)) == (1, 1)
    assert sorted(rule for rule, _ in rows) == [Rule.EVENT_REMINDER, Rule.EVENT_SURVEY]
