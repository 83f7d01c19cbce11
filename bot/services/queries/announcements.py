"""Announcements as flows and the message renderers look them up."""

from __future__ import annotations

from bot.domain.announcements import Announcement
from bot.services.ports import UnitOfWork


async def announcement_by_id(uow: UnitOfWork, announcement_id: int) -> Announcement | None:
    return await uow.announcements.get(announcement_id)
