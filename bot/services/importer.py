"""`ownerbot import owners FILE.csv`: owners and vehicles from a dealer-management export.

All or nothing by default: one bad row and nothing changes (the report lists every bad
row by line). With `skip_invalid` the good rows go in. Re-importing the same file
changes nothing: owners are matched by phone, vehicles by VIN, and only differences are
written. The export is the source of truth for a vehicle's owner, so a car sold on to
another owner moves to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.odometer import record_dealer_reading
from bot.domain.owner_import import REQUIRED_COLUMNS, OwnerRow, RowError, parse_owner_row
from bot.domain.owners import Owner, OwnerSource, Vehicle
from bot.domain.reference import Reference
from bot.services.csv_files import CsvRows
from bot.services.import_plan import CHUNK_ROWS, FileReport, ImportPlan, chunked
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


def validate_file(
    lines: Iterable[str], reference: Reference, today: date
) -> tuple[list[OwnerRow], ImportReport]:
    report = ImportReport()
    table = CsvRows(lines)
    missing = [c for c in REQUIRED_COLUMNS if c not in table.header]
    if missing:
        report.errors.append(RowError(1, "", f"header lacks columns: {', '.join(missing)}"))
        return [], report
    valid: list[OwnerRow] = []
    first_line_of_vin: dict[str, int] = {}
    owner_of_phone: dict[str, OwnerRow] = {}
    for line, raw in table:
        report.rows += 1
        if raw is None:
            report.errors.append(RowError(line, "", "wrong number of columns"))
            continue
        parsed = parse_owner_row(line, raw, reference, today)
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
    chunk_rows: int = CHUNK_ROWS,
) -> ImportPlan[ImportReport, Sequence[OwnerRow]]:
    """Check the whole file; the plan writes it in chunks of `chunk_rows` rows."""
    rows, report = validate_file(lines, reference, now.date())
    accepted = skip_invalid or not report.errors

    async def apply(uow: UnitOfWork, chunk: Sequence[OwnerRow]) -> None:
        await _apply(uow, chunk, report, now)

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


async def _apply(
    uow: UnitOfWork, rows: Sequence[OwnerRow], report: ImportReport, now: datetime
) -> None:
    owners = await uow.owners.by_phones({r.phone for r in rows})
    vehicles = await uow.vehicles.by_vins({r.vin for r in rows})
    changed: set[int] = set()  # lines that changed something
    for row in rows:
        owner = owners.get(row.phone)
        if owner is None:
            owner = Owner(
                market=row.market,
                first_name=row.first_name,
                last_name=row.last_name,
                phone=row.phone,
                locale_on_file=row.locale,
                birthday=row.birthday,
                created_at=now,
                source=OwnerSource.IMPORT,
            )
            uow.owners.add(owner)
            owners[row.phone] = owner
            report.owners_created += 1
            changed.add(row.line)
        elif _update(owner, _owner_fields(row, owner)):
            report.owners_updated += 1
            changed.add(row.line)
    await uow.flush()  # the new owners get their ids, all in one go
    for row in rows:
        owner_id = owners[row.phone].id
        assert owner_id is not None
        vehicle = vehicles.get(row.vin)
        if vehicle is None:
            vehicle = Vehicle(owner_id=owner_id, vin=row.vin, model=row.model)
            _update(vehicle, _vehicle_fields(row, owner_id))
            _take_mileage(vehicle, row, now.date())
            uow.vehicles.add(vehicle)
            vehicles[row.vin] = vehicle
            report.vehicles_created += 1
            changed.add(row.line)
        elif _update(vehicle, _vehicle_fields(row, owner_id)) | _take_mileage(
            vehicle, row, now.date()
        ):
            report.vehicles_updated += 1
            changed.add(row.line)
    report.unchanged += len(rows) - len(changed)
    await uow.flush()


def _owner_fields(row: OwnerRow, owner: Owner) -> dict[str, object]:
    fields: dict[str, object] = {
        "first_name": row.first_name,
        "last_name": row.last_name,
        "market": row.market,
    }
    if row.birthday is not None:
        fields["birthday"] = row.birthday
    if row.locale is not None:
        fields["locale_on_file"] = row.locale  # a choice made in chat still wins
    return fields


def _vehicle_fields(row: OwnerRow, owner_id: int) -> dict[str, object]:
    fields: dict[str, object] = {"owner_id": owner_id, "model": row.model}
    optional = {
        "model_year": row.model_year,
        "delivery_date": row.delivery_date,
        "dealer_code": row.dealer_code,
    }
    fields.update({k: v for k, v in optional.items() if v is not None})
    return fields


def _take_mileage(vehicle: Vehicle, row: OwnerRow, today: date) -> bool:
    """The dealer system's reading: authoritative, but an export older than what the
    owner told us does not lower the odometer."""
    if row.mileage_km is None:
        return False
    return record_dealer_reading(vehicle, row.mileage_km, today, visit=False)


def _update(target: object, fields: dict[str, object]) -> bool:
    changed = False
    for name, value in fields.items():
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed = True
    return changed
