"""Fenced leases on a claimable table (the care outbox, the durable deliveries): rows
carry `status`, `lease_until` and `lease_token`; a claim writes its token on every row
it takes (bot/scheduler/leases.py explains why)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.care import OutboxStatus

T = TypeVar("T")


async def extend(
    session: AsyncSession, table: Table, ids: Sequence[int], token: str, until: datetime
) -> int:
    """Renew the lease of the rows still held under `token`; how many."""
    if not ids:
        return 0
    c = table.c
    result = await session.execute(
        update(table)
        .where(c.id.in_(list(ids)), c.lease_token == token, c.status == OutboxStatus.SENDING)
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def leased(
    session: AsyncSession, kind: type[T], row_id: int, token: str, *, lock: bool
) -> T | None:
    """The row if `token` still holds its lease. `lock` (PostgreSQL): the row lock makes
    the check and the change that follows one step; a sender taking the row over waits
    for this transaction, then finds it settled."""
    row: Any = await session.get(kind, row_id, with_for_update=lock, populate_existing=True)
    if row is None or row.status is not OutboxStatus.SENDING or row.lease_token != token:
        return None
    return row  # type: ignore[no-any-return]
