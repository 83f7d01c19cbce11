"""Repositories: add and get domain objects. They never commit; the unit of work does."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.booking import Booking, BookingChange, ServiceVisit, VehicleRecall
from bot.domain.owners import Account, ConsentRecord, Conversation, Owner, Vehicle
from bot.domain.reference import Dealer
from bot.domain.staff import AuditEntry, StaffMember
from storage import tables
from storage.sql import insert_ignoring_duplicates


class _Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, item: Any) -> None:
        self.session.add(item)


class SqlOwnerRepository(_Repository):
    async def get(self, owner_id: int) -> Owner | None:
        return await self.session.get(Owner, owner_id)

    async def by_phone(self, phone: str) -> Owner | None:
        result = await self.session.execute(select(Owner).where(tables.owners.c.phone == phone))
        return result.scalar_one_or_none()

    async def by_phones(self, phones: Collection[str]) -> dict[str, Owner]:
        if not phones:
            return {}
        result = await self.session.execute(
            select(Owner).where(tables.owners.c.phone.in_(list(phones)))
        )
        return {o.phone: o for o in result.scalars() if o.phone}

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(tables.owners)) or 0)

    async def lock(self, owner_id: int) -> None:
        if _dialect(self.session) == "postgresql":
            await self.session.execute(
                select(tables.owners.c.id).where(tables.owners.c.id == owner_id).with_for_update()
            )


class SqlVehicleRepository(_Repository):
    async def get(self, vehicle_id: int) -> Vehicle | None:
        return await self.session.get(Vehicle, vehicle_id)

    async def by_vin(self, vin: str) -> Vehicle | None:
        result = await self.session.execute(select(Vehicle).where(tables.vehicles.c.vin == vin))
        return result.scalar_one_or_none()

    async def by_vins(self, vins: Collection[str]) -> dict[str, Vehicle]:
        if not vins:
            return {}
        result = await self.session.execute(
            select(Vehicle).where(tables.vehicles.c.vin.in_(list(vins)))
        )
        return {v.vin: v for v in result.scalars() if v.vin}

    async def of_owner(self, owner_id: int) -> Sequence[Vehicle]:
        result = await self.session.execute(
            select(Vehicle)
            .where(tables.vehicles.c.owner_id == owner_id)
            .order_by(tables.vehicles.c.id)
        )
        return result.scalars().all()


# The two statements every update runs are built once, after the mapping exists:
# building and hashing a statement costs more than running it on SQLite.
@cache
def _account_by_user() -> Select[Account]:
    c = tables.accounts.c
    return select(Account).where(
        c.channel == bindparam("channel"), c.user_id == bindparam("user_id")
    )


class SqlAccountRepository(_Repository):
    async def by_user(self, channel: str, user_id: int) -> Account | None:
        result = await self.session.execute(
            _account_by_user(), {"channel": channel, "user_id": user_id}
        )
        return result.scalar_one_or_none()

    async def by_chat(self, channel: str, chat_id: int) -> Account | None:
        """The account whose private chat this is (None for groups)."""
        c = tables.accounts.c
        result = await self.session.execute(
            select(Account).where(c.channel == channel, c.chat_id == chat_id).order_by(c.id)
        )
        return result.scalars().first()

    async def of_owner(self, owner_id: int) -> Sequence[Account]:
        result = await self.session.execute(
            select(Account).where(tables.accounts.c.owner_id == owner_id)
        )
        return result.scalars().all()

    async def delete(self, account: Account) -> None:
        await self.session.delete(account)


class SqlConsentRepository(_Repository):
    async def of_owner(self, owner_id: int) -> Sequence[ConsentRecord]:
        c = tables.consent_records.c
        result = await self.session.execute(
            select(ConsentRecord).where(c.owner_id == owner_id).order_by(c.recorded_at, c.id)
        )
        return result.scalars().all()


@cache
def _conversation() -> Select[Conversation]:
    c = tables.conversations.c
    return select(Conversation).where(
        c.channel == bindparam("channel"),
        c.chat_id == bindparam("chat_id"),
        c.user_id == bindparam("user_id"),
    )


class SqlConversationRepository(_Repository):
    async def load(self, channel: str, chat_id: int, user_id: int) -> Conversation:
        result = await self.session.execute(
            _conversation(), {"channel": channel, "chat_id": chat_id, "user_id": user_id}
        )
        found = result.scalar_one_or_none()
        if found is None:
            found = Conversation(channel=channel, chat_id=chat_id, user_id=user_id)
            self.session.add(found)
        return found

    async def delete_for_user(self, channel: str, user_id: int) -> None:
        c = tables.conversations.c
        result = await self.session.execute(
            select(Conversation).where(c.channel == channel, c.user_id == user_id)
        )
        for conversation in result.scalars():
            await self.session.delete(conversation)


class SqlStaffRepository(_Repository):
    async def by_user(self, channel: str, user_id: int) -> StaffMember | None:
        c = tables.staff.c
        result = await self.session.execute(
            select(StaffMember).where(c.channel == channel, c.user_id == user_id)
        )
        return result.scalar_one_or_none()

    async def all(self) -> Sequence[StaffMember]:
        result = await self.session.execute(select(StaffMember).order_by(tables.staff.c.id))
        return result.scalars().all()


class SqlAuditLog(_Repository):
    async def about(self, target: str) -> Sequence[AuditEntry]:
        c = tables.audit_log.c
        result = await self.session.execute(
            select(AuditEntry).where(c.target == target).order_by(c.at, c.id)
        )
        return result.scalars().all()


class SqlUpdateLog(_Repository):
    async def first_time(self, channel: str, update_id: str, now: datetime) -> bool:
        return await insert_ignoring_duplicates(
            self.session,
            tables.processed_updates,
            {"channel": channel, "update_id": update_id, "processed_at": now},
        )


class SqlDealerDirectory(_Repository):
    async def sync(self, dealers: Sequence[Dealer]) -> None:
        """Upsert the shipped dealers so vehicles and bookings can reference them."""
        existing = set((await self.session.execute(select(tables.dealers.c.code))).scalars())
        for dealer in dealers:
            values = {
                "market": dealer.market,
                "name": dealer.name,
                "city": dealer.city,
                "address": dealer.address,
                "latitude": dealer.latitude,
                "longitude": dealer.longitude,
                "timezone": dealer.timezone,
                "staff_chat_id": dealer.staff_chat_id,
            }
            if dealer.code in existing:
                await self.session.execute(
                    tables.dealers.update()
                    .where(tables.dealers.c.code == dealer.code)
                    .values(**values)
                )
            else:
                await self.session.execute(
                    tables.dealers.insert().values(code=dealer.code, **values)
                )


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind else "sqlite"


class SqlBookingRepository(_Repository):
    def add_change(self, change: BookingChange) -> None:
        self.session.add(change)

    async def get(self, booking_id: int) -> Booking | None:
        return await self.session.get(Booking, booking_id)

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

    async def history(self, booking_id: int) -> Sequence[BookingChange]:
        c = tables.booking_changes.c
        result = await self.session.execute(
            select(BookingChange).where(c.booking_id == booking_id).order_by(c.at, c.id)
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


class SqlSlotReservations(_Repository):
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
        module = postgresql if _dialect(self.session) == "postgresql" else sqlite
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


class SqlVisitRepository(_Repository):
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


class SqlRecallRepository(_Repository):
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
