"""What the care services need from storage: the outbox, survey answers, and the
planner's set-based statements (implemented in storage/care/).

The planner speaks in typed queries: one dataclass per kind of statement, each naming
its rule and the bounds worked out in Python (calendar months, the market's local
day). Storage turns each into one INSERT ... SELECT of the owners who are due.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from bot.domain.care import CapState, OutboxMessage, OutboxStatus, Rule, SurveyAnswer


class OutboxRepository(Protocol):
    async def add(self, message: OutboxMessage) -> bool:
        """Plan one message (event-driven rules); False if (owner, rule, occurrence)
        was planned before."""
        ...

    async def get(self, message_id: int) -> OutboxMessage | None: ...
    async def claim(self, now: datetime, lease: timedelta, limit: int, token: str) -> list[int]:
        """Take up to `limit` due messages (and any whose sender died: lease expired),
        most urgent first, under the claim's `token`."""
        ...

    async def extend(self, ids: Sequence[int], token: str, until: datetime) -> int:
        """Renew the lease of the messages this claim (`token`) still holds; how many."""
        ...

    async def leased(self, message_id: int, token: str) -> OutboxMessage | None:
        """The message if the claim `token` still holds its lease (locked for the rest
        of the transaction on PostgreSQL), else None: another sender took it over."""
        ...

    async def lock_owner(self, owner_id: int) -> None:
        """Serialize send decisions per owner (caps), across senders."""
        ...

    async def caps(self, owner_id: int, now: datetime) -> CapState:
        """Marketing messages sent (or reserved for sending) in the last day and week."""
        ...

    async def of_owner(self, owner_id: int) -> Sequence[OutboxMessage]:
        """By due time."""
        ...

    async def outcomes(
        self, market: str | None, since: datetime
    ) -> list[tuple[Rule, OutboxStatus, str, int]]:
        """(rule, status, last error, count) of messages planned since a moment."""
        ...

    async def pending_count(self) -> int:
        """Messages waiting or being sent."""
        ...

    async def oldest_due(self, now: datetime) -> datetime | None:
        """The due time of the oldest message waiting to be sent that is due by `now`."""
        ...


class SurveyAnswerRepository(Protocol):
    def add(self, answer: SurveyAnswer) -> None: ...
    async def for_visit(self, visit_id: int) -> SurveyAnswer | None: ...
    async def of_owner(self, owner_id: int) -> Sequence[SurveyAnswer]:
        """Oldest first."""
        ...


# --- the planner's queries ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Planned:
    """Who of these markets' reachable owners is due for `rule` at `now`. Consent
    follows the rule's category; every query plans each (owner, rule, occurrence) once."""

    rule: Rule
    markets: tuple[str, ...]
    now: datetime
    # Only the owners whose data changed since the last run (the incremental planner).
    only_changed: bool = False


@dataclass(frozen=True, kw_only=True)
class LinkedBetween(Planned):
    """Owners whose chat was first linked in (after, until]: welcome guide, tips."""

    after: datetime
    until: datetime


class VehicleDate(StrEnum):
    """A date on the vehicle the planner counts from (the value is its column)."""

    DELIVERY = "delivery_date"
    INSURANCE_RENEWAL = "insurance_renewal_on"
    REGISTRATION_RENEWAL = "registration_renewal_on"


@dataclass(frozen=True, kw_only=True)
class VehicleDateBetween(Planned):
    """Vehicles whose date `which` lies in (after, until]: warranty ends, renewals. The
    occurrence is "<vehicle id>:<occurrence>", plus the date itself when `with_date`
    (so next year's renewal is a new occurrence)."""

    which: VehicleDate
    after: date
    until: date
    occurrence: str
    model: str | None = None
    with_date: bool = False


class YearlyDate(StrEnum):
    BIRTHDAY = "birthday"  # the owner's
    DELIVERY = "delivery"  # the vehicle's: anniversaries, periodic inspection


@dataclass(frozen=True, kw_only=True)
class OnMonthDay(Planned):
    """Birthdays or delivery anniversaries falling on one of `month_days` ("MM-DD"),
    due at `due_at`, no use after `expires_at`; `born_before` leaves out what is too
    recent (a car delivered this year)."""

    yearly: YearlyDate
    month_days: tuple[str, ...]
    occurrence: str
    due_at: datetime
    expires_at: datetime
    born_before: date | None = None


@dataclass(frozen=True, kw_only=True)
class DeliveredBefore(Planned):
    """Vehicles delivered before a date (trade-in suggestions), once per occurrence."""

    delivered_before: date
    occurrence: str
    delivered_after: date | None = None  # only cars that crossed the line since then


