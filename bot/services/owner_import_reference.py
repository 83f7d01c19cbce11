"""The owner import's writer as it was: an ORM object per owner and per vehicle, compared
and flushed one by one. Nothing runs it in production: it is the reference the set-based
`write_chunk` (bot/services/importer.py) is checked against in tests and measured
beside in bench/imports.py (about three times the CPU time on 100,000 new owners).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.domain.odometer import record_dealer_reading
from bot.domain.owner_import import OwnerRow
from bot.domain.owners import Owner, OwnerSource, Vehicle
from bot.services.importer import ImportReport
from bot.services.ports import UnitOfWork


async def write_row_by_row(
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
