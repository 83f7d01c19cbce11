"""Bookings, their history, slot reservations, service visits and recalls."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from bot.domain.booking import Booking, BookingChange, ServiceVisit, VehicleRecall
from storage import tables
from storage.repositories.base import SessionBound, SqlRepository, dialect


class SqlBookingRepository(SqlRepository[Booking]):
    async def get(self, booking_id: int) -> Booking | None:
        return await self.session.get(Booking, booking_id)

    async def lock(self, booking_id: int) -> Booking | None:
        result = await self.session.execute(
            select(Booking)
            .where(tables.bookings.c.id == booking_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def by_request_key(self, key: str) -> Booking | None:
        result = await self.session.execute(
            select(Booking).where(tables.bookings.c.request_key == key)
        )
        return result.scalar_one_or_none()

    async def of_owner(self, owner_id: int) -> Sequence[Booking]:
        c = tables.bookings.c
        result = await self.session.execute(
            select(Booking).where(c.owner_id == owner_id).order_by(c.starts_at, c.id)
        )
        return result.scalars().all()

    async def last_dealer_of(self, owner_id: int) -> str | None:
        c = tables.bookings.c
        result = await self.session.execute(
            select(c.dealer_code)
            .where(c.owner_id == owner_id)
            .order_by(c.created_at.desc(), c.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def between(
        self, start: datetime, end: datetime, dealer_code: str | None = None
    ) -> Sequence[Booking]:
        c = tables.bookings.c
        query = select(Booking).where(c.starts_at >= start, c.starts_at < end)
        if dealer_code is not None:
            query = query.where(c.dealer_code == dealer_code)
        result = await self.session.execute(query.order_by(c.starts_at, c.id))
        return result.scalars().all()

    async def delete(self, booking: Booking) -> None:
        await self.session.delete(booking)
        await self.session.flush()


class SqlBookingHistory(SqlRepository[BookingChange]):
    async def of_booking(self, booking_id: int) -> Sequence[BookingChange]:
        c = tables.booking_changes.c
        result = await self.session.execute(
            select(BookingChange).where(c.booking_id == booking_id).order_by(c.at, c.id)
        )
        return result.scalars().all()


class SqlSlotReservations(SessionBound):
    async def taken(
        self,
        dealer_code: str,
        start: datetime,
        end: datetime,
        *,
        ignore_booking: int | None = None,
    ) -> set[tuple[int, datetime]]:
        c = tables.slot_reservations.c
        query = select(c.bay, c.unit_start).where(
            c.dealer_code == dealer_code, c.unit_start >= start, c.unit_start < end
        )
        if ignore_booking is not None:
            query = query.where(c.booking_id != ignore_booking)
        result = await self.session.execute(query)
        return {(int(bay), unit) for bay, unit in result.all()}

    async def reserve(
        self, dealer_code: str, bay: int, units: Sequence[datetime], booking_id: int
    ) -> bool:
        """INSERT ... ON CONFLICT DO NOTHING: a unit another transaction holds (or is
        inserting right now: PostgreSQL waits for it) is skipped, and then the units we
        did get are given back, so a booking holds all of its units or none."""
        await self.session.flush()
        rows = [
            {"dealer_code": dealer_code, "bay": bay, "unit_start": u, "booking_id": booking_id}
            for u in units
        ]
        module = postgresql if dialect(self.session) == "postgresql" else sqlite
        statement = module.insert(tables.slot_reservations).values(rows).on_conflict_do_nothing()
        result = await self.session.execute(statement)
        if getattr(result, "rowcount", 0) == len(rows):
            return True
        c = tables.slot_reservations.c
        await self.session.execute(
            delete(tables.slot_reservations).where(c.booking_id == booking_id, c.bay == bay)
        )
        return False

    async def held_by(self, booking_id: int) -> list[tuple[int, datetime]]:
        c = tables.slot_reservations.c
        result = await self.session.execute(
            select(c.bay, c.unit_start).where(c.booking_id == booking_id).order_by(c.unit_start)
        )
        return [(int(bay), unit) for bay, unit in result.all()]

    async def release(self, booking_id: int) -> None:
        await self.session.flush()
        await self.session.execute(
            delete(tables.slot_reservations).where(
                tables.slot_reservations.c.booking_id == booking_id
            )
        )


class SqlVisitRepository(SqlRepository[ServiceVisit]):
    async def get(self, visit_id: int) -> ServiceVisit | None:
        return await self.session.get(ServiceVisit, visit_id)

    async def of_owner(self, owner_id: int) -> Sequence[ServiceVisit]:
        c = tables.service_visits.c
        result = await self.session.execute(
            select(ServiceVisit)
            .where(c.owner_id == owner_id)
            .order_by(c.visited_on.desc(), c.id.desc())
        )
        return result.scalars().all()

    async def of_vehicle(self, vehicle_id: int) -> Sequence[ServiceVisit]:
        c = tables.service_visits.c
        result = await self.session.execute(
            select(ServiceVisit)
            .where(c.vehicle_id == vehicle_id)
            .order_by(c.visited_on.desc(), c.id.desc())
        )
        return result.scalars().all()

    async def by_booking(self, booking_id: int) -> ServiceVisit | None:
        result = await self.session.execute(
            select(ServiceVisit).where(tables.service_visits.c.booking_id == booking_id)
        )
        return result.scalar_one_or_none()


class SqlRecallRepository(SqlRepository[VehicleRecall]):
    _CHUNK = 400

    async def get(self, recall_id: int) -> VehicleRecall | None:
        return await self.session.get(VehicleRecall, recall_id)

    async def by_keys(
        self, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], VehicleRecall]:
        c = tables.vehicle_recalls.c
        found: dict[tuple[str, str], VehicleRecall] = {}
        wanted = list(keys)
        for start in range(0, len(wanted), self._CHUNK):
            chunk = wanted[start : start + self._CHUNK]
            result = await self.session.execute(
                select(VehicleRecall).where(tuple_(c.vin, c.campaign_code).in_(chunk))
            )
            found.update({(r.vin, r.campaign_code): r for r in result.scalars()})
        return found

    async def of_vehicle(self, vehicle_id: int, vin: str | None) -> Sequence[VehicleRecall]:
        c = tables.vehicle_recalls.c
        match = (
            c.vehicle_id == vehicle_id
            if vin is None
            else or_(c.vehicle_id == vehicle_id, c.vin == vin)
        )
        result = await self.session.execute(
            select(VehicleRecall).where(match).order_by(c.published_on, c.id)
        )
        return result.scalars().all()
