"""What one chunk of an owner import changes, worked out on plain copies of the stored
rows: the importer reads the chunk's owners and vehicles in two queries, merges the
rows here, and writes only the differences with a few set-based statements.

The rules are those of the row-by-row writer (bot/services/owner_import_reference.py),
row by row in file order: owners matched by phone, vehicles by VIN, a later row of the
same owner updating what an earlier one wrote, a dealer reading never lowering the
odometer. Tests check both give the same database and the same counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.domain.odometer import record_dealer_reading
from bot.domain.owner_import import OwnerRow


@dataclass(slots=True)
class StoredOwner:
    """The columns of an owner an import may change; `id` None: new in this chunk."""

    id: int | None
    phone: str
    first_name: str
    last_name: str
    market: str
    birthday: date | None
    locale_on_file: str | None


@dataclass(slots=True)
class StoredVehicle:
    """The columns of a vehicle an import may change; `id` None: new in this chunk."""

    id: int | None
    vin: str
    owner_phone: str  # whose it is after this chunk: the owner's id may not exist yet
    owner_id: int | None
    model: str
    model_year: int | None = None
    delivery_date: date | None = None
    dealer_code: str | None = None
    mileage_km: int | None = None
    mileage_recorded_on: date | None = None
    mileage_source: str | None = None
    dealer_mileage_km: int | None = None
    dealer_mileage_on: date | None = None


OWNER_COLUMNS = ("first_name", "last_name", "market", "birthday", "locale_on_file")
VEHICLE_COLUMNS = (
    "owner_id",
    "model",
    "model_year",
    "delivery_date",
    "dealer_code",
    "mileage_km",
    "mileage_recorded_on",
    "mileage_source",
    "dealer_mileage_km",
    "dealer_mileage_on",
)


@dataclass
class ChunkChanges:
    """What to write for one chunk, and what the report counts."""

    new_owners: list[StoredOwner] = field(default_factory=list)
    changed_owners: dict[int, StoredOwner] = field(default_factory=dict)  # by id
    new_vehicles: list[StoredVehicle] = field(default_factory=list)
    changed_vehicles: dict[int, StoredVehicle] = field(default_factory=dict)
    owners_created: int = 0
    owners_updated: int = 0
    vehicles_created: int = 0
    vehicles_updated: int = 0
    unchanged: int = 0


def merge_chunk(
    rows: Sequence[OwnerRow],
    owners: dict[str, StoredOwner],
    vehicles: dict[str, StoredVehicle],
    today: date,
) -> ChunkChanges:
    """`owners` by phone and `vehicles` by VIN: what is stored for this chunk's rows;
    both are updated in place to what the chunk leaves."""
    changes = ChunkChanges()
    changed_lines: set[int] = set()
    for row in rows:
        owner = owners.get(row.phone)
        if owner is None:
            owner = StoredOwner(
                None,
                row.phone,
                row.first_name,
                row.last_name,
                row.market,
                row.birthday,
                row.locale,
            )
            owners[row.phone] = owner
            changes.new_owners.append(owner)
            changes.owners_created += 1
            changed_lines.add(row.line)
        elif _take(owner, _owner_fields(row)):
            if owner.id is not None:
                changes.changed_owners[owner.id] = owner
            changes.owners_updated += 1
            changed_lines.add(row.line)
    for row in rows:
        owner = owners[row.phone]
        vehicle = vehicles.get(row.vin)
        if vehicle is None:
            vehicle = StoredVehicle(
                None,
                row.vin,
                row.phone,
                owner.id,
                row.model,
                row.model_year,
                row.delivery_date,
                row.dealer_code,
            )
            _take_mileage(vehicle, row, today)
            vehicles[row.vin] = vehicle
            changes.new_vehicles.append(vehicle)
            changes.vehicles_created += 1
            changed_lines.add(row.line)
        else:
            vehicle.owner_phone = row.phone
            sold_to_a_new_owner = owner.id is None  # stored cars always have an owner
            if sold_to_a_new_owner:
                vehicle.owner_id = None  # given once the new owner is written
            if (
                _take(vehicle, _vehicle_fields(row, owner.id))
                | _take_mileage(vehicle, row, today)
                | sold_to_a_new_owner
            ):
                if vehicle.id is not None:
                    changes.changed_vehicles[vehicle.id] = vehicle
                changes.vehicles_updated += 1
                changed_lines.add(row.line)
    changes.unchanged = len(rows) - len(changed_lines)
    return changes


def give_owner_ids(vehicles: Iterable[StoredVehicle], ids_by_phone: dict[str, int]) -> None:
    """Once the new owners have their ids: every vehicle of theirs points at them."""
    for vehicle in vehicles:
        if vehicle.owner_id is None:
            vehicle.owner_id = ids_by_phone[vehicle.owner_phone]


def _owner_fields(row: OwnerRow) -> dict[str, object]:
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


def _vehicle_fields(row: OwnerRow, owner_id: int | None) -> dict[str, object]:
    fields: dict[str, object] = {"model": row.model}
    if owner_id is not None:  # a new owner's vehicle gets the id once it exists
        fields["owner_id"] = owner_id
    optional = {
        "model_year": row.model_year,
        "delivery_date": row.delivery_date,
        "dealer_code": row.dealer_code,
    }
    fields.update({k: v for k, v in optional.items() if v is not None})
    return fields


def _take_mileage(vehicle: StoredVehicle, row: OwnerRow, today: date) -> bool:
    """The dealer system's reading: authoritative, but an export older than what the
    owner told us does not lower the odometer."""
    if row.mileage_km is None:
        return False
    return record_dealer_reading(vehicle, row.mileage_km, today, visit=False)


def _take(target: StoredOwner | StoredVehicle, fields: dict[str, object]) -> bool:
    changed = False
    for name, value in fields.items():
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed = True
    return changed
