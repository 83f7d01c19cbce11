"""Ledger throughput and the expiry job, against naive baselines run beside them.

    .venv/bin/python bench/ledger.py [--lots 1000000] [--pg postgresql+asyncpg://...]

Prints, for SQLite (and PostgreSQL when --pg or OWNERBOT_TEST_PG_URL is given):
awards/s and redemptions/s through the ledger service, and the expiry job over N lots
(one set-based statement) against a per-lot Python loop run on a slice of the same
lots, with the ratio of their per-lot rates.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, update

from bench.scratch_pg import scratch_database
from bot.app import App, build_app, prepare_database
from bot.clock import FixedClock
from bot.config import Settings
from bot.domain.loyalty import EntryKind
from bot.services.loyalty import earn, expiry, rewards
from bot.services.loyalty.earn import Award
from storage import tables

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


async def owners(app: App) -> list[tuple[int, str]]:
    async with app.database.uow() as uow:
        rows = (await uow.session.execute(select(tables.owners.c.id, tables.owners.c.market))).all()  # type: ignore[attr-defined]
    return [(row.id, row.market) for row in rows]


async def awards_per_second(app: App, n: int) -> float:
    people = await owners(app)
    started = time.perf_counter()
    for i in range(n):
        owner_id, market = people[i % len(people)]
        async with app.database.uow() as uow:
            await earn.award(
                uow,
                app.reference,
                Award(owner_id, "bench", "bench", f"a{i}", points=200),
                market=market,
                now=NOW,
            )
            await uow.commit()
    return n / (time.perf_counter() - started)


async def redemptions_per_second(app: App, n: int) -> float:
    people = await owners(app)
    started = time.perf_counter()
    for i in range(n):
        owner_id, market = people[i % len(people)]
        async with app.database.uow() as uow:
            owner = await uow.owners.get(owner_id)
            assert owner is not None
            await rewards.redeem(
                uow,
                app.reference.rewards[(market, "coffee")],
                owner=owner,
                request_key=f"r{i}",
                now=NOW,
            )
            await uow.commit()
    return n / (time.perf_counter() - started)


async def load_lots(app: App, count: int) -> None:
    """Bulk-load `count` lots that will have expired by NOW + 1000 days."""
    people = await owners(app)
    batch = 20_000
    earned = NOW - timedelta(days=10)
    async with app.database.engine.begin() as connection:
        for start in range(0, count, batch):
            rows = [
                {
                    "owner_id": people[i % len(people)][0],
                    "points": 100,
                    "remaining": 60,
                    "source": "bulk",
                    "source_id": str(i),
                    "rule": "bench",
                    "earned_at": earned,
                    "available_at": earned,
                    "expires_at": NOW + timedelta(days=1 + i % 700),
                    "reason": "",
                    "actor": "bench",
                }
                for i in range(start, min(start + batch, count))
            ]
            await connection.execute(insert(tables.point_lots), rows)


async def expiry_set_based(app: App) -> tuple[int, float]:
    started = time.perf_counter()
    async with app.database.uow() as uow:
        expired, _ = await expiry.expire(uow, NOW + timedelta(days=1000))
        await uow.commit()
    return expired, time.perf_counter() - started


async def expiry_naive(app: App, limit: int) -> tuple[int, float]:
    """What a loop over lots would do: read each, journal it, zero it."""
    lots = tables.point_lots
    started = time.perf_counter()
    async with app.database.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        ids = (
            (
                await session.execute(
                    select(lots.c.id)
                    .where(lots.c.remaining > 0, lots.c.source == "bulk")
                    .limit(limit)
                )
            )
            .scalars()
            .all()
        )
        for lot_id in ids:
            lot = (await session.execute(select(lots).where(lots.c.id == lot_id))).one()
            await session.execute(
                insert(tables.ledger_entries).values(
                    owner_id=lot.owner_id,
                    kind=EntryKind.EXPIRE.value,
                    points=-lot.remaining,
                    created_at=NOW,
                    source="",
                    source_id="",
                    rule="",
                    lot_id=lot.id,
                    reason="",
                    actor="system",
                )
            )
            await session.execute(update(lots).where(lots.c.id == lot_id).values(remaining=0))
        await uow.commit()
    return len(ids), time.perf_counter() - started


async def run(label: str, url: str, lot_count: int, naive_slice: int) -> None:
    app = build_app(Settings(database_url=url), FixedClock(NOW))
    await prepare_database(app, seed_demo_if_empty=True)
    awards = await awards_per_second(app, 2000)
    redemptions = await redemptions_per_second(app, 1000)
    print(f"[{label}] awards: {awards:,.0f}/s   redemptions: {redemptions:,.0f}/s")
    await load_lots(app, lot_count)
    naive_n, naive_s = await expiry_naive(app, naive_slice)
    # The naive loop zeroed a slice; the set-based job handles the rest, per lot.
    set_n, set_s = await expiry_set_based(app)
    naive_rate, set_rate = naive_n / naive_s, set_n / set_s
    print(
        f"[{label}] expiry of {set_n:,} lots, set-based: {set_s:.2f} s ({set_rate:,.0f} lots/s); "
        f"naive per-lot loop on {naive_n:,} lots: {naive_s:.2f} s ({naive_rate:,.0f} lots/s); "
        f"ratio {set_rate / naive_rate:,.0f}x (naive would need {set_n / naive_rate:,.0f} s)"
    )
    await app.close()


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lots", type=int, default=1_000_000)
    parser.add_argument("--naive", type=int, default=20_000, help="lots for the naive baseline")
    parser.add_argument("--pg", default=os.environ.get("OWNERBOT_TEST_PG_URL", ""))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        await run("sqlite", f"sqlite+aiosqlite:///{folder}/bench.db", args.lots, args.naive)
    if args.pg:
        async with scratch_database(args.pg) as url:
            await run("postgresql", url, args.lots, args.naive)


if __name__ == "__main__":
    asyncio.run(main())
