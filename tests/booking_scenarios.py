"""Booking scenarios run on SQLite (tests/flows) and on PostgreSQL (tests/pg) alike."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text

from bot.app import App
from bot.domain.booking import Booking
from bot.domain.owners import Owner, OwnerSource, Vehicle
from bot.domain.reference import Dealer, OpeningHours, Reference
from bot.domain.slots import Slot, unit_starts
from bot.domain.vin import with_check_digit
from bot.services import booking as booking_service
from bot.services.booking import ALTERNATIVES, BookingRequest, NotBookable, SlotTaken
from storage import tables

RACE_CENTER = "TH-CNX-01"  # 4 bays, 60-minute slots, Asia/Bangkok
RACE_DAY = date(2026, 11, 26)  # a Thursday, a few days after the tests' NOW
RACE_START = datetime(2026, 11, 26, 2, 30, tzinfo=UTC)  # 09:30 in Chiang Mai


async def make_owners(app: App, count: int, *, market: str = "TH", first: int = 0) -> list[int]:
    """Owners with one Aurora S5 each; returns their ids."""
    ids: list[int] = []
    async with app.database.uow() as uow:
        for n in range(first, first + count):
            owner = Owner(
                market=market,
                first_name=f"Racer{n}",
                created_at=app.clock.now(),
                phone=None,
                source=OwnerSource.IMPORT,
            )
            uow.owners.add(owner)
            await uow.flush()
            assert owner.id is not None
            vin = with_check_digit(f"LAUS5AAA0SR{n + 500000:06d}")
            uow.vehicles.add(Vehicle(owner_id=owner.id, model="S5", vin=vin))
            ids.append(owner.id)
        await uow.commit()
    return ids


class MeetAfterReading:
    """Wraps one unit of work's reservations so that its first read waits until every
    racer has read: all of them see the slot free, and the database alone must pick the
    winner. Counts the reservations the database refused."""

    def __init__(self, inner: Any, barrier: asyncio.Barrier, refused: list[int]) -> None:
        self.inner = inner
        self.barrier = barrier
        self.refused = refused
        self.met = False

    async def taken(self, *args: Any, **kwargs: Any) -> set[tuple[int, datetime]]:
        result: set[tuple[int, datetime]] = await self.inner.taken(*args, **kwargs)
        if not self.met:
            self.met = True
            await asyncio.wait_for(self.barrier.wait(), timeout=60)
        return result

    async def reserve(self, *args: Any, **kwargs: Any) -> bool:
        held: bool = await self.inner.reserve(*args, **kwargs)
        if not held:
            self.refused.append(1)
        return held

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def book_for(
    app: App,
    owner_id: int,
    start: datetime,
    *,
    dealer: str = RACE_CENTER,
    services: tuple[str, ...] = ("inspection",),
    key: str | None = None,
    reference: Reference | None = None,
    now: datetime | None = None,
    wrap: Callable[[Any], Any] | None = None,
) -> Booking | SlotTaken:
    """One owner's confirm in its own unit of work, as the chat would do it."""
    async with app.database.uow() as uow:
        if wrap is not None:
            uow.reservations = wrap(uow.reservations)
        owner = await uow.owners.get(owner_id)
        assert owner is not None
        assert owner.id is not None
        vehicle = (await uow.vehicles.of_owner(owner.id))[0]
        assert vehicle.id is not None
        request = BookingRequest(
            owner_id=owner.id,
            vehicle_id=vehicle.id,
            dealer_code=dealer,
            services=services,
            start=start,
            transport="wait",
            request_key=key or f"race-{owner_id}-{start:%Y%m%d%H%M}",
        )
        try:
            booking = await booking_service.book(
                uow,
                reference or app.reference,
                owner,
                request,
                actor=f"test:{owner_id}",
                now=now or app.clock.now(),
            )
        except SlotTaken as taken:
            await uow.commit()
            return taken
        await uow.commit()
        return booking


@dataclass
class RaceResult:
    winners: list[Booking]
    losers: list[SlotTaken]
    held_units: int
    bookings_at_start: int
    refused_by_database: int


