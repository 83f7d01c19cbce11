"""`ownerbot import owners FILE.csv`: owners and vehicles from a dealer-management export.

All or nothing by default: one bad row and nothing changes (the report lists every bad
row by line). With `skip_invalid` the good rows go in. Re-importing the same file
changes nothing: owners are matched by phone, vehicles by VIN, and only differences are
written. The export is the source of truth for a vehicle's owner, so a car sold on to
another owner moves to them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from bot.domain.owner_import import REQUIRED_COLUMNS, OwnerRow, OwnerRowParser, RowError
from bot.domain.owner_merge import give_owner_ids, merge_chunk
from bot.domain.reference import Reference
from bot.services.csv_files import CsvRows, clean_row
from bot.services.import_plan import OWNER_CHUNK_ROWS, FileReport, ImportPlan, chunked
from bot.services.parallel import map_in_parts
from bot.services.ports import UnitOfWork


@dataclass
class ImportReport(FileReport):
    owners_created: int = 0
    owners_updated: int = 0
    vehicles_created: int = 0
    vehicles_updated: int = 0
    unchanged: int = 0

    @property
    def valid_rows(self) -> int:
        return self.rows - len({e.line for e in self.errors})


# Writes one chunk of checked rows in the unit of work, counting into the report.
ChunkWriter = Callable[[UnitOfWork, Sequence[OwnerRow], ImportReport, datetime], Awaitable[None]]


def validate_file(
    lines: Iterable[str], reference: Reference, today: date, *, processes: int | None = None
) -> tuple[list[OwnerRow], ImportReport]:
    """Every row checked on its own (a large file in several processes, `processes` at
    most: bot/services/parallel.py), then across rows in file order here: a VIN or a
    phone seen before."""
    report = ImportReport()
    table = CsvRows(lines)
    missing = [c for c in REQUIRED_COLUMNS if c not in table.header]
    if missing:
        report.errors.append(RowError(1, "", f"header lacks columns: {', '.join(missing)}"))
        return [], report
    records = list(table.records())
    parsed = map_in_parts(
        partial(parse_records, table.header, reference, today), records, processes=processes
    )
    valid: list[OwnerRow] = []
    first_line_of_vin: dict[str, int] = {}
    owner_of_phone: dict[str, OwnerRow] = {}
    for (line, _), row in zip(records, parsed, strict=True):
        report.rows += 1
        if row is None:
            report.errors.append(RowError(line, "", "wrong number of columns"))
            continue
        if isinstance(row, list):
            report.errors.extend(row)
            continue
        if row.vin in first_line_of_vin:
            report.errors.append(
                RowError(line, "vin", f"same VIN as line {first_line_of_vin[row.vin]}")
            )
            continue
        earlier = owner_of_phone.get(row.phone)
        if earlier and (earlier.first_name, earlier.last_name, earlier.market) != (
            row.first_name,
            row.last_name,
            row.market,
        ):
            report.errors.append(
                RowError(line, "phone", f"same phone as line {earlier.line} but another owner")
            )
            continue
        first_line_of_vin[row.vin] = line
        owner_of_phone.setdefault(row.phone, row)
        valid.append(row)
    return valid, report


def parse_records(
    header: Sequence[str],
    reference: Reference,
    today: date,
    records: Sequence[tuple[int, list[str] | None]],
) -> list[OwnerRow | list[RowError] | None]:
    """Each record parsed on its own: the row, its errors, or None for a wrong number
    of cells. Runs in a worker process for part of a large file."""
    parser = OwnerRowParser(reference, today)
    return [
        None if cells is None else parser.parse(line, clean_row(header, cells))
        for line, cells in records
    ]


def plan_owner_import(
    lines: Iterable[str],
    reference: Reference,
    *,
    now: datetime,
    skip_invalid: bool = False,
    chunk_rows: int = OWNER_CHUNK_ROWS,
    writer: ChunkWriter | None = None,
) -> ImportPlan[ImportReport, Sequence[OwnerRow]]:
    """Check the whole file; the plan writes it in chunks of `chunk_rows` rows, with
    `writer` (the set-based `write_chunk` unless a benchmark or test says otherwise)."""
    writer = writer or write_chunk
    rows, report = validate_file(lines, reference, now.date())
    accepted = skip_invalid or not report.errors

    async def apply(uow: UnitOfWork, chunk: Sequence[OwnerRow]) -> None:
        await writer(uow, chunk, report, now)

    return ImportPlan(report, chunked(rows, chunk_rows) if accepted else [], apply, accepted)


async def import_owners(
    uow: UnitOfWork,
    lines: Iterable[str],
    reference: Reference,
    *,
    now: datetime,
    skip_invalid: bool = False,
) -> ImportReport:
    """The whole file in the caller's unit of work (the caller commits)."""
    plan = plan_owner_import(lines, reference, now=now, skip_invalid=skip_invalid)
    return await plan.apply_all(uow)


async def write_chunk(
    uow: UnitOfWork, rows: Sequence[OwnerRow], report: ImportReport, now: datetime
) -> None:
    """One chunk, set-based: read what is stored for its phones and VINs, merge the rows
    (bot/domain/owner_merge.py), write the differences with a statement a kind."""
    store = uow.owner_imports
    owners = await store.owners_by_phones({r.phone for r in rows})
    vehicles = await store.vehicles_by_vins({r.vin for r in rows})
    changes = merge_chunk(rows, owners, vehicles, now.date())
    await store.add_owners(changes.new_owners, now)
    give_owner_ids(
        [*changes.new_vehicles, *changes.changed_vehicles.values()],
        {o.phone: o.id for o in changes.new_owners if o.id is not None},
    )
    await store.change_owners(list(changes.changed_owners.values()))
    await store.add_vehicles(changes.new_vehicles)
    await store.change_vehicles(list(changes.changed_vehicles.values()))
    report.owners_created += changes.owners_created
    report.owners_updated += changes.owners_updated
    report.vehicles_created += changes.vehicles_created
    report.vehicles_updated += changes.vehicles_updated
    report.unchanged += changes.unchanged
