"""An owner's cars, as the chat flows read them."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.owners import Vehicle
from bot.services.ports import UnitOfWork


async def vehicles_of(uow: UnitOfWork, owner_id: int) -> Sequence[Vehicle]:
    return await uow.vehicles.of_owner(owner_id)


async def vehicle(uow: UnitOfWork, vehicle_id: int) -> Vehicle | None:
    """Any car by id, for showing what a booking is for (staff cards, summaries)."""
    return await uow.vehicles.get(vehicle_id)


async def owned_vehicle(uow: UnitOfWork, owner_id: int, vehicle_id: int) -> Vehicle | None:
    """The car, if this owner owns it (ids come back from the client and may be forged)."""
    found = await uow.vehicles.get(vehicle_id)
    return found if found is not None and found.owner_id == owner_id else None


async def registered_vehicle(uow: UnitOfWork, owner_id: int, vehicle_id: int) -> Vehicle | None:
    """The owner's car while it is still theirs and on record: it may have been sold or
    erased since a message about it was planned."""
    found = await owned_vehicle(uow, owner_id, vehicle_id)
    return found if found is not None and found.vin is not None else None


async def vin_registered(uow: UnitOfWork, vin: str) -> bool:
    """Whether any owner's car already carries this VIN."""
    return await uow.vehicles.by_vin(vin) is not None
