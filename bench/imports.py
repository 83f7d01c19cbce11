"""Owner imports: the set-based writer beside the row-by-row one it replaced.

    .venv/bin/python bench/imports.py [--rows 100000] [--check-rows 2000] [--pg URL]

Run from the repository root. For each database (SQLite in a scratch file; PostgreSQL
in a scratch database on the server at URL, when given), a fresh migrated database
with the demo data gets a generated dealer-management export of ROWS new owners, one
vehicle each, then the same file with every tenth owner renamed and a higher reading
on every third car (updates). Each writer runs on a database of its own: the whole
file is checked (on a machine with more than one core, in parts in worker processes),
then written in chunks of 5,000 rows, each committed, as `ownerbot import owners`
does (without its pauses for the bot). Prints, per step, the time to check the file
and to write it, the total's wall and CPU time (this process's and its workers', not
the database server's; on a busy machine CPU time compares better) and how many
times faster the set-based writer is.

Then both writers import the same two files of CHECK_ROWS rows on two more
databases, and the owners and vehicles tables are compared: they must be identical
(ids aside). Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.scratch_pg import scratch_database  # noqa: E402
from bot.app import App, build_app, prepare_database  # noqa: E402
from bot.clock import FixedClock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.services.import_plan import OWNER_CHUNK_ROWS  # noqa: E402
from bot.services.importer import ChunkWriter, ImportReport, plan_owner_import  # noqa: E402
from bot.services.owner_import_reference import write_row_by_row  # noqa: E402
from storage import tables  # noqa: E402

HEADER = (
    "phone,first_name,last_name,language,market,birthday,vin,model,model_year,"
    "delivery_date,mileage_km,dealer_code\n"
)


def export_lines(rows: int, *, updated: bool = False) -> list[str]:
    """ROWS Thai owners with distinct mobile numbers and VINs (no check digit in TH);
    `updated`: the same owners, every tenth renamed, every third car read higher."""
    lines = [HEADER]
    for n in range(rows):
        name = f"Owner{n}" + ("b" if updated and n % 10 == 0 else "")
        km = 1000 + n % 50_000 + (500 if updated and n % 3 == 0 else 0)
        lines.append(
            f"+6689{n:07d},{name},Family{n % 977},th,TH,1985-03-0{1 + n % 9},"
            f"LAUS5AAA1SC{n:06d},S5,2025,2025-01-10,{km},TH-BKK-01\n"
        )
    return lines


WRITERS: dict[str, ChunkWriter | None] = {
    "set-based": None,  # the importer's own writer
    "row by row": write_row_by_row,
}


@dataclass
class Timing:
    check: float
    write: float
    wall: float
    cpu: float
    report: ImportReport


def cpu_seconds() -> float:
    """This process's CPU time and its finished children's: the workers that check a
    large file (bot/services/parallel.py) count too."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


async def timed_import(app: App, lines: list[str], writer: ChunkWriter | None) -> Timing:
    started, cpu_started = time.perf_counter(), cpu_seconds()
    plan = plan_owner_import(
        lines, app.reference, now=app.clock.now(), chunk_rows=OWNER_CHUNK_ROWS, writer=writer
    )
    checked = time.perf_counter()
    assert plan.accepted, plan.report.errors[:3]
    await plan.apply_in_chunks(app.database.uow, pause=0)
    done = time.perf_counter()
    return Timing(
        checked - started,
        done - checked,
        done - started,
        cpu_seconds() - cpu_started,
        plan.report,
    )


Contents = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]
Database = Callable[[], Awaitable[tuple[App, Callable[[], Awaitable[None]]]]]


async def database_contents(app: App) -> Contents:
    async with app.database.uow() as uow:
        return await contents_in(uow)


async def contents_in(uow: Any) -> Contents:
    """Owners and vehicles as the unit of work sees them, every column but the ids; a
    vehicle names its owner by phone."""
    o, v = tables.owners.c, tables.vehicles.c
    session = uow.session  # a storage unit of work's
    owners = await session.execute(
        select(*(c for c in tables.owners.c if c.name != "id")).order_by(o.phone)
    )
    vehicles = await session.execute(
        select(o.phone, *(c for c in tables.vehicles.c if c.name not in ("id", "owner_id")))
        .join(tables.owners, o.id == v.owner_id)
        .order_by(v.vin)
    )
    return [tuple(r) for r in owners.all()], [tuple(r) for r in vehicles.all()]


