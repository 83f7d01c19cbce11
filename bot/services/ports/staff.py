"""Dealer staff and the audit trail."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from bot.domain.staff import AuditEntry, StaffMember


class StaffRepository(Protocol):
    def add(self, member: StaffMember) -> None: ...
    async def by_user(self, channel: str, user_id: int) -> StaffMember | None: ...
    async def all(self) -> Sequence[StaffMember]: ...


class AuditLog(Protocol):
    def add(self, entry: AuditEntry) -> None: ...
    async def about(self, target: str) -> Sequence[AuditEntry]: ...
    async def concerning(
        self, targets: Collection[str], actors: Collection[str]
    ) -> Sequence[AuditEntry]:
        """Entries about one of `targets` or done by one of `actors` (an erasure)."""
        ...
