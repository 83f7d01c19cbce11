"""A random history of an owner base, played on two databases at once: one planned by
the incremental planner, the other from scratch. Both must end with the same outbox
after every run. The changes go in as plain SQL, as any writer's would (an import, an
operator), so the change triggers are what is tested, not the bot's own code paths."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update

from bot.app import App, planner_connections
from bot.domain.care import OutboxStatus
from bot.services import care, care_increment
from storage import tables

STEPS = [
    timedelta(minutes=10),
    timedelta(minutes=50),
    timedelta(hours=3),
    timedelta(hours=20),
    timedelta(days=1),
    timedelta(days=9),
    timedelta(days=33),
]

# Small steps first, so a booking or a survey crosses its window while nothing changes.
CLOCK_ONLY = [timedelta(minutes=m) for m in (10, 50, 180, 600, 600, 600)] + [
    timedelta(days=d) for d in (1, 1, 3, 9, 33)
]

Key = tuple[int, str, str]


@dataclass
class History:
    rng: random.Random
    now: datetime
    serial: int = 0
    log: list[str] = field(default_factory=list)

    def next(self) -> int:
        self.serial += 1
        return self.serial


async def outbox_keys(app: App) -> set[Key]:
    ob = tables.outbox.c
    async with app.database.engine.connect() as connection:
        rows = await connection.execute(select(ob.owner_id, ob.rule, ob.occurrence))
        return {(int(r[0]), str(r[1]), str(r[2])) for r in rows}


async def plan_both(incremental: App, scratch: App, now: datetime) -> tuple[int, int]:
    # On PostgreSQL the statements run two at a time, as in production.
    report = await care_increment.plan_changes(
        incremental.database.uow,
        incremental.reference,
        now,
        connections=planner_connections(incremental),
    )
    async with scratch.database.uow() as uow:
        expected = await care.plan(uow, scratch.reference, now)
        await uow.commit()
    return report.total, expected.total


async def play(
    incremental: App,
    scratch: App,
    seed: int,
    rounds: int,
    start: datetime,
    burst: int = 0,
    steps: list[timedelta] | None = None,
) -> int:
    """Plays `rounds` rounds; returns how many messages were planned in all. Raises
    AssertionError naming the round and the difference when the outboxes differ. With a
    `burst`, the first round makes that many changes and the clock alone moves after:
    every window then has owners to bring in by itself."""
    history = History(random.Random(seed), start)
    planned = 0
    await plan_both(incremental, scratch, history.now)
    for round_no in range(rounds):
        history.now += steps[round_no % len(steps)] if steps else history.rng.choice(STEPS)
        changes = burst if round_no == 0 else history.rng.randrange(0, 6)
        if burst and round_no:
            changes = 0
            await _send_everything(incremental, scratch, history.now)
        for _ in range(changes):
            change = await _a_change(incremental, history)
            for app in (incremental, scratch):
                async with app.database.engine.begin() as connection:
                    await change(connection)
        got, expected = await plan_both(incremental, scratch, history.now)
        planned += expected
        ours, theirs = await outbox_keys(incremental), await outbox_keys(scratch)
        assert got == expected, f"seed {seed}, round {round_no}: {got} planned, {expected} expected"
        assert ours == theirs, (
            f"seed {seed}, round {round_no} at {history.now:%Y-%m-%d %H:%M} after "
            f"{history.log[-6:]}: only incremental {sorted(ours - theirs)[:5]}, "
            f"only from scratch {sorted(theirs - ours)[:5]}"
        )
    return planned


async def _send_everything(incremental: App, scratch: App, now: datetime) -> None:
    """What a sender does: every pending message goes out (the outbox is not watched:
    a survey sent two days ago brings its nudge by the clock alone)."""
    ob = tables.outbox.c
    for app in (incremental, scratch):
        async with app.database.engine.begin() as connection:
            await connection.execute(
                update(tables.outbox)
                .where(ob.status == OutboxStatus.PENDING, ob.due_at <= now)
                .values(status=OutboxStatus.SENT, sent_at=now)
            )


async def _pick(app: App, column: Any, *where: Any) -> Any:
    async with app.database.engine.connect() as connection:
        values = (await connection.execute(select(column).where(*where).order_by(column))).all()
    return [row[0] for row in values]


async def _a_change(app: App, h: History) -> Any:
    """One random change, as a function of a connection (applied to both databases)."""
    rng, now = h.rng, h.now
    o, v, a = tables.owners.c, tables.vehicles.c, tables.accounts.c
    vehicles = await _pick(app, v.id)
    vehicle_id = rng.choice(vehicles)
    async with app.database.engine.connect() as connection:
        row = (
            await connection.execute(
                select(v.owner_id, v.vin, v.delivery_date).where(v.id == vehicle_id)
            )
        ).one()
        dealer = await connection.scalar(select(func.min(tables.dealers.c.code)))
    owner_id = row.owner_id
    today = now.date()
    kind = rng.choice(
        [
            "visit",
            "reading",
            "consent",
            "unreachable",
            "booking",
            "cancel",
            "lot",
            "birthday",
            "delivery",
            "insurance",
            "sent",
            "answer",
            "link",
            "recall",
        ]
    )
    h.log.append(f"{kind} owner {owner_id}")
    serial = h.next()
    statement: Any
    match kind:
        case "visit":
            statement = insert(tables.service_visits).values(
                owner_id=owner_id,
                vehicle_id=vehicle_id,
                dealer_code=dealer,
                visited_on=today - timedelta(days=rng.choice([0, 1, 179, 183, 190, 400])),
                mileage_km=rng.randrange(1000, 90000),
                invoice_minor=100,
                currency="THB",
                services=[],
                source="staff",
                recorded_at=now - timedelta(minutes=rng.choice([0, 30, 90, 200, 1800])),
            )
        case "reading":
            statement = (
                update(tables.vehicles)
                .where(v.id == vehicle_id)
                .values(
                    mileage_km=rng.randrange(1000, 120000),
                    mileage_recorded_on=today - timedelta(days=rng.randrange(0, 5)),
                )
            )
        case "consent":
            column = rng.choice(["consent_marketing", "consent_service"])
            statement = (
                update(tables.owners)
                .where(o.id == owner_id)
                .values({column: rng.choice([True, False])})
            )
        case "unreachable":
            statement = (
                update(tables.accounts)
                .where(a.owner_id == owner_id)
                .values(unreachable_at=rng.choice([None, now]))
            )
        case "booking":
            starts = now + timedelta(hours=rng.choice([1, 3, 20, 25, 30, 60]))
            statement = insert(tables.bookings).values(
                owner_id=owner_id,
                vehicle_id=vehicle_id,
                dealer_code=dealer,
                services=[],
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                bay=1,
                transport="wait",
                notes="",
                status=rng.choice(["requested", "confirmed"]),
                proposed=False,
                request_key=f"hist-{serial}",
                created_at=now,
                updated_at=now,
            )
        case "cancel":
            b = tables.bookings.c
            statement = (
                update(tables.bookings)
                .where(b.owner_id == owner_id, b.status.in_(["requested", "confirmed"]))
                .values(status="cancelled", updated_at=now)
            )
        case "lot":
            expires = now + timedelta(days=rng.choice([5, 29, 31, 45]))
            statement = insert(tables.point_lots).values(
                owner_id=owner_id,
                points=100,
                remaining=100,
                source="history",
                source_id=str(serial),
                rule="test",
                earned_at=now,
                available_at=now,
                expires_at=expires,
                reason="",
                actor="test",
            )
        case "birthday":
            day = today + timedelta(days=rng.randrange(-1, 3))
            statement = (
                update(tables.owners)
                .where(o.id == owner_id)
                .values(birthday=day.replace(year=1980 if day.month != 2 or day.day < 29 else 1984))
            )
        case "delivery":
            years = rng.choice([1, 2, 3, 5, 6])
            day = today + timedelta(days=rng.choice([0, 1, 2, 30, 31, 60, 61]))
            statement = (
                update(tables.vehicles)
                .where(v.id == vehicle_id)
                .values(delivery_date=_years_back(day, years))
            )
        case "insurance":
            statement = (
                update(tables.vehicles)
                .where(v.id == vehicle_id)
                .values(insurance_renewal_on=today + timedelta(days=rng.randrange(0, 40)))
            )
        case "sent":
            ob = tables.outbox.c
            statement = (
                update(tables.outbox)
                .where(ob.owner_id == owner_id, ob.status == OutboxStatus.PENDING)
                .values(status=OutboxStatus.SENT, sent_at=now)
            )
        case "answer":
            sv = tables.service_visits.c
            visits = await _pick(app, sv.id, sv.owner_id == owner_id)
            if not visits:
                return _nothing
            statement = insert(tables.survey_answers).values(
                visit_id=rng.choice(visits),
                owner_id=owner_id,
                dealer_code=dealer,
                score=9,
                comment="",
                answered_at=now,
            )
            sa = tables.survey_answers.c
            answered = await _pick(app, sa.visit_id)
            if set(visits) <= set(answered):
                return _nothing
            free = [visit for visit in visits if visit not in answered]
            statement = statement.values(visit_id=rng.choice(free))
        case "link":
            statement = insert(tables.accounts).values(
                channel="history",
                user_id=serial,
                chat_id=serial,
                owner_id=owner_id,
                language_code="",
                start_payload="",
                first_seen_at=now,
                linked_at=now - timedelta(hours=rng.randrange(0, 50)),
            )
        case _:
            if row.vin is None:
                return _nothing
            statement = insert(tables.vehicle_recalls).values(
                vin=row.vin,
                campaign_code=f"H{serial}",
                title="",
                titles={},
                published_on=today,
                state="open",
                vehicle_id=vehicle_id,
                imported_at=now - timedelta(days=rng.choice([0, 29, 31])),
            )

    async def apply(connection: Any) -> None:
        await connection.execute(statement)

    return apply


async def _nothing(connection: Any) -> None:
    return None


def _years_back(day: Any, years: int) -> Any:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
