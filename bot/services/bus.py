"""Hands domain events to their subscribers inside the unit of work that raised them."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.services.ports import UnitOfWork

log = logging.getLogger(__name__)

EventHandler = Callable[[UnitOfWork, Any, datetime], Awaitable[None]]


class MessageBus:
    def __init__(self, subscribers: Mapping[type, Sequence[EventHandler]] | None = None) -> None:
        self.subscribers: dict[type, list[EventHandler]] = {
            kind: list(handlers) for kind, handlers in (subscribers or {}).items()
        }

    def subscribe(self, kind: type, handler: EventHandler) -> None:
        self.subscribers.setdefault(kind, []).append(handler)

    async def drain(self, uow: UnitOfWork, now: datetime) -> None:
        """Handle every pending event, including those the handlers raise."""
        while uow.events:
            event = uow.events.pop(0)
            for handler in self.subscribers.get(type(event), []):
                await handler(uow, event, now)

    async def commit(self, uow: UnitOfWork, now: datetime) -> None:
        await self.drain(uow, now)
        await uow.commit()
