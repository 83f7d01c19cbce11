"""Set-based numbers for the KPI reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol


class KpiRepository(Protocol):
    async def survey_scores(self, market: str | None, since: datetime) -> list[int]: ...
    async def return_to_service(self, market: str | None, since: date) -> tuple[int, int]: ...
    async def segments(
        self,
        market: str | None,
        today: date,
        *,
        new_days: int,
        at_risk_months: int,
        dormant_months: int,
        lost_months: int,
    ) -> dict[str, int]: ...
    async def questions(
        self, market: str | None, since: datetime
    ) -> list[tuple[str, datetime, datetime | None]]:
        """(dealer, asked at, first answered at) of the questions to dealers asked since."""
        ...
