"""Care planning at scale, and the sender's rate against Telegram's limit.

    .venv/bin/python bench/care.py [--owners 1000000] [--pg postgresql+asyncpg://...]
                                   [--send 600] [--latency-ms 40]

Planning: N synthetic owners (with vehicles and linked chats) are planned by the real
planner: a first run, a steady-state run ten minutes later, a run after 1% of owners
changed, the same from scratch (every statement over every owner), and a run the next
day. Beside it, a naive planner that loops over owners in Python runs on a slice.
Prints times, peak memory of this process, and the ratios.

Sending: M due messages go through the real sender and aiogram port to the fake Bot
API server, which adds latency to every call. Prints the achieved rate against the
configured limit (30/s) and checks that nothing was delivered twice.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text, update

from bench.scratch_pg import scratch_database
from bot.app import App, build_app, planner_connections, prepare_database
from bot.clock import FixedClock
from bot.config import Settings
from bot.domain.care import CATEGORY_OF, OutboxStatus, Rule
from bot.services import care, care_increment
from storage import tables

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
MARKETS = ["TH", "AE", "SA", "BR", "MX", "KZ", "GB", "ID", "TR", "DE", "MY"]
MODELS = ["S5", "X7", "E3", "T9"]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def load_owners(app: App, count: int) -> None:
    """Owners, one vehicle each, a linked chat each; birthdays and deliveries spread
    over the years so every rule has some work."""
    rng = random.Random(7)
    batch = 20_000
    start_id = 1000
    async with app.database.engine.begin() as connection:
        for first in range(0, count, batch):
            ids = range(start_id + first, start_id + min(first + batch, count))
            owners, vehicles, accounts = [], [], []
            for owner_id in ids:
                delivered = date(2016, 1, 1) + timedelta(days=rng.randrange(0, 3950))
                owners.append(
                    {
                        "id": owner_id,
                        "market": MARKETS[owner_id % len(MARKETS)],
                        "first_name": "Bench",
                        "last_name": "",
                        "phone": f"+1999{owner_id:09d}",
                        "birthday": date(1960, 1, 1) + timedelta(days=rng.randrange(0, 16000)),
                        "consent_service": True,
                        "consent_marketing": owner_id % 3 != 0,
                        "send_from_hour": 9,
                        "send_until_hour": 20,
                        "source": "import",  # OwnerSource.IMPORT, as a dealer export
                        "created_at": NOW,
                    }
                )
                vehicles.append(
                    {
                        "owner_id": owner_id,
                        "vin": f"BEN{owner_id:014d}",
                        "model": MODELS[owner_id % len(MODELS)],
                        "delivery_date": delivered,
                        "insurance_renewal_on": NOW.date() + timedelta(days=rng.randrange(0, 365)),
                    }
                )
                accounts.append(
                    {
                        "channel": "bench",
                        "user_id": owner_id,
                        "chat_id": owner_id,
                        "owner_id": owner_id,
                        "language_code": "",
                        "start_payload": "",
                        "first_seen_at": NOW,
                        "linked_at": NOW - timedelta(days=rng.randrange(0, 60)),
                    }
                )
            await connection.execute(insert(tables.owners), owners)
            await connection.execute(insert(tables.vehicles), vehicles)
            await connection.execute(insert(tables.accounts), accounts)
    # Fresh statistics, as autovacuum (PostgreSQL) or a nightly ANALYZE (SQLite) keeps them.
    async with app.database.engine.connect() as connection:
        conn = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("ANALYZE"))


async def plan_set_based(app: App) -> tuple[int, float]:
    started = time.perf_counter()
    async with app.database.uow() as uow:
        report = await care.plan(uow, app.reference, NOW)
        await uow.commit()
    return report.total, time.perf_counter() - started


async def plan_naive(app: App, limit: int) -> tuple[int, float]:
    """The loop the design forbids: fetch each owner and vehicle, decide in Python,
    insert each row. Only insurance renewals and birthdays, on a slice of owners."""
    started = time.perf_counter()
    queued = 0
    today = NOW.date()
    async with app.database.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        owner_ids = (
            (
                await session.execute(
                    select(tables.owners.c.id)
                    .where(tables.owners.c.source == "import")
                    .limit(limit)
                )
            )
            .scalars()
            .all()
        )
        for owner_id in owner_ids:
            owner = (
                await session.execute(select(tables.owners).where(tables.owners.c.id == owner_id))
            ).one()
            vehicle = (
                await session.execute(
                    select(tables.vehicles).where(tables.vehicles.c.owner_id == owner_id)
                )
            ).first()
            due = []
            if owner.birthday and owner.birthday.strftime("%m-%d") == today.strftime("%m-%d"):
                due.append((Rule.BIRTHDAY, str(today.year)))
            if (
                vehicle
                and vehicle.insurance_renewal_on
                and 0 < (vehicle.insurance_renewal_on - today).days <= 30
            ):
                due.append((Rule.INSURANCE_RENEWAL, f"naive-{vehicle.id}"))
            for rule, occurrence in due:
                exists = (
                    await session.execute(
                        select(tables.outbox.c.id).where(
                            tables.outbox.c.owner_id == owner_id,
                            tables.outbox.c.rule == rule.value,
                            tables.outbox.c.occurrence == occurrence,
                        )
                    )
                ).first()
                if exists is None:
                    await session.execute(
                        insert(tables.outbox).values(
                            owner_id=owner_id,
                            rule=rule.value,
                            occurrence=occurrence,
                            category=CATEGORY_OF[rule].value,
                            due_at=NOW,
                            payload={},
                            status=OutboxStatus.PENDING.value,
                            attempts=0,
                            last_error="",
                            created_at=NOW,
                        )
                    )
                    queued += 1
        await uow.rollback()
    return len(owner_ids), time.perf_counter() - started


async def plan_incremental(app: App, at: datetime) -> tuple[int, float]:
    started = time.perf_counter()
    report = await care_increment.plan_changes(
        app.database.uow, app.reference, at, connections=planner_connections(app)
    )
    return report.total, time.perf_counter() - started


async def change_owners(app: App, share: int) -> int:
    """One owner in `share` reports an odometer reading and turns marketing consent
    around: what a day of the bot's use, or a dealer export, changes."""
    v, o = tables.vehicles.c, tables.owners.c
    async with app.database.engine.begin() as connection:
        changed = await connection.execute(
            update(tables.vehicles)
            .where(v.owner_id % share == 0)
            .values(mileage_km=v.mileage_km + 1500, mileage_recorded_on=NOW.date())
        )
        await connection.execute(
            update(tables.owners)
            .where(o.id % share == 0)
            .values(consent_marketing=~o.consent_marketing)
        )
    return int(changed.rowcount or 0)


