"""Consent to service and marketing messages, recorded with time and wording version."""

from __future__ import annotations

from datetime import datetime

from bot.domain.owners import ConsentCategory, Owner
from bot.services.ports import UnitOfWork


async def set_consent(
    uow: UnitOfWork,
    owner: Owner,
    category: ConsentCategory,
    granted: bool,
    *,
    channel: str,
    now: datetime,
) -> None:
    uow.consents.add(owner.record_consent(category, granted, channel, now))


def set_send_window(owner: Owner, from_hour: int, until_hour: int) -> None:
    """Messages that are not urgent arrive only between these local hours."""
    if not (0 <= from_hour < until_hour <= 24):
        raise ValueError("the window must start before it ends, within one day")
    owner.send_from_hour = from_hour
    owner.send_until_hour = until_hour
