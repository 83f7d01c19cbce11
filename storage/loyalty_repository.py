"""The points ledger's storage: lots, spends, journal, status awards, rewards."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, literal, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.loyalty import (
    EntryKind,
    LedgerEntry,
    LoyaltyAccount,
    PointLot,
    PointSpend,
    Redemption,
    RedemptionStatus,
    RewardInfo,
    SpendAllocation,
    StatusAward,
    Tier,
)
from storage import tables
from storage.sql import insert_ignoring_duplicates

lots_c = tables.point_lots.c
entries_c = tables.ledger_entries.c


class SqlLoyaltyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _postgres(self) -> bool:
        return bool(self.session.bind and self.session.bind.dialect.name == "postgresql")

    def add(self, item: object) -> None:
        self.session.add(item)

    async def flush(self) -> None:
        await self.session.flush()

    # --- the account row: the lock every balance change takes ----------------------

    async def account(self, owner_id: int) -> LoyaltyAccount | None:
        return await self.session.get(LoyaltyAccount, owner_id)

    async def lock_account(
        self, owner_id: int, now: datetime, review_due: datetime
    ) -> LoyaltyAccount:
        """The owner's account, created on first use, locked until commit.

        PostgreSQL: SELECT ... FOR UPDATE serializes concurrent redemptions of one owner.
        SQLite: the transaction already holds the database's write lock (BEGIN IMMEDIATE).
        """
        await insert_ignoring_duplicates(
            self.session,
            tables.loyalty_accounts,
            {
                "owner_id": owner_id,
                "tier": Tier.EXPLORER,
                "tier_since": now,
                "review_due_at": review_due,
            },
        )
        result = await self.session.execute(
            select(LoyaltyAccount)
            .where(tables.loyalty_accounts.c.owner_id == owner_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one()

    async def accounts_due_for_review(self, now: datetime, limit: int) -> Sequence[LoyaltyAccount]:
        c = tables.loyalty_accounts.c
        result = await self.session.execute(
            select(LoyaltyAccount)
            .where(c.review_due_at <= now)
            .order_by(c.review_due_at)
            .limit(limit)
        )
        return result.scalars().all()

    # --- lots and awards --------------------------------------------------------------

    async def lot_by_award(self, source: str, source_id: str, rule: str) -> PointLot | None:
        result = await self.session.execute(
            select(PointLot).where(
                lots_c.source == source, lots_c.source_id == source_id, lots_c.rule == rule
            )
        )
        return result.scalar_one_or_none()

    async def status_by_award(self, source: str, source_id: str, rule: str) -> StatusAward | None:
        c = tables.status_awards.c
        result = await self.session.execute(
            select(StatusAward).where(c.source == source, c.source_id == source_id, c.rule == rule)
        )
        return result.scalar_one_or_none()

    async def status_awards(
        self, owner_id: int, keys: Collection[tuple[str, str, str]]
    ) -> Sequence[StatusAward]:
        """The owner's status awards under these (source, source id, rule) keys."""
        wanted = set(keys)
        if not wanted:
            return []
        c = tables.status_awards.c
        result = await self.session.execute(
            select(StatusAward).where(
                c.owner_id == owner_id, c.source_id.in_({key[1] for key in wanted})
            )
        )
        return [a for a in result.scalars() if (a.source, a.source_id, a.rule) in wanted]

    async def creating_entry(self, lot_id: int) -> LedgerEntry | None:
        """The journal entry that created the lot (an earn or a positive adjustment)."""
        result = await self.session.execute(
            select(LedgerEntry).where(entries_c.lot_id == lot_id).order_by(entries_c.id).limit(1)
        )
        return result.scalars().first()

    async def spend_entry(self, spend_id: int) -> LedgerEntry | None:
        result = await self.session.execute(
            select(LedgerEntry)
            .where(entries_c.spend_id == spend_id, entries_c.points < 0)
            .order_by(entries_c.id)
            .limit(1)
        )
        return result.scalars().first()

    async def spend(self, spend_id: int) -> PointSpend | None:
        return await self.session.get(PointSpend, spend_id)

    async def open_lots(self, owner_id: int) -> Sequence[PointLot]:
        result = await self.session.execute(
            select(PointLot)
            .where(lots_c.owner_id == owner_id, lots_c.remaining > 0)
            .order_by(lots_c.expires_at, lots_c.id)
        )
        return result.scalars().all()

    async def lots(self, ids: Collection[int]) -> dict[int, PointLot]:
        if not ids:
            return {}
        result = await self.session.execute(select(PointLot).where(lots_c.id.in_(list(ids))))
        return {lot.id: lot for lot in result.scalars() if lot.id is not None}

    async def status_points(self, owner_id: int, since: datetime) -> int:
        c = tables.status_awards.c
        total = await self.session.scalar(
            select(func.coalesce(func.sum(c.points), 0)).where(
                c.owner_id == owner_id, c.earned_at > since, c.reversed_at.is_(None)
            )
        )
        return int(total or 0)

    async def awards_since(self, owner_id: int, rule: str, since: datetime) -> int:
        """How many awards under `rule` the owner got since `since` (monthly caps)."""
        c = tables.status_awards.c
        lots = await self.session.scalar(
            select(func.count()).where(
                lots_c.owner_id == owner_id, lots_c.rule == rule, lots_c.earned_at >= since
            )
        )
        status_only = await self.session.scalar(
            select(func.count()).where(
                c.owner_id == owner_id,
                c.rule == rule,
                c.earned_at >= since,
                ~select(lots_c.id)
                .where(
                    lots_c.source == c.source,
                    lots_c.source_id == c.source_id,
                    lots_c.rule == c.rule,
                )
                .exists(),
            )
        )
        return int(lots or 0) + int(status_only or 0)

    # --- spends -------------------------------------------------------------------------

    async def spend_by_request(self, owner_id: int, request_key: str) -> PointSpend | None:
        c = tables.point_spends.c
        result = await self.session.execute(
            select(PointSpend).where(c.owner_id == owner_id, c.request_key == request_key)
        )
        return result.scalar_one_or_none()

    async def allocations(self, spend_id: int) -> Sequence[SpendAllocation]:
        c = tables.spend_allocations.c
        result = await self.session.execute(
            select(SpendAllocation).where(c.spend_id == spend_id).order_by(c.lot_id)
        )
        return result.scalars().all()

    # --- the journal ----------------------------------------------------------------------

    async def entries(self, owner_id: int, offset: int, limit: int) -> Sequence[LedgerEntry]:
        result = await self.session.execute(
            select(LedgerEntry)
            .where(entries_c.owner_id == owner_id)
            .order_by(entries_c.created_at.desc(), entries_c.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return result.scalars().all()

    async def count_entries(self, owner_id: int) -> int:
        total = await self.session.scalar(
            select(func.count()).where(entries_c.owner_id == owner_id)
        )
        return int(total or 0)

    async def export_rows(self, since: datetime | None) -> Sequence[Any]:
        o = tables.owners.c
        query = (
            select(tables.ledger_entries, o.market)
            .join(tables.owners, o.id == entries_c.owner_id)
            .order_by(entries_c.id)
        )
        if since is not None:
            query = query.where(entries_c.created_at >= since)
        return (await self.session.execute(query)).all()

    # --- expiry: set-based, never a Python loop over lots ------------------------------

    async def expire_lots(self, now: datetime) -> int:
        """Close every lot whose expiry has passed and journal what each lost."""
        due = and_(lots_c.expires_at <= now, lots_c.remaining > 0)
        if self._postgres:
            # One statement: the journal records exactly what the UPDATE took, even if a
            # redemption touched a lot meanwhile (row locks make them queue).
            result = await self.session.execute(
                text(
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
                ),
                {"now": now},
            )
            return int(getattr(result, "rowcount", 0) or 0)
        # SQLite: this transaction is the only writer (BEGIN IMMEDIATE), so the journal
        # insert and the update see the same rows.
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
                literal(now, tables.ledger_entries.c.created_at.type),
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

    # --- rewards and redemptions ------------------------------------------------------

    async def sync_rewards(self, rewards: Collection[RewardInfo]) -> None:
        """New rewards get their initial stock; existing stock is left alone."""
        for reward in rewards:
            await insert_ignoring_duplicates(
                self.session,
                tables.reward_stock,
                {"market": reward.market, "reward_key": reward.key, "stock": reward.initial_stock},
            )

    async def stock(self, market: str, key: str) -> int | None:
        c = tables.reward_stock.c
        value = await self.session.scalar(
            select(c.stock).where(c.market == market, c.reward_key == key)
        )
        return None if value is None else int(value)

    async def take_stock(self, market: str, key: str) -> bool:
        """Atomically take one item; False when none is left. Unlimited stock is NULL."""
        c = tables.reward_stock.c
        result = await self.session.execute(
            update(tables.reward_stock)
            .where(c.market == market, c.reward_key == key, (c.stock.is_(None)) | (c.stock > 0))
            .values(stock=c.stock - 1)
        )
        return bool(getattr(result, "rowcount", 0))

    async def return_stock(self, market: str, key: str) -> None:
        c = tables.reward_stock.c
        await self.session.execute(
            update(tables.reward_stock)
            .where(c.market == market, c.reward_key == key, c.stock.is_not(None))
            .values(stock=c.stock + 1)
        )

    async def set_stock(self, market: str, key: str, stock: int | None) -> None:
        c = tables.reward_stock.c
        await self.session.execute(
            update(tables.reward_stock)
            .where(c.market == market, c.reward_key == key)
            .values(stock=stock)
        )

    async def redemption(self, redemption_id: int) -> Redemption | None:
        return await self.session.get(Redemption, redemption_id)

    async def redemption_by_code(self, code: str) -> Redemption | None:
        result = await self.session.execute(
            select(Redemption).where(tables.redemptions.c.code == code)
        )
        return result.scalar_one_or_none()

    async def redemption_by_request(self, owner_id: int, request_key: str) -> Redemption | None:
        c = tables.redemptions.c
        result = await self.session.execute(
            select(Redemption).where(c.owner_id == owner_id, c.request_key == request_key)
        )
        return result.scalar_one_or_none()

    async def redemptions_of(self, owner_id: int) -> Sequence[Redemption]:
        c = tables.redemptions.c
        result = await self.session.execute(
            select(Redemption)
            .where(c.owner_id == owner_id)
            .order_by(c.issued_at.desc(), c.id.desc())
        )
        return result.scalars().all()

    async def expire_vouchers(self, now: datetime) -> int:
        c = tables.redemptions.c
        result = await self.session.execute(
            update(tables.redemptions)
            .where(c.status == RedemptionStatus.ISSUED, c.valid_until <= now)
            .values(status=RedemptionStatus.EXPIRED)
        )
        return int(getattr(result, "rowcount", 0) or 0)
