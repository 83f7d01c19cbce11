"""In-memory dealer staff and audit trail."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.domain.staff import AuditEntry, StaffMember
from tests.fakes.store import Store, Table


class FakeStaffRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[StaffMember] = store.table("staff", lambda m: (m.channel, m.user_id))

    def add(self, member: StaffMember) -> None:
        self.table.add(member)

    async def by_user(self, channel: str, user_id: int) -> StaffMember | None:
        self.store.flush()
        return next((m for m in self.table if (m.channel, m.user_id) == (channel, user_id)), None)

    async def all(self) -> Sequence[StaffMember]:
        self.store.flush()
        return sorted(self.table, key=lambda m: m.id or 0)


class FakeAuditLog:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[AuditEntry] = store.table("audit_log")

    def add(self, entry: AuditEntry) -> None:
        self.table.add(entry)

    async def about(self, target: str) -> Sequence[AuditEntry]:
        self.store.flush()
        return sorted((e for e in self.table if e.target == target), key=lambda e: (e.at, e.id))

    async def concerning(
        self, targets: Collection[str], actors: Collection[str]
    ) -> Sequence[AuditEntry]:
        self.store.flush()
        found = (e for e in self.table if e.target in targets or e.actor in actors)
        return sorted(found, key=lambda e: (e.at, e.id))
