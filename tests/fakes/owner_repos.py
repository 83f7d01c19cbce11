"""In-memory owners, vehicles, chat accounts, consents and conversations."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.domain.owners import Account, ConsentRecord, Conversation, Owner, Vehicle
from tests.fakes.store import Store, Table


class FakeOwnerRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[Owner] = store.table("owners", lambda o: o.phone)

    def add(self, owner: Owner) -> None:
        self.table.add(owner)

    async def get(self, owner_id: int) -> Owner | None:
        self.store.flush()
        return next((o for o in self.table if o.id == owner_id), None)

    async def by_phone(self, phone: str) -> Owner | None:
        self.store.flush()
        return next((o for o in self.table if o.phone == phone), None)

    async def by_phones(self, phones: Collection[str]) -> dict[str, Owner]:
        self.store.flush()
        return {o.phone: o for o in self.table if o.phone and o.phone in phones}

    async def count(self) -> int:
        self.store.flush()
        return len(self.table.rows)

    async def lock(self, owner_id: int) -> None:
        """One test, one task: nothing to wait for."""


class FakeVehicleRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[Vehicle] = store.table("vehicles", lambda v: v.vin)

    def add(self, vehicle: Vehicle) -> None:
        self.table.add(vehicle)

    async def get(self, vehicle_id: int) -> Vehicle | None:
        self.store.flush()
        return next((v for v in self.table if v.id == vehicle_id), None)

    async def by_vin(self, vin: str) -> Vehicle | None:
        self.store.flush()
        return next((v for v in self.table if v.vin == vin), None)

    async def by_vins(self, vins: Collection[str]) -> dict[str, Vehicle]:
        self.store.flush()
        return {v.vin: v for v in self.table if v.vin and v.vin in vins}

    async def of_owner(self, owner_id: int) -> Sequence[Vehicle]:
        self.store.flush()
        return sorted((v for v in self.table if v.owner_id == owner_id), key=_id)


class FakeAccountRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[Account] = store.table("accounts", lambda a: (a.channel, a.user_id))

    def add(self, account: Account) -> None:
        self.table.add(account)

    async def by_user(self, channel: str, user_id: int) -> Account | None:
        self.store.flush()
        return next((a for a in self.table if (a.channel, a.user_id) == (channel, user_id)), None)

    async def by_chat(self, channel: str, chat_id: int) -> Account | None:
        self.store.flush()
        found = [a for a in self.table if (a.channel, a.chat_id) == (channel, chat_id)]
        return min(found, key=_id) if found else None

    async def of_owner(self, owner_id: int) -> Sequence[Account]:
        self.store.flush()
        return [a for a in self.table if a.owner_id == owner_id]

    async def delete(self, account: Account) -> None:
        self.table.delete(account)


class FakeConsentRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[ConsentRecord] = store.table("consent_records")

    def add(self, record: ConsentRecord) -> None:
        self.table.add(record)

    async def of_owner(self, owner_id: int) -> Sequence[ConsentRecord]:
        self.store.flush()
        mine = [r for r in self.table if r.owner_id == owner_id]
        return sorted(mine, key=lambda r: (r.recorded_at, _id(r)))


class FakeConversationRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[Conversation] = store.table(
            "conversations", lambda c: (c.channel, c.chat_id, c.user_id)
        )

    async def load(self, channel: str, chat_id: int, user_id: int) -> Conversation:
        self.store.flush()
        key = (channel, chat_id, user_id)
        found = next((c for c in self.table if (c.channel, c.chat_id, c.user_id) == key), None)
        if found is None:
            found = Conversation(channel=channel, chat_id=chat_id, user_id=user_id)
            self.table.add(found)
        return found

    async def delete_for_user(self, channel: str, user_id: int) -> None:
        self.store.flush()
        for conversation in self.table:
            if (conversation.channel, conversation.user_id) == (channel, user_id):
                self.table.delete(conversation)


def _id(item: Vehicle | Account | ConsentRecord) -> int:
    return item.id or 0
