"""In-memory loyalty repositories (bot/services/ports/loyalty.py) with the semantics of
storage/loyalty/: the same orderings, unique keys, CHECK constraints and set-based
expiry. Reads flush first, as SQLAlchemy's autoflush does."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from bot.domain.loyalty import (
    EntryKind,
    LedgerEntry,
    LoyaltyAccount,
    PointLot,
    PointSpend,
    Redemption,
    RedemptionStatus,
    RewardInfo,
    RewardStock,
    SpendAllocation,
    StatusAward,
    Tier,
)
from tests.fakes.store import Store, Table


def _award_key(row: PointLot | StatusAward) -> tuple[str, str, str]:
    return (row.source, row.source_id, row.rule)


def _id(row: PointLot | LedgerEntry | Redemption) -> int:
    return row.id or 0


def _lots(store: Store) -> Table[PointLot]:
    return store.table(
        "point_lots", _award_key, checks=(lambda lot: 0 <= lot.remaining <= lot.points,)
    )


def _status_awards(store: Store) -> Table[StatusAward]:
    return store.table("status_awards", _award_key)


def _entries(store: Store) -> Table[LedgerEntry]:
    return store.table("ledger_entries")


class FakeLoyaltyAccounts:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[LoyaltyAccount] = store.table("loyalty_accounts", lambda a: a.owner_id)

    async def get(self, owner_id: int) -> LoyaltyAccount | None:
        self.store.flush()
        return next((a for a in self.table if a.owner_id == owner_id), None)

    async def lock(self, owner_id: int, now: datetime, review_due: datetime) -> LoyaltyAccount:
        """One test, one task: creating it on first use is all there is to do."""
        account = await self.get(owner_id)
        if account is None:
            account = LoyaltyAccount(
                owner_id=owner_id, tier=Tier.EXPLORER, tier_since=now, review_due_at=review_due
            )
            self.table.add(account)
            self.store.flush()
        return account

    async def due_for_review(self, now: datetime, limit: int) -> Sequence[LoyaltyAccount]:
        self.store.flush()
        due = [a for a in self.table if a.review_due_at <= now]
        return sorted(due, key=lambda a: a.review_due_at)[:limit]


class FakePointLots:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table = _lots(store)

    def add(self, lot: PointLot) -> None:
        self.table.add(lot)

    async def by_award(self, source: str, source_id: str, rule: str) -> PointLot | None:
        self.store.flush()
        return next(
            (lot for lot in self.table if _award_key(lot) == (source, source_id, rule)), None
        )

    async def open_of(self, owner_id: int) -> Sequence[PointLot]:
        self.store.flush()
        lots = [lot for lot in self.table if lot.owner_id == owner_id and lot.remaining > 0]
        return sorted(lots, key=lambda lot: (lot.expires_at, _id(lot)))

    async def of_owner(self, owner_id: int) -> Sequence[PointLot]:
        self.store.flush()
        return sorted((lot for lot in self.table if lot.owner_id == owner_id), key=_id)

    async def get_many(self, ids: Collection[int]) -> dict[int, PointLot]:
        self.store.flush()
        return {lot.id: lot for lot in self.table if lot.id is not None and lot.id in ids}

    async def awards_since(self, owner_id: int, rule: str, since: datetime) -> int:
        self.store.flush()
        lots = [
            lot
            for lot in self.table
            if lot.owner_id == owner_id and lot.rule == rule and lot.earned_at >= since
        ]
        with_lot = {_award_key(lot) for lot in self.table}
        status_only = [
            award
            for award in _status_awards(self.store)
            if award.owner_id == owner_id
            and award.rule == rule
            and award.earned_at >= since
            and _award_key(award) not in with_lot
        ]
        return len(lots) + len(status_only)

    async def expire(self, now: datetime) -> int:
        self.store.flush()
        due = [lot for lot in self.table if lot.expires_at <= now and lot.remaining > 0]
        journal = _entries(self.store)
        for lot in due:
            journal.add(
                LedgerEntry(
                    owner_id=lot.owner_id,
                    kind=EntryKind.EXPIRE,
                    points=-lot.remaining,
                    created_at=now,
                    lot_id=lot.id,
                )
            )
            lot.remaining = 0
        self.store.flush()
        return len(due)


class FakePointSpends:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[PointSpend] = store.table(
            "point_spends", lambda s: (s.owner_id, s.request_key)
        )
        self.allocations_table: Table[SpendAllocation] = store.table(
            "spend_allocations", lambda a: (a.spend_id, a.lot_id)
        )

    def add(self, spend: PointSpend) -> None:
        self.table.add(spend)

    def add_allocation(self, allocation: SpendAllocation) -> None:
        self.allocations_table.add(allocation)

    async def get(self, spend_id: int) -> PointSpend | None:
        self.store.flush()
        return next((s for s in self.table if s.id == spend_id), None)

    async def allocations(self, spend_id: int) -> Sequence[SpendAllocation]:
        self.store.flush()
        mine = [a for a in self.allocations_table if a.spend_id == spend_id]
        return sorted(mine, key=lambda a: a.lot_id)


class FakeLedger:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table = _entries(store)

    def add(self, entry: LedgerEntry) -> None:
        self.table.add(entry)

    def _by_id(self) -> list[LedgerEntry]:
        self.store.flush()
        return sorted(self.table, key=_id)

    async def creating(self, lot_id: int) -> LedgerEntry | None:
        return next((e for e in self._by_id() if e.lot_id == lot_id), None)

    async def spending(self, spend_id: int) -> LedgerEntry | None:
        return next((e for e in self._by_id() if e.spend_id == spend_id and e.points < 0), None)

    async def of_owner(self, owner_id: int, offset: int, limit: int) -> Sequence[LedgerEntry]:
        mine = [e for e in self._by_id() if e.owner_id == owner_id]
        mine.sort(key=lambda e: (e.created_at, _id(e)), reverse=True)
        return mine[offset : offset + limit]

    async def count_of_owner(self, owner_id: int) -> int:
        return sum(1 for e in self._by_id() if e.owner_id == owner_id)

    async def export(self, since: datetime | None) -> Sequence[tuple[LedgerEntry, str]]:
        markets = {o.id: o.market for o in self.store.table("owners")}
        return [
            (entry, markets[entry.owner_id])
            for entry in self._by_id()
            if entry.owner_id in markets and (since is None or entry.created_at >= since)
        ]


class FakeStatusAwards:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table = _status_awards(store)

    def add(self, award: StatusAward) -> None:
        self.table.add(award)

    async def by_award(self, source: str, source_id: str, rule: str) -> StatusAward | None:
        self.store.flush()
        return next((a for a in self.table if _award_key(a) == (source, source_id, rule)), None)

    async def of_awards(
        self, owner_id: int, keys: Collection[tuple[str, str, str]]
    ) -> Sequence[StatusAward]:
        self.store.flush()
        wanted = set(keys)
        return [a for a in self.table if a.owner_id == owner_id and _award_key(a) in wanted]

    async def points_since(self, owner_id: int, since: datetime) -> int:
        self.store.flush()
        return sum(
            a.points
            for a in self.table
            if a.owner_id == owner_id and a.earned_at > since and a.reversed_at is None
        )


class FakeRewardStock:
    """Unlimited stock is None."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[RewardStock] = store.table(
            "reward_stock",
            lambda s: (s.market, s.reward_key),
            checks=(lambda s: s.stock is None or s.stock >= 0,),
        )

    def _row(self, market: str, key: str) -> RewardStock | None:
        self.store.flush()
        return next((s for s in self.table if (s.market, s.reward_key) == (market, key)), None)

    async def sync(self, rewards: Collection[RewardInfo]) -> None:
        for reward in rewards:
            if self._row(reward.market, reward.key) is None:
                self.table.add(RewardStock(reward.market, reward.key, reward.initial_stock))
        self.store.flush()

    async def left(self, market: str, key: str) -> int | None:
        row = self._row(market, key)
        return None if row is None else row.stock

    async def take_one(self, market: str, key: str) -> bool:
        row = self._row(market, key)
        if row is None or (row.stock is not None and row.stock <= 0):
            return False
        if row.stock is not None:
            row.stock -= 1
        return True

    async def put_back(self, market: str, key: str) -> None:
        row = self._row(market, key)
        if row is not None and row.stock is not None:
            row.stock += 1

    async def set(self, market: str, key: str, stock: int | None) -> None:
        row = self._row(market, key)
        if row is not None:
            row.stock = stock


