"""Set-based queries behind `ownerbot report kpi`."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.club_events import RsvpStatus
from bot.domain.clubs import MemberStatus
from storage import tables
from storage.sqlfunc import add_months

o = tables.owners.c
v = tables.vehicles.c
sv = tables.service_visits.c


class SqlKpiRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def survey_scores(self, market: str | None, since: datetime) -> list[int]:
        answers = tables.survey_answers.c
        query = (
            select(answers.score)
            .join(tables.owners, o.id == answers.owner_id)
            .where(answers.answered_at >= since)
        )
        if market:
            query = query.where(o.market == market)
        return [int(score) for score in (await self.session.execute(query)).scalars()]

    async def questions(
        self, market: str | None, since: datetime
    ) -> list[tuple[str, datetime, datetime | None]]:
        q = tables.dealer_questions.c
        query = (
            select(q.dealer_code, q.asked_at, q.first_answer_at)
            .where(q.asked_at >= since)
            .order_by(q.dealer_code, q.asked_at)
        )
        if market:
            query = query.join(tables.dealers, tables.dealers.c.code == q.dealer_code).where(
                tables.dealers.c.market == market
            )
        rows = (await self.session.execute(query)).all()
        return [(str(dealer), asked, answered) for dealer, asked, answered in rows]

    async def club_engagement(self, market: str | None, since: datetime) -> tuple[int, int, int]:
        clubs, members = tables.clubs.c, tables.club_members.c
        ev, rs = tables.club_events.c, tables.event_rsvps.c
        verified = (
            select(func.count(func.distinct(members.owner_id)))
            .join(tables.clubs, clubs.id == members.club_id)
            .where(
                members.status == MemberStatus.MEMBER,
                members.owner_id.is_not(None),
                clubs.unlinked_at.is_(None),
            )
        )
        seats = (
            select(
                func.count(rs.id).filter(rs.status == RsvpStatus.GOING),
                func.count(rs.attended_at),
            )
            .join(tables.club_events, ev.id == rs.event_id)
            .where(ev.starts_at >= since, ev.cancelled_at.is_(None))
        )
        if market:
            verified = verified.where(clubs.market == market)
            seats = seats.where(ev.market == market)
        members_now = int(await self.session.scalar(verified) or 0)
        going, attended = (await self.session.execute(seats)).one()
        return members_now, int(going or 0), int(attended or 0)

    async def scores_since(self, market: str | None, since: datetime) -> list[tuple[datetime, int]]:
        answers = tables.survey_answers.c
        query = (
            select(answers.answered_at, answers.score)
            .join(tables.owners, o.id == answers.owner_id)
            .where(answers.answered_at >= since)
        )
        if market:
            query = query.where(o.market == market)
        return [(at, int(score)) for at, score in (await self.session.execute(query)).all()]

    async def tiers(self, market: str | None) -> dict[str, int]:
        accounts = tables.loyalty_accounts.c
        query = (
            select(accounts.tier, func.count())
            .join(tables.owners, o.id == accounts.owner_id)
            .where(o.erased_at.is_(None))
            .group_by(accounts.tier)
        )
        if market:
            query = query.where(o.market == market)
        return {str(tier): int(n) for tier, n in (await self.session.execute(query)).all()}

    async def return_to_service(
        self, market: str | None, since: date, until: date | None = None
    ) -> tuple[int, int]:
        """(vehicles with a paid visit since `since`, all vehicles) of living owners."""
        window = [sv.visited_on >= since, sv.invoice_minor > 0]
        if until is not None:
            window.append(sv.visited_on < until)
        paid = select(sv.vehicle_id).where(*window).group_by(sv.vehicle_id).subquery()
        query = (
            select(func.count(v.id), func.count(paid.c.vehicle_id))
            .join(tables.owners, o.id == v.owner_id)
            .outerjoin(paid, paid.c.vehicle_id == v.id)
            .where(o.erased_at.is_(None), v.vin.is_not(None))
        )
        if market:
            query = query.where(o.market == market)
        total, returned = (await self.session.execute(query)).one()
        return int(returned or 0), int(total or 0)

    async def segments(
        self,
        market: str | None,
        today: date,
        *,
        new_days: int,
        at_risk_months: int,
        dormant_months: int,
        lost_months: int,
    ) -> dict[str, int]:
        """Owners per life-cycle segment (bot/domain/care.py, `segment`), in one query."""
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
            (deliveries.c.delivered > literal(today - timedelta(days=new_days)), "new"),
            (reference.is_(None), "active"),
            (reference <= add_months(today_sql, -lost_months), "lost"),
            (reference <= add_months(today_sql, -dormant_months), "dormant"),
            (
                and_(
                    func.coalesce(visits.c.visits, 0) >= 1,
                    reference <= add_months(today_sql, -at_risk_months),
                ),
                "at_risk",
            ),
            else_="active",
        ).label("segment")
        query = (
            select(segment, func.count())
            .select_from(tables.owners)
            .outerjoin(visits, visits.c.owner_id == o.id)
            .outerjoin(deliveries, deliveries.c.owner_id == o.id)
            .where(o.erased_at.is_(None))
            .group_by(segment)
        )
        if market:
            query = query.where(o.market == market)
        return {str(name): int(count) for name, count in (await self.session.execute(query)).all()}
