"""Point lots: every earn is a lot, spent nearest expiry first, closed when it expires."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import and_, func, insert, literal, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.loyalty import EntryKind, PointLot
from storage import tables

lots_c = tables.point_lots.c
entries_c = tables.ledger_entries.c
status_c = tables.status_awards.c

# PostgreSQL: one statement, so the journal records exactly what the UPDATE took, even
# if a redemption touched a lot meanwhile (row locks make them queue).
_EXPIRE_POSTGRES = text(
    """
    WITH expired AS (
        UPDATE point_lots SET remaining = 0
        FROM (SELECT id, remaining AS lost FROM point_lots
              WHERE expires_at <= :now AND remaining > 0 FOR UPDATE) AS due
        WHERE point_lots.id = due.id
        RETURNING point_lots.id, point_lots.owner_id, due.lost
    )
    INSERT INTO ledger_entries
        (owner_id, kind, points, created_at, source, source_id, rule,
         lot_id, reason, actor)
    SELECT owner_id, 'expire', -lost, :now, '', '', '', id, '', 'system'
    FROM expired
    """
)


class SqlPointLotRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, lot: PointLot) -> None:
        self.session.add(lot)

    async def by_award(self, source: str, source_id: str, rule: str) -> PointLot | None:
        result = await self.session.execute(
            select(PointLot).where(
                lots_c.source == source, lots_c.source_id == source_id, lots_c.rule == rule
            )
        )
        return result.scalar_one_or_none()

    async def open_of(self, owner_id: int) -> Sequence[PointLot]:
        result = await self.session.execute(
            select(PointLot)
            .where(lots_c.owner_id == owner_id, lots_c.remaining > 0)
            .order_by(lots_c.expires_at, lots_c.id)
        )
        return result.scalars().all()

    async def of_owner(self, owner_id: int) -> Sequence[PointLot]:
        result = await self.session.execute(
            select(PointLot).where(lots_c.owner_id == owner_id).order_by(lots_c.id)
        )
        return result.scalars().all()

    async def get_many(self, ids: Collection[int]) -> dict[int, PointLot]:
        if not ids:
            return {}
        result = await self.session.execute(select(PointLot).where(lots_c.id.in_(list(ids))))
        return {lot.id: lot for lot in result.scalars() if lot.id is not None}

    async def awards_since(self, owner_id: int, rule: str, since: datetime) -> int:
        lots = await self.session.scalar(
            select(func.count()).where(
                lots_c.owner_id == owner_id, lots_c.rule == rule, lots_c.earned_at >= since
            )
        )
        status_only = await self.session.scalar(
            select(func.count()).where(
                status_c.owner_id == owner_id,
                status_c.rule == rule,
                status_c.earned_at >= since,
                ~select(lots_c.id)
                .where(
                    lots_c.source == status_c.source,
                    lots_c.source_id == status_c.source_id,
                    lots_c.rule == status_c.rule,
                )
                .exists(),
            )
        )
        return int(lots or 0) + int(status_only or 0)

    async def expire(self, now: datetime) -> int:
        """Set-based, never a Python loop over lots."""
        bind = self.session.bind
        if bind is not None and bind.dialect.name == "postgresql":
            result = await self.session.execute(_EXPIRE_POSTGRES, {"now": now})
            return int(getattr(result, "rowcount", 0) or 0)
        # SQLite: this transaction is the only writer (BEGIN IMMEDIATE), so the journal
        # insert and the update see the same rows.
        due = and_(lots_c.expires_at <= now, lots_c.remaining > 0)
        journal = insert(tables.ledger_entries).from_select(
            [
                "owner_id",
                "kind",
                "points",
                "created_at",
                "source",
                "source_id",
                "rule",
                "lot_id",
                "reason",
                "actor",
            ],
            select(
                lots_c.owner_id,
                literal(EntryKind.EXPIRE, entries_c.kind.type),
                -lots_c.remaining,
                literal(now, entries_c.created_at.type),
                literal(""),
                literal(""),
                literal(""),
                lots_c.id,
                literal(""),
                literal("system"),
            ).where(due),
        )
        await self.session.execute(journal)
        result = await self.session.execute(
            update(tables.point_lots).where(due).values(remaining=0)
        )
        return int(getattr(result, "rowcount", 0) or 0)
