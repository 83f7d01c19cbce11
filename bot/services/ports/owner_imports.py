"""What an owner import reads and writes a chunk at a time: set-based, no object per row.

Its writes go around the unit of work's loaded objects: an `Owner` or `Vehicle` read
earlier in the same unit of work does not see them (read it again after the import).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from bot.domain.owner_merge import StoredOwner, StoredVehicle


class OwnerImportStore(Protocol):
    async def owners_by_phones(self, phones: Collection[str]) -> dict[str, StoredOwner]: ...
    async def vehicles_by_vins(self, vins: Collection[str]) -> dict[str, StoredVehicle]: ...
    async def add_owners(self, owners: Sequence[StoredOwner], created_at: datetime) -> None:
        """Insert imported owners (consent not asked, default quiet hours) and give each
        its id."""
        ...

    async def change_owners(self, owners: Collection[StoredOwner]) -> None: ...
    async def add_vehicles(self, vehicles: Sequence[StoredVehicle]) -> None: ...
    async def change_vehicles(self, vehicles: Collection[StoredVehicle]) -> None: ...
