"""Repositories: add and get domain objects. They never commit; the unit of work does."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

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


class SqlAccountRepository(_Repository):
    async def by_user(self, channel: str, user_id: int) -> Account | None:
        c = tables.accounts.c
        result = await self.session.execute(
            select(Account).where(c.channel == channel, c.user_id == user_id)
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


class SqlConversationRepository(_Repository):
    async def load(self, channel: str, chat_id: int, user_id: int) -> Conversation:
        found = await self.session.get(Conversation, (channel, chat_id, user_id))
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
