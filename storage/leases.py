"""Fenced leases on a claimable table (the care outbox, the durable deliveries): rows
carry `status`, `lease_until` and `lease_token`; a claim writes its token on every row
it takes (bot/scheduler/leases.py explains why)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.care import OutboxStatus

T = TypeVar("T")


@dataclass(frozen=True)
class Claim:
    """One sender's claim: at `now`, up to `limit` rows for `lease`, under `token`."""

    now: datetime
    lease: timedelta
    limit: int
    token: str


async def claim(
    session: AsyncSession,
    table: Table,
    due: ColumnElement[bool],
    claim: Claim,
    *,
    sending: Any = OutboxStatus.SENDING,
    lock: bool,
) -> list[int]:
    """Take up to `claim.limit` rows that are `due` (oldest first) under a new lease and
    `claim.token`, counting an attempt; their ids, in order. `lock` (PostgreSQL):
    several senders share the table, each skips the rows another is taking."""
    c = table.c
    pick = select(c.id).where(due).order_by(c.id).limit(claim.limit)
    if lock:
        pick = pick.with_for_update(skip_locked=True)
    result = await session.execute(
        update(table)
        .where(c.id.in_(pick.scalar_subquery()))
        .values(
            status=sending,
            lease_until=claim.now + claim.lease,
            lease_token=claim.token,
            attempts=c.attempts + 1,
        )
        .returning(c.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(result.scalars())


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