async def race_for_the_last_free_slot(
    app: App, racers: int = 20, *, interleave: bool = False
) -> RaceResult:
    """Three bays of the center are taken at 09:30; `racers` owners confirm the last one
    at the same moment, each in its own transaction.

    With `interleave` every racer reads the slot as free before any of them writes, so
    the unique constraint decides (PostgreSQL; SQLite's single writer would deadlock on
    the rendezvous, as it lets only one transaction run at a time)."""
    fillers = await make_owners(app, 3, first=0)
    for owner_id in fillers:
        assert isinstance(await book_for(app, owner_id, RACE_START), Booking)
    contenders = await make_owners(app, racers, first=100)
    barrier = asyncio.Barrier(racers)
    refused: list[int] = []

    def wrap(inner: Any) -> Any:
        return MeetAfterReading(inner, barrier, refused)

    outcomes = await asyncio.gather(
        *(book_for(app, o, RACE_START, wrap=wrap if interleave else None) for o in contenders)
    )
    reservations, bookings = tables.slot_reservations.c, tables.bookings.c
    async with app.database.engine.connect() as connection:
        held = (
            await connection.execute(
                select(func.count()).where(
                    reservations.dealer_code == RACE_CENTER, reservations.unit_start == RACE_START
                )
            )
        ).scalar_one()
        booked = (
            await connection.execute(
                select(func.count()).where(
                    bookings.dealer_code == RACE_CENTER, bookings.starts_at == RACE_START
                )
            )
        ).scalar_one()
    return RaceResult(
        winners=[o for o in outcomes if isinstance(o, Booking)],
        losers=[o for o in outcomes if isinstance(o, SlotTaken)],
        held_units=int(held),
        bookings_at_start=int(booked),
        refused_by_database=len(refused),
    )


def check_race(result: RaceResult, racers: int = 20) -> None:
    assert len(result.winners) == 1
    assert len(result.losers) == racers - 1
    assert result.held_units == 4  # one unit per bay, no more
    assert result.bookings_at_start == 4
    for loser in result.losers:
        assert len(loser.alternatives) == ALTERNATIVES, "the losers are offered other times"
        assert all(slot.start != RACE_START for slot in loser.alternatives)
        gaps = [abs(slot.start - RACE_START) for slot in loser.alternatives]
        assert min(gaps) <= timedelta(hours=1), "the nearest free time comes first"


# --- daylight saving on the database ---------------------------------------------------------


def london_24h(app: App) -> tuple[Reference, Dealer]:
    """A London center open around the clock, so the night's clock change is in its hours."""
    london = app.reference.dealers["GB-LON-01"]
    dealer = replace(
        london,
        code="GB-24H-01",
        name="Aurora 24h London",
        hours={d: OpeningHours(time(0, 0), time(23, 59)) for d in range(7)},
        holidays=(),
        bays=1,
        slot_minutes=60,
        staff_chat_id=None,
    )
    return replace(app.reference, dealers={**app.reference.dealers, dealer.code: dealer}), dealer


async def dst_slots_on_the_database(app: App) -> None:
    reference, dealer = london_24h(app)
    async with app.database.uow() as uow:
        await uow.dealers.sync([dealer])
        await uow.commit()
    [owner_id] = await make_owners(app, 1, market="GB", first=900)
    zone = ZoneInfo("Europe/London")

    # Autumn: 01:00-02:00 happens twice; one slot, held once.
    autumn_now = datetime(2027, 10, 25, 0, 0, tzinfo=UTC)
    day = date(2027, 10, 31)
    async with app.database.uow() as uow:
        free = await booking_service.free_slots(uow, dealer, day, 60, autumn_now, window=60)
    labels = [s.start.astimezone(zone).strftime("%H:%M") for s in free]
    assert labels.count("01:00") == 1
    assert len(labels) == len(set(labels))
    first_one = datetime(2027, 10, 31, 0, 0, tzinfo=UTC)  # 01:00 BST
    second_one = datetime(2027, 10, 31, 1, 0, tzinfo=UTC)  # 01:00 GMT, the repeat
    assert first_one in {s.start for s in free}
    assert second_one not in {s.start for s in free}
    booked = await book_for(
        app, owner_id, first_one, dealer=dealer.code, reference=reference, now=autumn_now
    )
    assert isinstance(booked, Booking)
    try:
        await book_for(
            app,
            owner_id,
            second_one,
            dealer=dealer.code,
            reference=reference,
            now=autumn_now,
            key="repeat",
        )
    except NotBookable:
        pass
    else:
        raise AssertionError("the repeated 01:00 is not a second slot")
    async with app.database.uow() as uow:
        free_after = await booking_service.free_slots(uow, dealer, day, 60, autumn_now, window=60)
        held = await uow.reservations.held_by(booked.id or 0)
    assert first_one not in {s.start for s in free_after}
    assert held == [(1, first_one)]

    # Spring: 01:00-02:00 never happens; no slot there, and the day has one hour less.
    spring_now = datetime(2027, 3, 20, 0, 0, tzinfo=UTC)
    async with app.database.uow() as uow:
        spring = await booking_service.free_slots(
            uow, dealer, date(2027, 3, 28), 60, spring_now, window=60
        )
    spring_labels = [s.start.astimezone(zone).strftime("%H:%M") for s in spring]
    assert not [x for x in spring_labels if x.startswith("01:")]
    assert len(spring_labels) == len(unit_starts(dealer, date(2027, 3, 27))) - 1


