"""Free-slot search and booking throughput.

1. Free slots of a center with 10 bays over 60 days holding 5,000 bookings: the
   set-based search (one indexed range query on the reserved units, then the pure slot
   rules) against a naive scan that loads every booking of the center and checks each
   candidate slot against each of them, run beside it on the same database.
2. Booking throughput with contention: many owners booking the same few days at once,
   through the booking service, on SQLite and (when a server answers) PostgreSQL.

    .venv/bin/python bench/slots.py [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/test]

Prints figures; asserts nothing about time (timing goals live in bench/, not in tests).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text

from bench.scratch_pg import scratch_database
from bot.app import App, build_app, prepare_database
from bot.clock import FixedClock
from bot.config import Settings
from bot.domain.booking import Booking
from bot.domain.slots import MIN_LEAD, booking_horizon, day_slots, unit_starts
from bot.domain.vin import with_check_digit
from bot.services import booking as booking_service
from bot.services.booking import BookingRequest, SlotTaken
from storage import tables

CENTER = "AE-DXB-01"  # 10 bays, 60-minute slots
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
DAYS = 60
EXISTING = 5_000
OWNERS = 200
SEARCH_RUNS = 5


async def _owners(app: App, count: int, tag: str) -> list[tuple[int, int]]:
    """(owner id, vehicle id) pairs, inserted in bulk; `tag` names this batch."""
    serial = {"search": 700000, "race": 800000}[tag]
    async with app.database.engine.begin() as connection:
        owner_rows = [
            {
                "market": "AE",
                "first_name": f"{tag}{n}",
                "last_name": "",
                "phone": None,
                "send_from_hour": 9,
                "send_until_hour": 20,
                "source": "import",
                "created_at": NOW,
            }
            for n in range(count)
        ]
        await connection.execute(insert(tables.owners), owner_rows)
        ids = list(
            (
                await connection.execute(
                    select(tables.owners.c.id)
                    .where(tables.owners.c.first_name.like(f"{tag}%"))
                    .order_by(tables.owners.c.id)
                )
            ).scalars()
        )
        vehicle_rows = [
            {
                "owner_id": owner_id,
                "vin": with_check_digit(f"LAUS5AAA0SB{n + serial:06d}"),
                "model": "S5",
            }
            for n, owner_id in enumerate(ids)
        ]
        await connection.execute(insert(tables.vehicles), vehicle_rows)
        vehicles = (
            await connection.execute(
                select(tables.vehicles.c.owner_id, tables.vehicles.c.id).where(
                    tables.vehicles.c.owner_id.in_(ids)
                )
            )
        ).all()
    return [(int(o), int(v)) for o, v in vehicles]


async def _fill(app: App, people: list[tuple[int, int]], count: int) -> None:
    """`count` one-hour bookings on random free (bay, unit) pairs of the next 60 days."""
    dealer = app.reference.dealers[CENTER]
    first, _last = booking_horizon(dealer, NOW, DAYS)
    units = [
        (bay, unit)
        for offset in range(1, DAYS)
        for unit in unit_starts(dealer, first + timedelta(days=offset))
        for bay in range(1, dealer.bays + 1)
    ]
    rng = random.Random(5)
    chosen = rng.sample(units, min(count, len(units)))
    booking_rows, unit_rows = [], []
    for n, (bay, unit) in enumerate(chosen, start=1):
        owner_id, vehicle_id = people[n % len(people)]
        booking_rows.append(
            {
                "id": 1_000_000 + n,
                "owner_id": owner_id,
                "vehicle_id": vehicle_id,
                "dealer_code": CENTER,
                "services": ["inspection"],
                "starts_at": unit,
                "ends_at": unit + timedelta(hours=1),
                "bay": bay,
                "transport": "wait",
                "notes": "",
                "status": "confirmed",
                "proposed": False,
                "request_key": f"bench-{n}",
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        unit_rows.append(
            {"dealer_code": CENTER, "bay": bay, "unit_start": unit, "booking_id": 1_000_000 + n}
        )
    async with app.database.engine.begin() as connection:
        for start in range(0, len(booking_rows), 1000):
            await connection.execute(insert(tables.bookings), booking_rows[start : start + 1000])
            await connection.execute(
                insert(tables.slot_reservations), unit_rows[start : start + 1000]
            )


async def set_based_search(app: App) -> dict[date, list[datetime]]:
    dealer = app.reference.dealers[CENTER]
    first, last = booking_horizon(dealer, NOW, DAYS)
    async with app.database.uow() as uow:
        found = await booking_service.slots_between(uow, dealer, first, last, 60, NOW)
    return {day: [s.start for s in slots] for day, slots in found.items()}


async def naive_scan(app: App) -> dict[date, list[datetime]]:
    """What a first version would do: every booking of the center, checked against
    every candidate slot and bay."""
    dealer = app.reference.dealers[CENTER]
    first, last = booking_horizon(dealer, NOW, DAYS)
    async with app.database.uow() as uow:
        result = await uow.session.execute(  # type: ignore[attr-defined]
            select(Booking).where(tables.bookings.c.dealer_code == CENTER)
        )
        bookings = [b for b in result.scalars() if b.status in ("requested", "confirmed")]
    found: dict[date, list[datetime]] = {}
    day = first
    while day <= last:
        starts = []
        for unit in day_slots(dealer, day, 60, set(), not_before=NOW + MIN_LEAD):
            end = unit.start + timedelta(hours=1)
            for bay in range(1, dealer.bays + 1):
                if not any(
                    b.bay == bay and b.starts_at < end and unit.start < b.ends_at for b in bookings
                ):
                    starts.append(unit.start)
                    break
        if starts:
            found[day] = starts
        day += timedelta(days=1)
    return found


async def _timed(work, runs: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


async def search_benchmark(app: App) -> None:
    people = await _owners(app, OWNERS, "search")
    await _fill(app, people, EXISTING)
    fast, fast_result = await _timed(lambda: set_based_search(app), SEARCH_RUNS)
    slow, slow_result = await _timed(lambda: naive_scan(app), 2)
    assert fast_result == slow_result, "both searches must find the same free slots"
    free = sum(len(v) for v in fast_result.values())  # type: ignore[union-attr]
    print(f"  free-slot search, {DAYS} days, 10 bays, {EXISTING:,} bookings ({free:,} free starts)")
    print(f"    set-based (range query + slot rules): {fast * 1000:8.1f} ms")
    print(f"    naive scan of every booking:          {slow * 1000:8.1f} ms")
    print(f"    ratio: the set-based search is {slow / fast:,.0f}x faster")


async def throughput_benchmark(app: App, workers: int = 40, attempts: int = 15) -> None:
    """`workers` owners at once, each trying `attempts` times to book one of the free
    slots of the same three days (they collide on purpose)."""
    dealer = app.reference.dealers[CENTER]
    people = await _owners(app, workers, "race")
    hot_days = [
        d for d in (NOW.date() + timedelta(days=n) for n in range(2, 9)) if unit_starts(dealer, d)
    ][:3]
    booked = taken = 0
    rng = random.Random(11)

    async def worker(owner_id: int, vehicle_id: int) -> None:
        nonlocal booked, taken
        for attempt in range(attempts):
            day = rng.choice(hot_days)
            async with app.database.uow() as uow:
                free = await booking_service.free_slots(uow, dealer, day, 60, NOW, window=60)
            if not free:
                continue
            slot = rng.choice(free[:4])  # everybody wants the morning
            async with app.database.uow() as uow:
                owner = await uow.owners.get(owner_id)
                assert owner is not None
                try:
                    await booking_service.book(
                        uow,
                        app.reference,
                        owner,
                        BookingRequest(
                            owner_id=owner_id,
                            vehicle_id=vehicle_id,
                            dealer_code=CENTER,
                            services=("inspection",),
                            start=slot.start,
                            transport="wait",
                            request_key=f"t-{owner_id}-{attempt}-{secrets.token_hex(3)}",
                        ),
                        actor="bench",
                        now=NOW,
                    )
                    booked += 1
                except SlotTaken:
                    taken += 1
                await uow.commit()

    started = time.perf_counter()
    await asyncio.gather(*(worker(o, v) for o, v in people))
    elapsed = time.perf_counter() - started
    async with app.database.engine.connect() as connection:
        overlaps = (
            await connection.execute(
                text(
                    "SELECT count(*) FROM slot_reservations a JOIN slot_reservations b "
                    "ON a.dealer_code = b.dealer_code AND a.bay = b.bay "
                    "AND a.unit_start = b.unit_start AND a.id < b.id"
                )
            )
        ).scalar_one()
    print(
        f"  {workers} owners x {attempts} attempts on {len(hot_days)} busy days: "
        f"{booked} booked, {taken} lost a race and got alternatives, "
        f"{(booked + taken) / elapsed:,.0f} confirms/s ({booked / elapsed:,.0f} bookings/s), "
        f"double bookings: {overlaps}"
    )


async def _with_app(url: str, work) -> None:  # type: ignore[no-untyped-def]
    app = build_app(Settings(database_url=url, seed_demo_if_empty=False), FixedClock(NOW))
    try:
        await prepare_database(app)
        await work(app)
    finally:
        await app.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("OWNERBOT_TEST_PG_URL", ""))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite")
        await _with_app(f"sqlite+aiosqlite:///{tmp}/search.db", search_benchmark)
        await _with_app(f"sqlite+aiosqlite:///{tmp}/race.db", throughput_benchmark)
    if not args.pg:
        print("PostgreSQL: skipped (pass --pg URL or set OWNERBOT_TEST_PG_URL)")
        return
    print("PostgreSQL")
    for work in (search_benchmark, throughput_benchmark):
        try:
            async with scratch_database(args.pg) as url:
                await _with_app(url, work)
        except OSError as error:
            print(f"  skipped ({error})")
            return


if __name__ == "__main__":
    asyncio.run(main())
