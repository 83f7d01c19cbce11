"""Announcements, each group's copy, and the owners an announcement reaches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import Subquery, and_, case, exists, func, literal, or_, select, update

from bot.domain.announcements import (
    Announcement,
    AnnouncementPost,
    AnnouncementStatus,
    OwnerAudience,
    PostStatus,
)
from bot.domain.care import OutboxStatus, Rule
from bot.services.ports.announcements import AudienceRow, SegmentAges
from storage import leases, tables
from storage.repositories.base import SessionBound, SqlRepository, dialect
from storage.sqlfunc import add_months

an = tables.announcements.c
p = tables.announcement_posts.c
o = tables.owners.c
v = tables.vehicles.c
a = tables.accounts.c
sv = tables.service_visits.c
ob = tables.outbox.c


def occurrence(announcement_id: int) -> str:
    """The outbox dedupe key of an announcement's copy to an owner."""
    return f"announcement:{announcement_id}"


class SqlAnnouncementRepository(SqlRepository[Announcement]):
    async def get(self, announcement_id: int) -> Announcement | None:
        return await self.session.get(Announcement, announcement_id)

    async def recent(self, limit: int) -> Sequence[Announcement]:
        result = await self.session.execute(
            select(Announcement).order_by(an.id.desc()).limit(limit)
        )
        return result.scalars().all()

    async def unfinished(self) -> Sequence[Announcement]:
        result = await self.session.execute(
            select(Announcement)
            .where(an.status.in_([AnnouncementStatus.SCHEDULED, AnnouncementStatus.SENDING]))
            .order_by(an.id)
        )
        return result.scalars().all()

    async def audience(
        self, spec: OwnerAudience, today: date, ages: SegmentAges
    ) -> Sequence[AudienceRow]:
        conditions = [
            o.erased_at.is_(None),
            o.consent_marketing.is_(True),
            exists().where(a.owner_id == o.id, a.unreachable_at.is_(None)),
        ]
        if spec.markets:
            conditions.append(o.market.in_(spec.markets))
        if spec.models:
            conditions.append(exists().where(v.owner_id == o.id, v.model.in_(spec.models)))
        if spec.tiers:
            accounts = tables.loyalty_accounts.c
            conditions.append(
                exists().where(accounts.owner_id == o.id, accounts.tier.in_(spec.tiers))
            )
        query = select(o.id, o.market, func.coalesce(o.locale, o.locale_on_file), o.timezone)
        if spec.segments:
            segment = _segment(today, ages)
            query = query.add_columns(segment.c.segment).outerjoin(
                segment, segment.c.owner_id == o.id
            )
            conditions.append(func.coalesce(segment.c.segment, "active").in_(spec.segments))
        rows = (await self.session.execute(query.where(and_(*conditions)).order_by(o.id))).all()
        return [AudienceRow(int(r[0]), str(r[1]), r[2], r[3]) for r in rows]

    async def owner_outcomes(self, announcement_id: int) -> Sequence[tuple[str, str]]:
        result = await self.session.execute(
            select(ob.status, ob.last_error).where(
                ob.rule == Rule.ANNOUNCEMENT, ob.occurrence == occurrence(announcement_id)
            )
        )
        return [(str(status), str(error or "")) for status, error in result.all()]

    async def cancel_owner_copies(self, announcement_id: int, reason: str) -> int:
        result = await self.session.execute(
            update(tables.outbox)
            .where(
                ob.rule == Rule.ANNOUNCEMENT,
                ob.occurrence == occurrence(announcement_id),
                ob.status == OutboxStatus.PENDING,
            )
            .values(status=OutboxStatus.SKIPPED, last_error=reason)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def _segment(today: date, ages: SegmentAges) -> Subquery:
    """Each owner's life-cycle segment (bot/domain/care.py's `segment`) as a subquery;
    the same CASE as the KPI report's."""
    visits = (
        select(
            sv.owner_id,
            func.max(sv.visited_on).label("last_on"),
            func.count(sv.id).label("visits"),
        )
        .group_by(sv.owner_id)
        .subquery()
    )
    deliveries = (
        select(v.owner_id, func.min(v.delivery_date).label("delivered"))
        .group_by(v.owner_id)
        .subquery()
    )
    reference = func.coalesce(visits.c.last_on, deliveries.c.delivered)
    today_sql = literal(today)
    segment = case(
        (deliveries.c.delivered > literal(today - timedelta(days=ages.new_days)), "new"),
        (reference.is_(None), "active"),
        (reference <= add_months(today_sql, -ages.lost_months), "lost"),
        (reference <= add_months(today_sql, -ages.dormant_months), "dormant"),
        (
            and_(
                func.coalesce(visits.c.visits, 0) >= 1,
                reference <= add_months(today_sql, -ages.at_risk_months),
            ),
            "at_risk",
        ),
        else_="active",
    ).label("segment")
    return (
        select(o.id.label("owner_id"), segment)
        .select_from(tables.owners)
        .outerjoin(visits, visits.c.owner_id == o.id)
        .outerjoin(deliveries, deliveries.c.owner_id == o.id)
        .subquery()
    )


class SqlAnnouncementPostRepository(SessionBound):
    def add(self, post: AnnouncementPost) -> None:
        self.session.add(post)

    @property
    def _postgres(self) -> bool:
        return dialect(self.session) == "postgresql"

    async def of_announcement(self, announcement_id: int) -> Sequence[AnnouncementPost]:
        result = await self.session.execute(
            select(AnnouncementPost).where(p.announcement_id == announcement_id).order_by(p.id)
        )
        return result.scalars().all()

    async def claim(self, now: datetime, lease: timedelta, limit: int, token: str) -> list[int]:
        due = or_(
            and_(p.status == PostStatus.PENDING, p.due_at <= now),
            and_(p.status == PostStatus.SENT, p.needs_edit.is_(True), p.due_at <= now),
            and_(p.status == PostStatus.SENDING, p.lease_until < now),
        )
        claim = leases.Claim(now, lease, limit, token)
        return await leases.claim(
            self.session,
            tables.announcement_posts,
            due,
            claim,
            sending=PostStatus.SENDING,
            lock=self._postgres,
        )

    async def extend(self, ids: Sequence[int], token: str, until: datetime) -> int:
        return await leases.extend(self.session, tables.announcement_posts, ids, token, until)

    async def leased(self, post_id: int, token: str) -> AnnouncementPost | None:
        post = await self.session.get(
            AnnouncementPost, post_id, with_for_update=self._postgres, populate_existing=True
        )
        if post is None or post.status is not PostStatus.SENDING or post.lease_token != token:
            return None
        return post
