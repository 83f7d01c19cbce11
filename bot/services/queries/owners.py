"""Owners as flows look them up: by id or by phone."""

from __future__ import annotations

from bot.domain.owners import Owner
from bot.services.ports import UnitOfWork


async def owner_by_id(uow: UnitOfWork, owner_id: int) -> Owner | None:
    """The owner's record (an erased owner's too: check `erased_at`)."""
    return await uow.owners.get(owner_id)


async def owner_by_phone(uow: UnitOfWork, phone: str) -> Owner | None:
    """Staff look-ups by a normalized phone number."""
    return await uow.owners.by_phone(phone)
