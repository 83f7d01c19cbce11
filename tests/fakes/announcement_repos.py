"""In-memory announcements, their group copies, and the owners they reach (the same
filters as the SQL audience query, the segment by bot/domain/care.py's rule)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from bot.domain.announcements import (
    Announcement,
    AnnouncementPost,
    OwnerAudience,
    PostStatus,
)
from bot.domain.care import CarePolicy, OutboxStatus, Rule, segment
from bot.services.ports.announcements import AudienceRow, SegmentAges
from tests.fakes.store import Store, Table


class FakeAnnouncementRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[Announcement] = store.table("announcements")

    def add(self, announcement: Announcement) -> None:
        self.table.add(announcement)

    async def get(self, announcement_id: int) -> Announcement | None:
        self.store.flush()
        return next((a for a in self.table if a.id == announcement_id), None)

    async def recent(self, limit: int) -> Sequence[Announcement]:
        self.store.flush()
        return sorted(self.table, key=lambda a: -(a.id or 0))[:limit]

    async def unfinished(self) -> Sequence[Announcement]:
        self.store.flush()
        return sorted((a for a in self.table if a.open), key=lambda a: a.id or 0)

    async def audience(
        self, spec: OwnerAudience, today: date, ages: SegmentAges
    ) -> Sequence[AudienceRow]:
        self.store.flush()
        rows = []
        for owner in self._rows("owners"):
            if owner.erased_at is not None or owner.consent_marketing is not True:
                continue
            if not any(
                a.owner_id == owner.id and a.unreachable_at is None for a in self._rows("accounts")
            ):
                continue
            if spec.markets and owner.market not in spec.markets:
                continue
            vehicles = [v for v in self._rows("vehicles") if v.owner_id == owner.id]
            if spec.models and not any(v.model in spec.models for v in vehicles):
                continue
            if spec.tiers:
                account = next(
                    (a for a in self._rows("loyalty_accounts") if a.owner_id == owner.id), None
                )
                if account is None or account.tier.value not in spec.tiers:
                    continue
            if (
                spec.segments
                and self._segment(owner.id, vehicles, today, ages) not in spec.segments
            ):
                continue
            rows.append(
                AudienceRow(
                    owner.id, owner.market, owner.locale or owner.locale_on_file, owner.timezone
                )
            )
        return sorted(rows, key=lambda r: r.owner_id)

    def _segment(self, owner_id: int, vehicles: list[Any], today: date, ages: SegmentAges) -> str:
        visits = [v for v in self._rows("service_visits") if v.owner_id == owner_id]
        delivered = min((v.delivery_date for v in vehicles if v.delivery_date), default=None)
        policy = CarePolicy(
            new_owner_days=ages.new_days,
            at_risk_months=ages.at_risk_months,
            dormant_months=ages.dormant_months,
            lost_months=ages.lost_months,
        )
        last = max((v.visited_on for v in visits), default=None)
        return segment(
            delivered=delivered, visits=len(visits), last_visit=last, today=today, policy=policy
        ).value

    def _rows(self, name: str) -> list[Any]:
        return list(self.store.table(name)) if name in self.store.tables else []

    async def owner_outcomes(self, announcement_id: int) -> Sequence[tuple[str, str]]:
        return [(m.status.value, m.last_error) for m in self._copies(announcement_id)]

    async def cancel_owner_copies(self, announcement_id: int, reason: str) -> int:
        held = 0
        for message in self._copies(announcement_id):
            if message.status is OutboxStatus.PENDING:
                message.status, message.last_error = OutboxStatus.SKIPPED, reason
                held += 1
        return held

    def _copies(self, announcement_id: int) -> list[Any]:
        self.store.flush()
        occurrence = f"announcement:{announcement_id}"
        return [
            m
            for m in self._rows("outbox")
            if m.rule is Rule.ANNOUNCEMENT and m.occurrence == occurrence
        ]


class FakeAnnouncementPostRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[AnnouncementPost] = store.table(
            "announcement_posts", lambda p: (p.announcement_id, p.channel, p.chat_id)
        )

    def add(self, post: AnnouncementPost) -> None:
        self.table.add(post)

    async def of_announcement(self, announcement_id: int) -> Sequence[AnnouncementPost]:
        self.store.flush()
        return sorted(
            (p for p in self.table if p.announcement_id == announcement_id),
            key=lambda p: p.id or 0,
        )

    async def claim(self, now: datetime, lease: timedelta, limit: int, token: str) -> list[int]:
        self.store.flush()
        due = [
            p
            for p in self.table
            if (p.status is PostStatus.PENDING and p.due_at <= now)
            or (p.status is PostStatus.SENT and p.needs_edit and p.due_at <= now)
            or (
                p.status is PostStatus.SENDING and p.lease_until is not None and p.lease_until < now
            )
        ]
        picked = sorted(due, key=lambda p: p.id or 0)[:limit]
        for post in picked:
            post.status, post.lease_until, post.lease_token = PostStatus.SENDING, now + lease, token
            post.attempts += 1
        return [p.id or 0 for p in picked]

    async def extend(self, ids: Sequence[int], token: str, until: datetime) -> int:
        held = 0
        for post in self.table:
            if post.id in ids and post.lease_token == token and post.status is PostStatus.SENDING:
                post.lease_until = until
                held += 1
        return held

    async def leased(self, post_id: int, token: str) -> AnnouncementPost | None:
        self.store.flush()
        post = next((p for p in self.table if p.id == post_id), None)
        if post is None or post.status is not PostStatus.SENDING or post.lease_token != token:
            return None
        return post
