"""Owner imports written set-based and row by row give the same database: one mixed
file run by both writers on the demo database (SQLite here, PostgreSQL in tests/pg).

Each writer runs in its own unit of work that is never committed, so both start
from the same demo data; what each leaves is read inside its transaction.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from bench.imports import Contents, contents_in
from bot.app import App
from bot.demo.seed import demo_csv
from bot.domain.owner_import import REQUIRED_COLUMNS
from bot.services.importer import ChunkWriter, ImportReport, plan_owner_import
from bot.services.owner_import_reference import write_row_by_row
from storage import tables
from tests.builders import a_phone
from tests.conftest import NOW

COLUMNS = {name: index for index, name in enumerate(REQUIRED_COLUMNS)}


def _csv(rows: list[list[str]]) -> list[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REQUIRED_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().splitlines(keepends=True)


def mixed_file(app: App) -> list[str]:
    """The demo owners again, with every kind of change, and new owners."""
    demo = list(csv.reader(io.StringIO(demo_csv(app.reference, NOW.date()))))[1:]
    rows = [list(row) for row in demo]
    phone, first, mileage, vin = (COLUMNS[c] for c in ("phone", "first_name", "mileage_km", "vin"))
    rows[0][first] = "Renamed"  # an owner's name changed in the dealer system
    rows[1][mileage] = str(int(rows[1][mileage]) + 5_000)  # a higher reading
    rows[2][mileage] = "10"  # lower than what is stored: the odometer stays
    buyer = rows[4]  # rows[3]'s car sold on to another demo owner
    rows[3] = [*buyer[: COLUMNS["vin"]], *rows[3][vin : COLUMNS["dealer_code"]], buyer[-1]]
    new_buyer = a_phone(rows[5][COLUMNS["market"]])  # rows[5]'s car sold to someone new
    rows[5] = [new_buyer, "Nina", "Newcomer", *rows[5][COLUMNS["language"] :]]
    fresh = a_phone("TH")
    rows += [
        f"{fresh},Kanya,Thongdee,th,TH,1990-05-01,LAUS5AAA1SC700001,S5,2025,2025-01-10,8000,"
        "TH-BKK-01".split(","),
        # the same new owner's second car: another birthday and language on file update her
        f"{fresh},Kanya,Thongdee,en,TH,1990-05-02,LAUE3AAA1SC700002,aurora e3,2025,"
        "2025-06-01,,TH-BKK-01".split(","),
        f"{a_phone('DE')},Jonas,Weber,de-DE,DE,,LAUX7AAA1SC700003,X7,,,,DE-BER-01".split(","),
    ]
    assert rows[0][phone] != rows[4][phone]
    return _csv(rows)


def with_a_bad_row(lines: list[str]) -> list[str]:
    bad = lines[-1].replace(",X7,", ",S9,")  # no such model
    return [*lines, bad]


async def imported_by(
    app: App, lines: list[str], writer: ChunkWriter | None, chunk_rows: int
) -> tuple[tuple[int, ...], list[str], Contents, list[str]]:
    """What the writer reports and leaves, and the owners (by phone) the care planner's
    triggers recorded as changed; then everything is rolled back."""
    async with app.database.uow() as uow:
        session = uow.session  # a storage unit of work's
        changes = tables.care_changes.c
        recorded_before = await session.scalar(select(func.coalesce(func.max(changes.id), 0)))
        plan = plan_owner_import(
            lines, app.reference, now=NOW, chunk_rows=chunk_rows, writer=writer
        )
        report = await plan.apply_all(uow)
        changed = await session.scalars(
            select(tables.owners.c.phone)
            .join(tables.care_changes, changes.owner_id == tables.owners.c.id)
            .where(changes.id > recorded_before)
            .distinct()
            .order_by(tables.owners.c.phone)
        )
        return (
            counts(report),
            [str(e) for e in report.errors],
            await contents_in(uow),
            list(changed),
        )


def counts(report: ImportReport) -> tuple[int, ...]:
    return (
        report.owners_created,
        report.owners_updated,
        report.vehicles_created,
        report.vehicles_updated,
        report.unchanged,
        int(report.applied),
    )


async def both_writers(
    app: App, lines: list[str], chunk_rows: int
) -> tuple[tuple[tuple[int, ...], list[str], Contents, list[str]], ...]:
    fast = await imported_by(app, lines, None, chunk_rows)
    reference = await imported_by(app, lines, write_row_by_row, chunk_rows)
    return fast, reference


async def check_a_mixed_file_gives_the_same_database(app: App) -> None:
    lines = mixed_file(app)
    async with app.database.uow() as uow:
        before = await contents_in(uow)
    for chunk_rows in (4, 5_000):  # one owner's rows in two chunks, and one chunk
        fast, reference = await both_writers(app, lines, chunk_rows)
        assert fast == reference
        (created, updated, vehicles_created, vehicles_updated, unchanged, applied) = fast[0]
        assert (created, updated, vehicles_created, vehicles_updated, applied) == (
            3,  # Nina, Kanya, Jonas
            2,  # the renamed owner; Kanya by her second row
            3,  # Kanya's two cars and Jonas's
            3,  # the higher reading, and the two cars sold on
            1,
        )
        assert unchanged == len(lines) - 1 - 7
        owners, vehicles = fast[2]
        assert len(owners) == len(before[0]) + 3
        assert len(vehicles) == len(before[1]) + 3
        assert owners != before[0]
        assert vehicles != before[1]
        # the new owners, the renamed one's unwatched name aside, and the cars' owners
        assert len(fast[3]) >= 3 + 3


async def check_a_bad_row_means_neither_writes_anything(app: App) -> None:
    lines = with_a_bad_row(mixed_file(app))
    async with app.database.uow() as uow:
        before = await contents_in(uow)
    fast, reference = await both_writers(app, lines, 4)
    assert fast == reference
    assert fast[0] == (0, 0, 0, 0, 0, 0)
    assert fast[1] == [f"line {len(lines)}, model: unknown model 'S9'"]
    assert fast[2] == before
    assert fast[3] == []