@dataclass(frozen=True, kw_only=True)
class ServiceDueBetween(Planned):
    """Vehicles whose next service falls due in (due_after, due_until]: every X km or
    Y months, whichever comes first (`intervals`: model -> (months, km)), counted from
    the last visit, or from delivery for the first service. Never while a booking is
    open."""

    intervals: Mapping[str, tuple[int, int]]
    first_service: bool
    due_after: date
    due_until: date
    occurrence: str
    # The window also on the due date stored with the vehicle (fresh: an index helps).
    stored_due: bool = False


@dataclass(frozen=True, kw_only=True)
class OpenRecalls(Planned):
    """Open safety recalls, again every `repeat_days` until the car is booked in."""

    rule: Rule = field(default=Rule.RECALL, init=False)
    today: date
    repeat_days: int


@dataclass(frozen=True, kw_only=True)
class BookingsStarting(Planned):
    """Open bookings starting in (now + after_hours, now + hours]: one reminder per
    booking and start time."""

    rule: Rule = field(default=Rule.BOOKING_REMINDER, init=False)
    hours: int
    after_hours: int
    starts_after: datetime | None = None  # a later lower bound than now + after_hours


@dataclass(frozen=True, kw_only=True)
class VisitsToSurvey(Planned):
    """Completed visits recorded in (recorded_after, recorded_before], not answered."""

    rule: Rule = field(default=Rule.SURVEY, init=False)
    recorded_after: datetime
    recorded_before: datetime


@dataclass(frozen=True, kw_only=True)
class SurveysToNudge(Planned):
    """Surveys sent in (asked_after, asked_before] and still unanswered: one nudge."""

    rule: Rule = field(default=Rule.SURVEY_NUDGE, init=False)
    asked_after: datetime
    asked_before: datetime


@dataclass(frozen=True, kw_only=True)
class WinBackTouch(Planned):
    """Touch number `touch` for owners silent `starts_after_months` since their last
    visit; a later touch only once the previous was sent before
    `previous_sent_before`. Silent since before `not_before` means lost."""

    rule: Rule = field(default=Rule.WIN_BACK, init=False)
    touch: int
    starts_after_months: int
    previous_sent_before: datetime | None
    not_before: date
    today: date
    # Only owners a window moved over since the last run: a last visit in
    # (visited_after, visited_until] or the previous touch sent in (sent_after, sent_until].
    entering: WinBackEntering | None = None


@dataclass(frozen=True)
class WinBackEntering:
    visited_after: date
    visited_until: date
    sent_after: datetime
    sent_until: datetime


@dataclass(frozen=True, kw_only=True)
class PointsExpiringBy(Planned):
    """Owners with points expiring in (now, until]: one message per occurrence."""

    rule: Rule = field(default=Rule.POINTS_EXPIRING, init=False)
    until: datetime
    occurrence: str
    expires_after: datetime | None = None  # a later lower bound than now


@dataclass(frozen=True, kw_only=True)
class EventsStarting(Planned):
    """Seats at club events (not called off) starting in (now, now + hours]: one
    reminder per seat and start time (a moved event is reminded again)."""

    rule: Rule = field(default=Rule.EVENT_REMINDER, init=False)
    hours: int


@dataclass(frozen=True, kw_only=True)
class EventsEnded(Planned):
    """Owners checked in at club events that ended in (ended_after, ended_before]:
    one survey per seat."""

    rule: Rule = field(default=Rule.EVENT_SURVEY, init=False)
    ended_after: datetime
    ended_before: datetime


PlanQuery = (
    LinkedBetween
    | VehicleDateBetween
    | OnMonthDay
    | DeliveredBefore
    | ServiceDueBetween
    | OpenRecalls
    | BookingsStarting
    | VisitsToSurvey
    | SurveysToNudge
    | WinBackTouch
    | PointsExpiringBy
    | EventsStarting
    | EventsEnded
)


@dataclass(frozen=True)
class PlanState:
    """The last completed run: its clock, and a fingerprint of the rules it planned by
    (another brand kit or policy means planning from scratch)."""

    planned_at: datetime
    fingerprint: str


class CarePlanner(Protocol):
    async def plan(self, query: PlanQuery) -> int:
        """Queue the message for every owner the query finds due, in one statement;
        returns how many were new."""
        ...

    async def state(self) -> PlanState | None: ...
    async def save_state(self, state: PlanState) -> None: ...

    async def take_changes(self, since: datetime | None, now: datetime) -> int:
        """Move the owners changed since the last run to the pending set, with those
        whose booking ended in (since, now]; how many are pending. `since` None: a
        plan from scratch, which needs no pending owners (all are forgotten)."""
        ...

    async def refresh_due(
        self,
        first: Mapping[str, tuple[int, int]],
        later: Mapping[str, tuple[int, int]],
        *,
        everyone: bool,
    ) -> None:
        """Store each vehicle's next service date: the pending owners', or everyone's."""
        ...

    async def clear_pending(self) -> None: ...
