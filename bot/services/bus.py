"""Hands domain events to their subscribers inside the unit of work that raised them.

A unit of work is given the bus and publishes through it when it commits, so an event
raised before a commit always reaches its subscribers, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from bot.clock import Clock
from bot.domain.events import DomainEvent
from bot.services.ports import UnitOfWork

E = TypeVar("E", bound=DomainEvent)

# A subscriber: reacts to one kind of event, inside the unit of work that raised it,
# as of the moment the unit of work commits.
EventHandler = Callable[[UnitOfWork, E, datetime], Awaitable[None]]


class MessageBus:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._subscribers: dict[type[DomainEvent], list[EventHandler[Any]]] = {}

    def subscribe(self, kind: type[E], handler: EventHandler[E]) -> None:
        self._subscribers.setdefault(kind, []).append(handler)

    async def publish(self, uow: UnitOfWork) -> None:
        """Handle every pending event, including those the handlers raise. Called by the
        unit of work's commit; nothing else needs to."""
        now = self._clock.now()
        while uow.events:
            event = uow.events.pop(0)
            for handler in self._subscribers.get(type(event), []):
                await handler(uow, event, now)
