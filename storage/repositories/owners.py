"""Owners, vehicles, chat accounts, consents and conversations."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cache

from sqlalchemy import Select, bindparam, func, select

from bot.domain.owners import Account, ConsentRecord, Conversation, Owner, Vehicle
from storage import tables
from storage.repositories.base import SessionBound, SqlRepository, dialect


class SqlOwnerRepository(SqlRepository[Owner]):
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
        if dialect(self.session) == "postgresql":
            await self.session.execute(
                select(tables.owners.c.id).where(tables.owners.c.id == owner_id).with_for_update()
            )


class SqlVehicleRepository(SqlRepository[Vehicle]):
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


class SqlAccountRepository(SqlRepository[Account]):
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


class SqlConsentRepository(SqlRepository[ConsentRecord]):
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


class SqlConversationRepository(SessionBound):
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
