"""In-memory bookings, their history, slot reservations, service visits and recalls."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.booking import Booking, BookingChange, ServiceVisit, VehicleRecall
from tests.fakes.store import Store, Table


class FakeBookingRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[Booking] = store.table("bookings", lambda b: b.request_key)

    def add(self, booking: Booking) -> None:
        self.table.add(booking)

    async def get(self, booking_id: int) -> Booking | None:
        self.store.flush()
        return next((b for b in self.table if b.id == booking_id), None)

    async def lock(self, booking_id: int) -> Booking | None:
        """One test, one task: nothing to wait for."""
        return await self.get(booking_id)

    async def by_request_key(self, key: str) -> Booking | None:
        self.store.flush()
        return next((b for b in self.table if b.request_key == key), None)

    async def of_owner(self, owner_id: int) -> Sequence[Booking]:
        self.store.flush()
        mine = [b for b in self.table if b.owner_id == owner_id]
        return sorted(mine, key=lambda b: (b.starts_at, b.id or 0))

    async def last_dealer_of(self, owner_id: int) -> str | None:
        self.store.flush()
        mine = [b for b in self.table if b.owner_id == owner_id]
        latest = max(mine, key=lambda b: (b.created_at, b.id or 0), default=None)
        return latest.dealer_code if latest else None

    async def between(
        self, start: datetime, end: datetime, dealer_code: str | None = None
    ) -> Sequence[Booking]:
        self.store.flush()
        found = [
            b
            for b in self.table
            if start <= b.starts_at < end and dealer_code in (None, b.dealer_code)
        ]
        return sorted(found, key=lambda b: (b.starts_at, b.id or 0))

    async def delete(self, booking: Booking) -> None:
        """Its reservations and history go with it (ON DELETE CASCADE)."""
        self.store.flush()
        self.table.delete(booking)
        for name in ("slot_reservations", "booking_changes"):
            table = self.store.table(name)
            for row in table:
                if row.booking_id == booking.id:
                    table.delete(row)


class FakeBookingHistory:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[BookingChange] = store.table("booking_changes")

    def add(self, change: BookingChange) -> None:
        self.table.add(change)

    async def of_booking(self, booking_id: int) -> Sequence[BookingChange]:
        self.store.flush()
        mine = [c for c in self.table if c.booking_id == booking_id]
        return sorted(mine, key=lambda c: (c.at, c.id or 0))


@dataclass(frozen=True)
class Reservation:
    dealer_code: str
    bay: int
    unit_start: datetime
    booking_id: int


class FakeSlotReservations:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[Reservation] = store.table(
            "slot_reservations", lambda r: (r.dealer_code, r.bay, r.unit_start)
        )

    async def taken(
        self,
        dealer_code: str,
        start: datetime,
        end: datetime,
        *,
        ignore_booking: int | None = None,
    ) -> set[tuple[int, datetime]]:
        self.store.flush()
        return {
            (r.bay, r.unit_start)
            for r in self.table
            if r.dealer_code == dealer_code
            and start <= r.unit_start < end
            and r.booking_id != ignore_booking
        }

    async def reserve(
        self, dealer_code: str, bay: int, units: Sequence[datetime], booking_id: int
    ) -> bool:
        """All of the units or none, as the unique constraint decides in the database."""
        self.store.flush()
        held = {(r.dealer_code, r.bay, r.unit_start) for r in self.table}
        if any((dealer_code, bay, unit) in held for unit in units):
            return False
        for unit in units:
            self.table.add(Reservation(dealer_code, bay, unit, booking_id))
        self.store.flush()
        return True

    async def held_by(self, booking_id: int) -> list[tuple[int, datetime]]:
        self.store.flush()
        mine = [(r.bay, r.unit_start) for r in self.table if r.booking_id == booking_id]
        return sorted(mine, key=lambda held: held[1])

    async def release(self, booking_id: int) -> None:
        self.store.flush()
        for reservation in self.table:
            if reservation.booking_id == booking_id:
                self.table.delete(reservation)


class FakeVisitRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[ServiceVisit] = store.table("service_visits", lambda v: v.booking_id)

    def add(self, visit: ServiceVisit) -> None:
        self.table.add(visit)

    async def get(self, visit_id: int) -> ServiceVisit | None:
        self.store.flush()
        return next((v for v in self.table if v.id == visit_id), None)

    async def of_owner(self, owner_id: int) -> Sequence[ServiceVisit]:
        self.store.flush()
        return _newest_first([v for v in self.table if v.owner_id == owner_id])

    async def of_vehicle(self, vehicle_id: int) -> Sequence[ServiceVisit]:
        self.store.flush()
        return _newest_first([v for v in self.table if v.vehicle_id == vehicle_id])

    async def by_booking(self, booking_id: int) -> ServiceVisit | None:
        self.store.flush()
        return next((v for v in self.table if v.booking_id == booking_id), None)


def _newest_first(visits: list[ServiceVisit]) -> list[ServiceVisit]:
    return sorted(visits, key=lambda v: (v.visited_on, v.id or 0), reverse=True)


class FakeRecallRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[VehicleRecall] = store.table(
            "vehicle_recalls", lambda r: (r.vin, r.campaign_code)
        )

    def add(self, recall: VehicleRecall) -> None:
        self.table.add(recall)

    async def get(self, recall_id: int) -> VehicleRecall | None:
        self.store.flush()
        return next((r for r in self.table if r.id == recall_id), None)

    async def by_keys(
        self, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], VehicleRecall]:
        self.store.flush()
        wanted = set(keys)
        return {
            (r.vin, r.campaign_code): r for r in self.table if (r.vin, r.campaign_code) in wanted
        }

    async def of_vehicle(self, vehicle_id: int, vin: str | None) -> Sequence[VehicleRecall]:
        self.store.flush()
        found = [r for r in self.table if r.vehicle_id == vehicle_id or (vin and r.vin == vin)]
        return sorted(found, key=lambda r: (r.published_on, r.id or 0))
