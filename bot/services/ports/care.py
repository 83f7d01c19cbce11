"""The outbox and survey answers (implemented in storage/care_repository.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.domain.care import CapState, Category, OutboxMessage, OutboxStatus, Rule, SurveyAnswer


class CareRepository(Protocol):
    """The outbox (implemented in storage/care_repository.py)."""

    async def plan_linked(
        self,
        rule: str,
        category: Category,
        markets: Sequence[str],
        *,
        linked_after: datetime,
        linked_before: datetime,
        now: datetime,
    ) -> int: ...
    async def plan_vehicle_dates(
        self,
        rule: str,
        category: Category,
        markets: Sequence[str],
        *,
        column: str,
        after: date,
        until: date,
        occurrence: str,
        now: datetime,
        model: str | None = None,
        with_date: bool = False,
    ) -> int: ...
    async def plan_month_day(
        self,
        rule: str,
        category: Category,
        markets: Sequence[str],
        *,
        source: str,
        month_days: Sequence[str],
        occurrence: str,
        due_at: datetime,
        expires_at: datetime,
        now: datetime,
        born_before: date | None = None,
    ) -> int: ...
    async def plan_old_vehicles(
        self,
        rule: str,
        category: Category,
        markets: Sequence[str],
        *,
        delivered_before: date,
        occurrence: str,
        now: datetime,
    ) -> int: ...
    async def plan_service_due(
        self,
        rule: str,
        markets: Sequence[str],
        *,
        intervals: Mapping[str, tuple[int, int]],
        first_service: bool,
        due_after: date,
        due_until: date,
        occurrence: str,
        now: datetime,
    ) -> int: ...
    async def plan_recalls(
        self, markets: Sequence[str], *, today: date, repeat_days: int, now: datetime
    ) -> int: ...
    async def plan_booking_reminders(
        self, markets: Sequence[str], *, hours: int, after_hours: int, now: datetime
    ) -> int: ...
    async def plan_surveys(
        self,
        markets: Sequence[str],
        *,
        recorded_before: datetime,
        recorded_after: datetime,
        now: datetime,
    ) -> int: ...
    async def plan_survey_nudges(
        self,
        markets: Sequence[str],
        *,
        asked_before: datetime,
        asked_after: datetime,
        now: datetime,
    ) -> int: ...
    async def plan_win_back(
        self,
        markets: Sequence[str],
        *,
        touch: int,
        starts_after_months: int,
        previous_sent_before: datetime | None,
        not_before: date,
        today: date,
        now: datetime,
    ) -> int: ...
    async def plan_points_expiring(
        self, markets: Sequence[str], *, until: datetime, occurrence: str, now: datetime
    ) -> int: ...
    async def add(self, message: OutboxMessage) -> bool: ...
    async def claim(self, now: datetime, lease: timedelta, limit: int) -> list[int]: ...
    async def get(self, message_id: int) -> OutboxMessage | None: ...
    async def lock_owner(self, owner_id: int) -> None: ...
    async def caps(self, owner_id: int, now: datetime) -> CapState: ...
    async def of_owner(self, owner_id: int) -> Sequence[OutboxMessage]: ...
    async def outcomes(
        self, market: str | None, since: datetime
    ) -> list[tuple[Rule, OutboxStatus, str, int]]: ...
    async def pending_count(self) -> int: ...
    def add_answer(self, answer: SurveyAnswer) -> None: ...
    async def answer_for(self, visit_id: int) -> SurveyAnswer | None: ...
    async def answers_of(self, owner_id: int) -> Sequence[SurveyAnswer]: ...
