"""A message that must arrive: a staff card, an alert, a lead, a notice to someone
other than the person who wrote. It is written in the transaction of the change it
tells of, already rendered (`screens`, JSON), and delivered by the relay until the
platform takes it. Its status values are the care outbox's (`OutboxStatus`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.care import OutboxStatus


@dataclass(eq=False)
class DurableMessage:
    channel: str
    chat_id: int
    screens: list[dict[str, object]]
    status: OutboxStatus
    due_at: datetime
    created_at: datetime
    attempts: int = 0
    lease_until: datetime | None = None
    lease_token: str | None = None
    last_error: str = ""
    sent_at: datetime | None = None
    id: int | None = None
