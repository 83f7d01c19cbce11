"""Announcements, each group's copy, and the owners an announcement reaches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.domain.announcements import Announcement, AnnouncementPost, OwnerAudience


@dataclass(frozen=True)
class SegmentAges:
    """The life-cycle segment thresholds (bot/domain/care.py's CarePolicy)."""

    new_days: int
    at_risk_months: int
    dormant_months: int
    lost_months: int


@dataclass(frozen=True)
class AudienceRow:
    owner_id: int
    market: str
    locale: str | None  # chosen in chat, else recorded by the dealer; None: the market's
    timezone: str | None


class AnnouncementRepository(Protocol):
    def add(self, announcement: Announcement) -> None: ...
    async def get(self, announcement_id: int) -> Announcement | None: ...
    async def recent(self, limit: int) -> Sequence[Announcement]:
        """The newest first."""
        ...

    async def unfinished(self) -> Sequence[Announcement]:
        """Scheduled or sending: some copy may still go out."""
        ...

    async def audience(
        self, spec: OwnerAudience, today: date, ages: SegmentAges
    ) -> Sequence[AudienceRow]:
        """Living owners with marketing consent and a chat that has not blocked the bot,
        matching the spec's market, tier, model and life-cycle segment (one query).
        Languages are matched by the service: the fallback is the market's."""
        ...

    async def owner_outcomes(self, announcement_id: int) -> Sequence[tuple[str, str]]:
        """(status, last error) of each owner's copy in the outbox."""
        ...

    async def cancel_owner_copies(self, announcement_id: int, reason: str) -> int:
        """Owner copies not sent yet are skipped with `reason`; returns how many."""
        ...


class AnnouncementPostRepository(Protocol):
    def add(self, post: AnnouncementPost) -> None: ...
    async def of_announcement(self, announcement_id: int) -> Sequence[AnnouncementPost]: ...
    async def claim(self, now: datetime, lease: timedelta, limit: int, token: str) -> list[int]:
        """Copies due (to post, or to edit after a correction), or whose lease ran out,
        leased to `token`."""
        ...

    async def extend(self, ids: Sequence[int], token: str, until: datetime) -> int: ...
    async def leased(self, post_id: int, token: str) -> AnnouncementPost | None:
        """The copy, while `token` still holds it."""
        ...