# --- random bookings against the invariants --------------------------------------------------


async def random_bookings_never_overlap(app: App, seed: int, bookings: int = 60) -> None:
    """Book, move and cancel at random; then no bay ever holds two open bookings at once,
    and every slot offered is free on the bays it names."""
    rng = random.Random(seed)
    dealer = app.reference.dealers[RACE_CENTER]
    owners = await make_owners(app, 12, first=2000 + seed * 50)
    now = app.clock.now()
    days = [RACE_DAY + timedelta(days=d) for d in range(4)]
    services = [("inspection",), ("maintenance",), ("brakes", "tyres"), ("aircon",)]
    made: list[int] = []
    for n in range(bookings):
        chosen = rng.choice(services)
        minutes = app.reference.catalog.duration(chosen, "S5")
        async with app.database.uow() as uow:
            free = await booking_service.free_slots(
                uow, dealer, rng.choice(days), minutes, now, window=60
            )
        if not free:
            continue
        slot: Slot = rng.choice(free)
        outcome = await book_for(
            app, rng.choice(owners), slot.start, services=chosen, key=f"rnd-{seed}-{n}"
        )
        if isinstance(outcome, Booking) and outcome.id is not None:
            made.append(outcome.id)
        if made and rng.random() < 0.25:
            victim = rng.choice(made)
            async with app.database.uow() as uow:
                booking = await uow.bookings.get(victim)
                assert booking is not None
                if booking.is_open and rng.random() < 0.5:
                    await booking_service.cancel(uow, booking, actor="t", reason="", now=now)
                elif booking.is_open:
                    others = await booking_service.alternatives(
                        uow,
                        dealer,
                        booking.starts_at + timedelta(hours=rng.randint(-30, 30)),
                        app.reference.catalog.duration(booking.services, "S5"),
                        now,
                        window=60,
                        ignore_booking=booking.id,
                    )
                    if others:
                        await booking_service.reschedule(
                            uow, app.reference, booking, others[0].start, actor="t", now=now
                        )
                await uow.commit()
    async with app.database.engine.connect() as connection:
        overlaps = (
            await connection.execute(
                text(
                    "SELECT count(*) FROM bookings a JOIN bookings b "
                    "ON a.dealer_code = b.dealer_code AND a.bay = b.bay AND a.id < b.id "
                    "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at "
                    "WHERE a.status IN ('requested', 'confirmed') "
                    "AND b.status IN ('requested', 'confirmed')"
                )
            )
        ).scalar_one()
        orphans = (
            await connection.execute(
                text(
                    "SELECT count(*) FROM slot_reservations r JOIN bookings b "
                    "ON b.id = r.booking_id WHERE b.status = 'cancelled'"
                )
            )
        ).scalar_one()
    assert overlaps == 0
    assert orphans == 0, "a cancelled booking gives its units back"
    async with app.database.uow() as uow:
        for day in days:
            start = datetime.combine(day, time(0), tzinfo=ZoneInfo(dealer.timezone))
            taken = await uow.reservations.taken(
                dealer.code, start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)
            )
            for minutes in (60, 120):
                for slot in await booking_service.free_slots(
                    uow, dealer, day, minutes, now, window=60
                ):
                    for bay in slot.free_bays:
                        assert not any((bay, unit) in taken for unit in slot.units)
