"""Set-based numbers for the KPI reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol


class KpiRepository(Protocol):
    async def survey_scores(self, market: str | None, since: datetime) -> list[int]: ...
    async def return_to_service(
        self, market: str | None, since: date, until: date | None = None
    ) -> tuple[int, int]:
        """(vehicles with a paid visit from `since` to before `until`, all vehicles)."""
        ...

    async def scores_since(self, market: str | None, since: datetime) -> list[tuple[datetime, int]]:
        """(answered at, score) of the survey answers since `since`."""
        ...

    async def tiers(self, market: str | None) -> dict[str, int]:
        """Living owners per loyalty tier."""
        ...

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

    async def club_engagement(self, market: str | None, since: datetime) -> tuple[int, int, int]:
        """(verified owners who are members of a linked club now, seats taken and
        owners checked in at club events that started since `since`)."""
        ...
