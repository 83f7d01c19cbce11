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

from bot.domain.owner_import import REQUIRED_COLUMNS, OwnerRow, OwnerRowParser, RowError
from bot.domain.owner_merge import give_owner_ids, merge_chunk
from bot.domain.reference import Reference
from bot.services.csv_files import CsvRows
from bot.services.import_plan import OWNER_CHUNK_ROWS, FileReport, ImportPlan, chunked
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
    lines: Iterable[str], reference: Reference, today: date
) -> tuple[list[OwnerRow], ImportReport]:
    report = ImportReport()
    table = CsvRows(lines)
    missing = [c for c in REQUIRED_COLUMNS if c not in table.header]
    if missing:
        report.errors.append(RowError(1, "", f"header lacks columns: {', '.join(missing)}"))
        return [], report
    parser = OwnerRowParser(reference, today)
    valid: list[OwnerRow] = []
    first_line_of_vin: dict[str, int] = {}
    owner_of_phone: dict[str, OwnerRow] = {}
    for line, raw in table:
        report.rows += 1
        if raw is None:
            report.errors.append(RowError(line, "", "wrong number of columns"))
            continue
        parsed = parser.parse(line, raw)
        if isinstance(parsed, list):
            report.errors.extend(parsed)
            continue
        if parsed.vin in first_line_of_vin:
            report.errors.append(
                RowError(line, "vin", f"same VIN as line {first_line_of_vin[parsed.vin]}")
            )
            continue
        earlier = owner_of_phone.get(parsed.phone)
        if earlier and (earlier.first_name, earlier.last_name, earlier.market) != (
            parsed.first_name,
            parsed.last_name,
            parsed.market,
        ):
            report.errors.append(
                RowError(line, "phone", f"same phone as line {earlier.line} but another owner")
            )
            continue
        first_line_of_vin[parsed.vin] = line
        owner_of_phone.setdefault(parsed.phone, parsed)
        valid.append(parsed)
    return valid, report


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
