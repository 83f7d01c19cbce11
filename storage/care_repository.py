"""The outbox: set-based planning statements, claiming for senders, send-time facts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from bot.domain.care import CapState, Category, OutboxMessage, OutboxStatus, Rule, SurveyAnswer
from storage import tables
from storage.sql import insert_ignoring_duplicates
from storage.sqlfunc import add_days, add_months, as_date, days_between, json_obj, month_day

o = tables.owners.c
v = tables.vehicles.c
a = tables.accounts.c
ob = tables.outbox.c

_OPEN_BOOKING_STATUSES = ("requested", "confirmed")

_OUTBOX_COLUMNS = [
    "owner_id",
    "rule",
    "occurrence",
    "category",
    "due_at",
    "expires_at",
    "payload",
    "status",
    "attempts",
    "last_error",
    "created_at",
]


class SqlCareRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _dialect(self) -> str:
        return self.session.bind.dialect.name if self.session.bind else "sqlite"

    # --- planning ---------------------------------------------------------------------

    def _reachable(self, markets: Sequence[str], category: Category) -> Any:
        """Owners of these markets we can and may message in this category."""
        conditions = [
            o.market.in_(list(markets)),
            o.erased_at.is_(None),
            exists().where(a.owner_id == o.id, a.unreachable_at.is_(None)),
        ]
        if category is Category.SERVICE:
            conditions.append(o.consent_service.is_(True))
        elif category is Category.MARKETING:
            conditions.append(o.consent_marketing.is_(True))
        return and_(*conditions)

    async def _insert(
        self,
        rule: str,
        category: Category,
        candidates: Select[Any],
        *,
        now: datetime,
    ) -> int:
        """INSERT ... SELECT ... ON CONFLICT DO NOTHING: one statement per rule, however
        many owners are due. `candidates` yields owner_id, occurrence, due_at,
        expires_at, payload."""
        sub = candidates.subquery()
        rows = select(
            sub.c.owner_id,
            literal(rule, ob.rule.type),
            sub.c.occurrence,
            literal(category, ob.category.type),
            sub.c.due_at,
            sub.c.expires_at,
            sub.c.payload,
            literal(OutboxStatus.PENDING, ob.status.type),
            literal(0),
            literal(""),
            literal(now, tables.outbox.c.created_at.type),
        )
        module = postgresql if self._dialect == "postgresql" else sqlite
        statement = module.insert(tables.outbox).from_select(_OUTBOX_COLUMNS, rows)
        if self._dialect == "sqlite":
            # SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT.
            statement = module.insert(tables.outbox).from_select(
                _OUTBOX_COLUMNS, rows.where(literal(True))
            )
        result = await self.session.execute(statement.on_conflict_do_nothing())
        return int(getattr(result, "rowcount", 0) or 0)

    async def plan_linked(
        self,
        rule: str,
        category: Category,
        markets: Sequence[str],
        *,
        linked_after: datetime,
        linked_before: datetime,
        now: datetime,
    ) -> int:
        """Owners whose chat was linked in a window (welcome guide, day-7 and day-30 tips)."""
        linked = (
            select(a.owner_id, func.min(a.linked_at).label("linked_at"))
            .where(a.linked_at > linked_after, a.linked_at <= linked_before)
            .group_by(a.owner_id)
            .subquery()
        )
        candidates = (
            select(
                o.id.label("owner_id"),
                literal("1").label("occurrence"),
                literal(now, tables.outbox.c.due_at.type).label("due_at"),
                literal(None, tables.outbox.c.expires_at.type).label("expires_at"),
                json_obj().label("payload"),
            )
            .join(linked, linked.c.owner_id == o.id)
            .where(
                self._reachable(markets, category),
                linked.c.linked_at > linked_after,
                linked.c.linked_at <= linked_before,
            )
        )
        return await self._insert(rule, category, candidates, now=now)

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
    ) -> int:
        """Vehicles whose date `column` lies in (after, until]: warranty ends, renewals.

        The occurrence is "<vehicle id>:<occurrence>" (plus the date itself when
        `with_date`, so a renewal next year is a new occurrence)."""
        day = v[column]
        occurrence_sql = cast(v.id, String) + literal(f":{occurrence}")
        if with_date:
            occurrence_sql = occurrence_sql + literal(":") + cast(day, String)
        conditions = [self._reachable(markets, category), day > after, day <= until]
        if model is not None:
            conditions.append(v.model == model)
        candidates = (
            select(
                o.id.label("owner_id"),
                occurrence_sql.label("occurrence"),
                literal(now, tables.outbox.c.due_at.type).label("due_at"),
                literal(None, tables.outbox.c.expires_at.type).label("expires_at"),
                json_obj(literal("vehicle_id"), v.id).label("payload"),
            )
            .join(tables.vehicles, v.owner_id == o.id)
            .where(*conditions)
        )
        return await self._insert(rule, category, candidates, now=now)

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
    ) -> int:
        """Birthdays (source "birthday") or delivery anniversaries (source "delivery")
        falling on one of `month_days` ("MM-DD")."""
        if source == "birthday":
            day = o.birthday
            base = select(o.id.label("owner_id"), json_obj().label("payload"))
        else:
            day = v.delivery_date
            base = select(
                o.id.label("owner_id"), json_obj(literal("vehicle_id"), v.id).label("payload")
            ).join(tables.vehicles, v.owner_id == o.id)
        occurrence_sql = (
            literal(occurrence)
            if source == "birthday"
            else cast(v.id, String) + literal(f":{occurrence}")
        )
        conditions = [self._reachable(markets, category), month_day(day).in_(list(month_days))]
        if born_before is not None:
            conditions.append(day <= born_before)
        candidates = base.add_columns(
            occurrence_sql.label("occurrence"),
            literal(due_at, tables.outbox.c.due_at.type).label("due_at"),
            literal(expires_at, tables.outbox.c.expires_at.type).label("expires_at"),
        ).where(*conditions)
        return await self._insert(rule, category, candidates, now=now)

    async def plan_old_vehicles(
        self,
        rule: str,
        category: Category,
        markets: Sequence[str],
        *,
        delivered_before: date,
        occurrence: str,
        now: datetime,
    ) -> int:
        """Vehicles delivered before a date (trade-in suggestions), once per occurrence."""
        candidates = (
            select(
                o.id.label("owner_id"),
                (cast(v.id, String) + literal(f":{occurrence}")).label("occurrence"),
                literal(now, tables.outbox.c.due_at.type).label("due_at"),
                literal(None, tables.outbox.c.expires_at.type).label("expires_at"),
                json_obj(literal("vehicle_id"), v.id).label("payload"),
            )
            .join(tables.vehicles, v.owner_id == o.id)
            .where(
                self._reachable(markets, category),
                v.delivery_date.is_not(None),
                v.delivery_date <= delivered_before,
            )
        )
        return await self._insert(rule, category, candidates, now=now)

    async def plan_points_expiring(
        self, markets: Sequence[str], *, until: datetime, occurrence: str, now: datetime
    ) -> int:
        """One message per owner whose points expire within the window."""
        lots = tables.point_lots.c
        expiring = (
            select(lots.owner_id)
            .where(lots.remaining > 0, lots.expires_at > now, lots.expires_at <= until)
            .group_by(lots.owner_id)
            .subquery()
        )
        candidates = (
            select(
                o.id.label("owner_id"),
                literal(occurrence).label("occurrence"),
                literal(now, tables.outbox.c.due_at.type).label("due_at"),
                literal(None, tables.outbox.c.expires_at.type).label("expires_at"),
                json_obj().label("payload"),
            )
            .join(expiring, expiring.c.owner_id == o.id)
            .where(self._reachable(markets, Category.SERVICE))
        )
        return await self._insert("points_expiring", Category.SERVICE, candidates, now=now)

    # --- rules that follow service visits and bookings -------------------------------

    def _no_open_booking(
        self, vehicle_or_owner: Any, now: datetime, *, by_owner: bool = False
    ) -> Any:
        b = tables.bookings.c
        column = b.owner_id if by_owner else b.vehicle_id
        return ~exists().where(
            column == vehicle_or_owner,
            b.status.in_(_OPEN_BOOKING_STATUSES),
            b.ends_at > now,
        )

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
    ) -> int:
        """Vehicles whose next service falls due in (due_after, due_until]: every X km or
        Y months, whichever comes first (`intervals`: model -> (months, km)), counted
        from the last visit (or, for the first service, from delivery). Mileage is
        estimated from the odometer readings: the kilometres driven since the
        reference, over the days it took. One statement for every model."""
        sv = tables.service_visits.c
        last_visit = (
            select(sv.id)
            .where(sv.vehicle_id == v.id)
            .order_by(sv.visited_on.desc(), sv.id.desc())
            .limit(1)
            .correlate(tables.vehicles)
            .scalar_subquery()
        )
        if first_service:
            reference_on = v.delivery_date
            reference_km: Any = literal(0)
            joined = select(o.id).join(tables.vehicles, v.owner_id == o.id)
            extra = [~exists().where(sv.vehicle_id == v.id), v.delivery_date.is_not(None)]
            cycle: Any = literal("first")
        else:
            last = tables.service_visits.alias("last_visit")
            reference_on = last.c.visited_on
            reference_km = last.c.mileage_km
            joined = (
                select(o.id)
                .join(tables.vehicles, v.owner_id == o.id)
                .join(last, last.c.id == last_visit)
            )
            extra = []
            cycle = cast(last.c.id, String)
        months = case(*((v.model == m, mo) for m, (mo, _) in intervals.items()), else_=None)
        km = case(*((v.model == m, k) for m, (_, k) in intervals.items()), else_=None)
        by_time = add_months(reference_on, months)
        driven = v.mileage_km - func.coalesce(reference_km, 0)
        elapsed = days_between(reference_on, func.coalesce(v.mileage_recorded_on, reference_on))
        km_days = case(
            (and_(driven > 0, elapsed > 0), km * elapsed / driven),
            else_=None,
        )
        by_km = add_days(reference_on, km_days)
        due = case((and_(km_days.is_not(None), by_km < by_time), by_km), else_=by_time)
        candidates = joined.with_only_columns(
            o.id.label("owner_id"),
            (cast(v.id, String) + literal(":") + cycle + literal(f":{occurrence}")).label(
                "occurrence"
            ),
            literal(now, tables.outbox.c.due_at.type).label("due_at"),
            literal(None, tables.outbox.c.expires_at.type).label("expires_at"),
            json_obj(literal("vehicle_id"), v.id, literal("due_on"), cast(due, String)).label(
                "payload"
            ),
        ).where(
            self._reachable(markets, Category.SERVICE),
            v.model.in_(list(intervals)),
            v.vin.is_not(None),
            due > due_after,
            due <= due_until,
            self._no_open_booking(v.id, now),
            *extra,
        )
        return await self._insert(rule, Category.SERVICE, candidates, now=now)

    async def plan_recalls(
        self, markets: Sequence[str], *, today: date, repeat_days: int, now: datetime
    ) -> int:
        """Open safety recalls, again every `repeat_days` until the car is booked in or
        the recall is closed. Safety: no consent needed."""
        r = tables.vehicle_recalls.c
        period = cast(days_between(as_date(r.imported_at), literal(today)) // repeat_days, String)
        candidates = (
            select(
                o.id.label("owner_id"),
                (cast(r.id, String) + literal(":") + period).label("occurrence"),
                literal(now, tables.outbox.c.due_at.type).label("due_at"),
                literal(None, tables.outbox.c.expires_at.type).label("expires_at"),
                json_obj(literal("recall_id"), r.id, literal("vehicle_id"), v.id).label("payload"),
            )
            .join(tables.vehicles, v.owner_id == o.id)
            .join(tables.vehicle_recalls, r.vehicle_id == v.id)
            .where(
                self._reachable(markets, Category.SAFETY),
                r.state == "open",
                self._no_open_booking(v.id, now),
            )
        )
        return await self._insert("recall", Category.SAFETY, candidates, now=now)

    async def plan_booking_reminders(
        self, markets: Sequence[str], *, hours: int, after_hours: int, now: datetime
    ) -> int:
        """Open bookings starting in (after_hours, hours]: one reminder per booking and
        start time (a moved booking gets its own)."""
        b = tables.bookings.c
        candidates = (
            select(
                o.id.label("owner_id"),
                (cast(b.id, String) + literal(f":{hours}h:") + cast(b.starts_at, String)).label(
                    "occurrence"
                ),
                literal(now, tables.outbox.c.due_at.type).label("due_at"),
                b.starts_at.label("expires_at"),
                json_obj(literal("booking_id"), b.id, literal("hours"), literal(hours)).label(
                    "payload"
                ),
            )
            .join(tables.bookings, b.owner_id == o.id)
            .where(
                self._reachable(markets, Category.TRANSACTIONAL),
                b.status.in_(_OPEN_BOOKING_STATUSES),
                b.starts_at > now + timedelta(hours=after_hours),
                b.starts_at <= now + timedelta(hours=hours),
            )
        )
        return await self._insert("booking_reminder", Category.TRANSACTIONAL, candidates, now=now)

    async def plan_surveys(
        self,
        markets: Sequence[str],
        *,
        recorded_before: datetime,
        recorded_after: datetime,
        now: datetime,
    ) -> int:
        """A survey a couple of hours after each completed visit, once."""
        sv = tables.service_visits.c
        answers = tables.survey_answers.c
        candidates = (
            select(
                o.id.label("owner_id"),
                cast(sv.id, String).label("occurrence"),
                literal(now, tables.outbox.c.due_at.type).label("due_at"),
                literal(None, tables.outbox.c.expires_at.type).label("expires_at"),
                json_obj(literal("visit_id"), sv.id).label("payload"),
            )
            .join(tables.service_visits, sv.owner_id == o.id)
            .where(
                self._reachable(markets, Category.SERVICE),
                sv.source != "demo",
                sv.recorded_at <= recorded_before,
                sv.recorded_at > recorded_after,
                ~exists().where(answers.visit_id == sv.id),
            )
        )
        return await self._insert("survey", Category.SERVICE, candidates, now=now)

    async def plan_survey_nudges(
        self,
        markets: Sequence[str],
        *,
        asked_before: datetime,
        asked_after: datetime,
        now: datetime,
    ) -> int:
        """One nudge for surveys asked two days ago and still unanswered."""
        sv = tables.service_visits.c
        answers = tables.survey_answers.c
        asked = tables.outbox.alias("asked")
        candidates = (
            select(
                o.id.label("owner_id"),
                cast(sv.id, String).label("occurrence"),
                literal(now, tables.outbox.c.due_at.type).label("due_at"),
                literal(None, tables.outbox.c.expires_at.type).label("expires_at"),
                json_obj(literal("visit_id"), sv.id).label("payload"),
            )
            .join(tables.service_visits, sv.owner_id == o.id)
            .join(
                asked,
                and_(
                    asked.c.owner_id == o.id,
                    asked.c.rule == "survey",
                    asked.c.occurrence == cast(sv.id, String),
                ),
            )
            .where(
                self._reachable(markets, Category.SERVICE),
                asked.c.status == OutboxStatus.SENT,
                asked.c.sent_at <= asked_before,
                asked.c.sent_at > asked_after,
                ~exists().where(answers.visit_id == sv.id),
            )
        )
        return await self._insert("survey_nudge", Category.SERVICE, candidates, now=now)

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
    ) -> int:
        """Owners who stopped coming back (no visit for `starts_after_months` since their
        last one). The first touch goes as soon as they are silent; each later one only
        after the previous was sent before `previous_sent_before` (spacing). A visit
        starts a new cycle; an open booking stops them; silent since before
        `not_before` means lost, not won back."""
        sv = tables.service_visits.c
        last_visits = (
            select(sv.owner_id, func.max(sv.visited_on).label("last_on"))
            .group_by(sv.owner_id)
            .subquery()
        )
        silence_began = add_months(last_visits.c.last_on, starts_after_months)
        days_silent = days_between(silence_began, literal(today))
        cycle = literal("winback:") + cast(last_visits.c.last_on, String)
        conditions = [
            self._reachable(markets, Category.MARKETING),
            days_silent >= 0,
            last_visits.c.last_on > not_before,
            self._no_open_booking(o.id, now, by_owner=True),
        ]
        if touch > 1:
            earlier = tables.outbox.alias("earlier")
            conditions.append(
                exists().where(
                    earlier.c.owner_id == o.id,
                    earlier.c.rule == "win_back",
                    earlier.c.occurrence == cycle + literal(f":{touch - 1}"),
                    earlier.c.status == OutboxStatus.SENT,
                    earlier.c.sent_at <= previous_sent_before,
                )
            )
        candidates = (
            select(
                o.id.label("owner_id"),
                (cycle + literal(f":{touch}")).label("occurrence"),
                literal(now, tables.outbox.c.due_at.type).label("due_at"),
                literal(None, tables.outbox.c.expires_at.type).label("expires_at"),
                json_obj(literal("touch"), literal(touch)).label("payload"),
            )
            .join(last_visits, last_visits.c.owner_id == o.id)
            .where(*conditions)
        )
        return await self._insert("win_back", Category.MARKETING, candidates, now=now)

    async def add(self, message: OutboxMessage) -> bool:
        """Plan one message (event-driven rules); False if it was planned before."""
        return await insert_ignoring_duplicates(
            self.session,
            tables.outbox,
            {
                "owner_id": message.owner_id,
                "rule": message.rule,
                "occurrence": message.occurrence,
                "category": message.category,
                "due_at": message.due_at,
                "expires_at": message.expires_at,
                "payload": message.payload,
                "status": message.status,
                "attempts": 0,
                "last_error": "",
                "created_at": message.created_at,
            },
        )

    # --- sending ------------------------------------------------------------------------

    async def claim(self, now: datetime, lease: timedelta, limit: int) -> list[int]:
        """Take up to `limit` due messages (and any whose sender died: lease expired).
        They come back most urgent first: what expires soonest (a birthday greeting is
        only good today) goes before what can wait, so it gets the day's marketing cap."""
        due = or_(
            and_(ob.status == OutboxStatus.PENDING, ob.due_at <= now),
            and_(ob.status == OutboxStatus.SENDING, ob.lease_until < now),
        )
        pick = select(ob.id).where(due).order_by(ob.due_at, ob.id).limit(limit)
        if self._dialect == "postgresql":
            # Several senders share the outbox: each skips rows another has locked.
            pick = pick.with_for_update(skip_locked=True)
        result = await self.session.execute(
            update(tables.outbox)
            .where(ob.id.in_(pick.scalar_subquery()))
            .values(
                status=OutboxStatus.SENDING,
                lease_until=now + lease,
                attempts=ob.attempts + 1,
            )
            .returning(ob.id, ob.expires_at, ob.due_at)
        )
        never = datetime.max.replace(tzinfo=UTC)
        rows = sorted(
            result.all(), key=lambda r: (_aware(r.expires_at) or never, _aware(r.due_at), r.id)
        )
        return [row.id for row in rows]

    async def get(self, message_id: int) -> OutboxMessage | None:
        return await self.session.get(OutboxMessage, message_id)

    async def lock_owner(self, owner_id: int) -> None:
        """Serialize send decisions per owner (caps), across senders on PostgreSQL."""
        if self._dialect == "postgresql":
            await self.session.execute(select(o.id).where(o.id == owner_id).with_for_update())

    async def caps(self, owner_id: int, now: datetime) -> CapState:
        """Marketing messages sent (or reserved for sending) in the last day and week."""
        sent = and_(
            ob.owner_id == owner_id,
            ob.category == Category.MARKETING,
            ob.sent_at.is_not(None),
            ob.status.in_([OutboxStatus.SENT, OutboxStatus.SENDING]),
        )
        week = (
            await self.session.execute(
                select(func.count(), func.min(ob.sent_at)).where(
                    sent, ob.sent_at > now - timedelta(days=7)
                )
            )
        ).one()
        day = (
            await self.session.execute(
                select(func.count(), func.max(ob.sent_at)).where(
                    sent, ob.sent_at > now - timedelta(days=1)
                )
            )
        ).one()
        return CapState(
            sent_last_day=int(day[0]),
            sent_last_week=int(week[0]),
            oldest_in_week=_aware(week[1]),
            latest_in_day=_aware(day[1]),
        )

    async def of_owner(self, owner_id: int) -> Sequence[OutboxMessage]:
        result = await self.session.execute(
            select(OutboxMessage).where(ob.owner_id == owner_id).order_by(ob.due_at, ob.id)
        )
        return result.scalars().all()

    async def outcomes(
        self, market: str | None, since: datetime
    ) -> list[tuple[Rule, OutboxStatus, str, int]]:
        """(rule, status, reason, count) of messages planned since a date (KPI report)."""
        query = (
            select(ob.rule, ob.status, ob.last_error, func.count())
            .join(tables.owners, o.id == ob.owner_id)
            .where(ob.created_at >= since)
            .group_by(ob.rule, ob.status, ob.last_error)
        )
        if market:
            query = query.where(o.market == market)
        return [
            (rule, status, str(reason), int(count))
            for rule, status, reason, count in (await self.session.execute(query)).all()
        ]

    def add_answer(self, answer: SurveyAnswer) -> None:
        self.session.add(answer)

    async def answer_for(self, visit_id: int) -> SurveyAnswer | None:
        result = await self.session.execute(
            select(SurveyAnswer).where(tables.survey_answers.c.visit_id == visit_id)
        )
        return result.scalar_one_or_none()

    async def answers_of(self, owner_id: int) -> Sequence[SurveyAnswer]:
        c = tables.survey_answers.c
        result = await self.session.execute(
            select(SurveyAnswer).where(c.owner_id == owner_id).order_by(c.answered_at, c.id)
        )
        return result.scalars().all()

    async def pending_count(self) -> int:
        return int(
            await self.session.scalar(
                select(func.count()).where(
                    ob.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])
                )
            )
            or 0
        )


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