def counts(report: ImportReport) -> tuple[int, ...]:
    return (
        report.owners_created,
        report.owners_updated,
        report.vehicles_created,
        report.vehicles_updated,
        report.unchanged,
    )


async def compare_on(name: str, fresh: Database, rows: int) -> None:
    print(f"{name}, {rows:,} rows and their updates:")
    for label, lines in (
        ("new owners", export_lines(rows)),
        ("updates", export_lines(rows, updated=True)),
    ):
        print(f"  {label}:")
        took: dict[str, Timing] = {}
        for writer_name, writer in WRITERS.items():
            app, close = await fresh()
            try:
                if label == "updates":  # the new owners first, untimed
                    await timed_import(app, export_lines(rows), writer)
                t = await timed_import(app, lines, writer)
            finally:
                await close()
            took[writer_name] = t
            print(
                f"    {writer_name:>10}: check {t.check:5.1f} s, write {t.write:5.1f} s, "
                f"total {t.wall:5.1f} s wall, {t.cpu:5.1f} s CPU  {counts(t.report)}"
            )
        fast, slow = took["set-based"], took["row by row"]
        print(
            f"    set-based: {slow.wall / fast.wall:.1f}x faster, "
            f"{slow.cpu / fast.cpu:.1f}x less CPU"
        )


async def check_identical(name: str, fresh: Database, rows: int) -> None:
    contents = []
    reports = []
    for writer in WRITERS.values():
        app, close = await fresh()
        try:
            first = await timed_import(app, export_lines(rows), writer)
            second = await timed_import(app, export_lines(rows, updated=True), writer)
            reports.append((counts(first.report), counts(second.report)))
            contents.append(await database_contents(app))
        finally:
            await close()
    same = contents[0] == contents[1] and reports[0] == reports[1]
    for kind, a, b in zip(("owner", "vehicle"), contents[0], contents[1], strict=True):
        for row_a, row_b in zip(a, b, strict=False):
            if row_a != row_b:
                print(f"  first differing {kind}:\n    {row_a}\n    {row_b}")
                break
    owners, vehicles = contents[0]
    print(
        f"{name}: the two writers leave {'identical' if same else 'DIFFERENT'} owners and "
        f"vehicles tables ({len(owners):,} owners, {len(vehicles):,} vehicles, "
        f"{rows:,} rows imported twice); reports {reports[0]}"
    )
    if not same:
        raise SystemExit(1)


# Every database's clock stands at the same moment: created_at and the readings' days
# compare equal across them.
CLOCK_AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def sqlite_databases(scratch: Path) -> Database:
    count = 0

    async def fresh() -> tuple[App, Callable[[], Awaitable[None]]]:
        nonlocal count
        count += 1
        url = f"sqlite+aiosqlite:///{scratch / f'import{count}.db'}"
        app = build_app(Settings(database_url=url, care_scheduler=False), FixedClock(CLOCK_AT))
        await prepare_database(app, seed_demo_if_empty=True)
        return app, app.close

    return fresh


def pg_databases(server_url: str) -> Database:
    async def fresh() -> tuple[App, Callable[[], Awaitable[None]]]:
        scratch = scratch_database(server_url, "ownerbot_bench_import")
        url = await scratch.__aenter__()
        app = build_app(Settings(database_url=url, care_scheduler=False), FixedClock(CLOCK_AT))
        await prepare_database(app, seed_demo_if_empty=True)

        async def close() -> None:
            await app.close()
            await scratch.__aexit__(None, None, None)

        return app, close

    return fresh


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--check-rows", type=int, default=2_000)
    parser.add_argument("--pg", default="", help="a PostgreSQL server URL (postgresql+asyncpg)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as scratch:
        databases = [("SQLite", sqlite_databases(Path(scratch)))]
        if args.pg:
            databases.append(("PostgreSQL", pg_databases(args.pg)))
        for name, fresh in databases:
            await compare_on(name, fresh, args.rows)
        for name, fresh in databases:
            await check_identical(name, fresh, args.check_rows)


if __name__ == "__main__":
    asyncio.run(main())
