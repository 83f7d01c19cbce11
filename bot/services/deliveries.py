"""Messages that must arrive go through the durable deliveries: written in the unit of
work of the change they tell of (so they exist exactly when the change does), sent by
the relay (bot/scheduler/relay.py) until the platform takes them. The doorbell wakes
the relay as soon as a transaction that queued some has committed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.domain.care import OutboxStatus
from bot.domain.deliveries import DurableMessage
from bot.services.ports import UnitOfWork


def queue(
    uow: UnitOfWork, *, channel: str, chat_id: int, screens: list[dict[str, object]], now: datetime
) -> None:
    uow.deliveries.add(
        DurableMessage(
            channel=channel,
            chat_id=chat_id,
            screens=screens,
            status=OutboxStatus.PENDING,
            due_at=now,
            created_at=now,
        )
    )


class Doorbell:
    """Rung after a commit that queued deliveries; the relay listens while it runs."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def listen(self, listener: Callable[[], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def ring(self) -> None:
        for listener in list(self._listeners):
            listener()