class FakeRedemptions:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[Redemption] = store.table(
            "redemptions",
            lambda r: (r.owner_id, r.request_key),
            lambda r: r.code,
            lambda r: r.receipt,
        )

    def add(self, redemption: Redemption) -> None:
        self.table.add(redemption)

    async def get(self, redemption_id: int) -> Redemption | None:
        self.store.flush()
        return next((r for r in self.table if r.id == redemption_id), None)

    async def lock(self, redemption_id: int) -> Redemption | None:
        """One test, one task: nothing to wait for."""
        return await self.get(redemption_id)

    async def by_code(self, code: str) -> Redemption | None:
        self.store.flush()
        return next((r for r in self.table if r.code == code), None)

    async def by_request(self, owner_id: int, request_key: str) -> Redemption | None:
        self.store.flush()
        return next(
            (r for r in self.table if (r.owner_id, r.request_key) == (owner_id, request_key)),
            None,
        )

    async def of_owner(self, owner_id: int) -> Sequence[Redemption]:
        self.store.flush()
        mine = [r for r in self.table if r.owner_id == owner_id]
        return sorted(mine, key=lambda r: (r.issued_at, _id(r)), reverse=True)

    async def expire(self, now: datetime) -> int:
        self.store.flush()
        due = [
            r
            for r in self.table
            if r.status is RedemptionStatus.ISSUED
            and r.valid_until is not None
            and r.valid_until <= now
        ]
        for redemption in due:
            redemption.status = RedemptionStatus.EXPIRED
        return len(due)