async def bench_planning(label: str, url: str, owners: int, naive_slice: int) -> None:
    app = build_app(Settings(database_url=url, seed_demo_if_empty=False), FixedClock(NOW))
    await prepare_database(app)
    loaded = time.perf_counter()
    await load_owners(app, owners)
    print(f"[{label}] loaded {owners:,} owners in {time.perf_counter() - loaded:.1f} s")
    naive_n, naive_s = await plan_naive(app, naive_slice)
    rss_before = peak_rss_mb()
    planned, seconds = await plan_incremental(app, NOW)
    steady, steady_s = await plan_incremental(app, NOW + timedelta(minutes=10))
    changed = await change_owners(app, 100)
    after, after_s = await plan_incremental(app, NOW + timedelta(minutes=20))
    scratch, scratch_s = await plan_set_based(app)
    next_day, next_day_s = await plan_incremental(app, NOW + timedelta(hours=24))
    naive_rate, set_rate = naive_n / naive_s, owners / seconds
    print(
        f"[{label}] first plan of {owners:,} owners: {seconds:.1f} s ({set_rate:,.0f} owners/s), "
        f"{planned:,} messages queued; peak RSS {max(peak_rss_mb(), rss_before):,.0f} MB"
    )
    print(
        f"[{label}] steady state (10 min later, nothing changed): {steady_s:.2f} s, "
        f"{steady} queued; after {changed:,} owners changed (1%): {after_s:.2f} s, "
        f"{after:,} queued; the next day: {next_day_s:.2f} s, {next_day:,} queued"
    )
    print(
        f"[{label}] the same run from scratch (every statement over every owner): "
        f"{scratch_s:.1f} s, {scratch} queued; steady state is {scratch_s / steady_s:,.0f}x "
        f"faster, the 1% run {scratch_s / after_s:,.1f}x"
    )
    print(
        f"[{label}] naive per-owner loop on {naive_n:,} owners: {naive_s:.1f} s "
        f"({naive_rate:,.0f} owners/s, two rules only); ratio {set_rate / naive_rate:,.1f}x"
    )
    print(f"[{label}] database size with {owners:,} owners: {await database_mb(app):,.0f} MB")
    await app.close()


async def database_mb(app: App) -> float:
    """The database's size on disk (for the deployment guide's sizing)."""
    async with app.database.engine.connect() as connection:
        if app.database.engine.dialect.name == "postgresql":
            size = await connection.scalar(text("SELECT pg_database_size(current_database())"))
        else:
            pages = await connection.scalar(text("PRAGMA page_count"))
            size = pages * await connection.scalar(text("PRAGMA page_size"))
    return float(size or 0) / 1_000_000


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--owners", type=int, default=1_000_000)
    parser.add_argument("--naive", type=int, default=20_000)
    parser.add_argument("--pg", default=os.environ.get("OWNERBOT_TEST_PG_URL", ""))
    parser.add_argument("--send", type=int, default=600, help="messages for the sender benchmark")
    parser.add_argument("--latency-ms", type=int, default=40)
    parser.add_argument("--skip-planning", action="store_true")
    args = parser.parse_args()
    if not args.skip_planning:
        with tempfile.TemporaryDirectory() as folder:
            await bench_planning(
                "sqlite", f"sqlite+aiosqlite:///{folder}/care.db", args.owners, args.naive
            )
        if args.pg:
            async with scratch_database(args.pg) as url:
                await bench_planning("postgresql", url, args.owners, args.naive)
    if args.send:
        from bench.care_send import bench_sending

        with tempfile.TemporaryDirectory() as folder:
            await bench_sending(f"sqlite+aiosqlite:///{folder}/send.db", args.send, args.latency_ms)


if __name__ == "__main__":
    asyncio.run(main())
