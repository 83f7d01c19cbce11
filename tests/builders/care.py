"""Care messages waiting in the outbox."""

from __future__ import annotations

import itertools
from datetime import datetime

from bot.domain.care import CATEGORY_OF, OutboxMessage, OutboxStatus, Rule
from bot.domain.owners import Owner
from bot.services.ports import UnitOfWork
from tests.builders import AT

_serial = itertools.count(1)


async def an_outbox_message(
    uow: UnitOfWork,
    owner: Owner,
    rule: Rule,
    *,
    due_at: datetime = AT,
    expires_at: datetime | None = None,
    payload: dict[str, object] | None = None,
) -> OutboxMessage:
    """A message queued for `due_at` (as the planner or an event would), not yet sent."""
    assert owner.id is not None
    occurrence = f"builder-{next(_serial)}"
    await uow.outbox.add(
        OutboxMessage(
            owner_id=owner.id,
            rule=rule,
            occurrence=occurrence,
            category=CATEGORY_OF[rule],
            due_at=due_at,
            expires_at=expires_at,
            payload=payload or {},
            status=OutboxStatus.PENDING,
            created_at=due_at,
        )
    )
    return next(m for m in await uow.outbox.of_owner(owner.id) if m.occurrence == occurrence)
