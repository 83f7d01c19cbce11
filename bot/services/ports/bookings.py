"""Service bookings, their history, slot reservations, service visits and recalls."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from bot.domain.booking import Booking, BookingChange, ServiceVisit, VehicleRecall


class BookingRepository(Protocol):
    def add(self, booking: Booking) -> None: ...
    async def get(self, booking_id: int) -> Booking | None: ...
    async def lock(self, booking_id: int) -> Booking | None:
        """The booking re-read under a row lock (PostgreSQL: SELECT ... FOR UPDATE; SQLite:
        the transaction already holds the write lock): its state is the latest, and no
        other transaction changes it until this one ends."""
        ...

    async def by_request_key(self, key: str) -> Booking | None: ...
    async def of_owner(self, owner_id: int) -> Sequence[Booking]: ...
    async def last_dealer_of(self, owner_id: int) -> str | None: ...
    async def between(
        self, start: datetime, end: datetime, dealer_code: str | None = None
    ) -> Sequence[Booking]:
        """Bookings starting in [start, end), by start time."""
        ...

    async def delete(self, booking: Booking) -> None: ...


class BookingHistory(Protocol):
    """Every change to a booking: who, when, what and why. Never edited."""

    def add(self, change: BookingChange) -> None: ...
    async def of_booking(self, booking_id: int) -> Sequence[BookingChange]: ...


class SlotReservations(Protocol):
    """Slot units (center, bay, unit start) held by bookings, unique in the database."""

    async def taken(
        self,
        dealer_code: str,
        start: datetime,
        end: datetime,
        *,
        ignore_booking: int | None = None,
    ) -> set[tuple[int, datetime]]:
        """(bay, unit start) pairs held in [start, end), one indexed range query."""
        ...

    async def reserve(
        self, dealer_code: str, bay: int, units: Sequence[datetime], booking_id: int
    ) -> bool:
        """Hold every unit on `bay` for the booking, or none: False if any is held."""
        ...

    async def held_by(self, booking_id: int) -> list[tuple[int, datetime]]: ...
    async def release(self, booking_id: int) -> None: ...


class VisitRepository(Protocol):
    def add(self, visit: ServiceVisit) -> None: ...
    async def get(self, visit_id: int) -> ServiceVisit | None: ...
    async def of_owner(self, owner_id: int) -> Sequence[ServiceVisit]: ...
    async def of_vehicle(self, vehicle_id: int) -> Sequence[ServiceVisit]: ...
    async def by_booking(self, booking_id: int) -> ServiceVisit | None: ...


class RecallRepository(Protocol):
    def add(self, recall: VehicleRecall) -> None: ...
    async def get(self, recall_id: int) -> VehicleRecall | None: ...
    async def by_keys(
        self, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], VehicleRecall]:
        """Recalls by (VIN, campaign code)."""
        ...

    async def of_vehicle(self, vehicle_id: int, vin: str | None) -> Sequence[VehicleRecall]: ...
