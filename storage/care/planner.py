"""The care planner's port: each typed query to its candidate statement, then queued."""

from __future__ import annotations

from typing import Any, assert_never

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from bot.services.ports.care import (
    BookingsStarting,
    DeliveredBefore,
    EventsEnded,
    EventsStarting,
    LinkedBetween,
    OnMonthDay,
    OpenRecalls,
    PlanQuery,
    PointsExpiringBy,
    ServiceDueBetween,
    SurveysToNudge,
    VehicleDateBetween,
    VisitsToSurvey,
    WinBackTouch,
)
from storage.care import club_events, engagement, ownership, service
from storage.care.audience import queue
from storage.care.changes import CareChangeTracking


def candidates(query: PlanQuery) -> Select[Any]:
    """Who the query finds due: owner_id, occurrence, due_at, expires_at, payload."""
    match query:
        case LinkedBetween():
            return ownership.linked_between(query)
        case VehicleDateBetween():
            return ownership.vehicle_date_between(query)
        case OnMonthDay():
            return ownership.on_month_day(query)
        case DeliveredBefore():
            return ownership.delivered_before(query)
        case ServiceDueBetween():
            return service.service_due_between(query)
        case OpenRecalls():
            return service.open_recalls(query)
        case BookingsStarting():
            return service.bookings_starting(query)
        case VisitsToSurvey():
            return engagement.visits_to_survey(query)
        case SurveysToNudge():
            return engagement.surveys_to_nudge(query)
        case WinBackTouch():
            return engagement.win_back_touch(query)
        case PointsExpiringBy():
            return engagement.points_expiring_by(query)
        case EventsStarting():
            return club_events.events_starting(query)
        case EventsEnded():
            return club_events.events_ended(query)
        case _:
            assert_never(query)


class SqlCarePlanner(CareChangeTracking):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def plan(self, query: PlanQuery) -> int:
        return await queue(self.session, query.rule, candidates(query), query.now)
