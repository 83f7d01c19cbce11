"""What the loyalty services need from storage: one small repository per aggregate
(implemented in storage/loyalty/; tests fake them in tests/fakes/loyalty_repos.py)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from bot.domain.loyalty import (
    LedgerEntry,
    LoyaltyAccount,
    PointLot,
    PointSpend,
    Redemption,
    RewardInfo,
    SpendAllocation,
    StatusAward,
)


class LoyaltyAccountRepository(Protocol):
    async def get(self, owner_id: int) -> LoyaltyAccount | None: ...
    async def lock(self, owner_id: int, now: datetime, review_due: datetime) -> LoyaltyAccount:
        """The owner's account, created on first use, locked until commit. Every balance
        change takes this lock first, so concurrent redemptions queue (PostgreSQL:
        SELECT ... FOR UPDATE; SQLite: BEGIN IMMEDIATE already holds the write lock)."""
        ...

    async def due_for_review(self, now: datetime, limit: int) -> Sequence[LoyaltyAccount]:
        """Accounts whose yearly review is due, the longest overdue first."""
        ...


class PointLotRepository(Protocol):
    def add(self, lot: PointLot) -> None: ...
    async def by_award(self, source: str, source_id: str, rule: str) -> PointLot | None: ...
    async def open_of(self, owner_id: int) -> Sequence[PointLot]:
        """The owner's lots with points left, nearest expiry first."""
        ...

    async def get_many(self, ids: Collection[int]) -> dict[int, PointLot]: ...
    async def of_owner(self, owner_id: int) -> Sequence[PointLot]:
        """Every lot of the owner, spent or not."""
        ...

    async def awards_since(self, owner_id: int, rule: str, since: datetime) -> int:
        """Awards under `rule` since `since` (monthly caps): lots, and status awards
        that came without a lot."""
        ...

    async def expire(self, now: datetime) -> int:
        """Close every lot past its expiry and journal what each lost; set-based.
        Returns the number of lots closed."""
        ...


class PointSpendRepository(Protocol):
    def add(self, spend: PointSpend) -> None: ...
    def add_allocation(self, allocation: SpendAllocation) -> None: ...
    async def get(self, spend_id: int) -> PointSpend | None: ...
    async def allocations(self, spend_id: int) -> Sequence[SpendAllocation]:
        """Which lots paid for the spend, by lot."""
        ...


class LedgerRepository(Protocol):
    """The journal: every movement of points, signed."""

    def add(self, entry: LedgerEntry) -> None: ...
    async def creating(self, lot_id: int) -> LedgerEntry | None:
        """The entry that created the lot (an earn or a positive adjustment)."""
        ...

    async def spending(self, spend_id: int) -> LedgerEntry | None:
        """The entry that took the spend's points (a redemption or a deduction)."""
        ...

    async def of_owner(self, owner_id: int, offset: int, limit: int) -> Sequence[LedgerEntry]:
        """Newest first."""
        ...

    async def count_of_owner(self, owner_id: int) -> int: ...
    async def export(self, since: datetime | None) -> Sequence[tuple[LedgerEntry, str]]:
        """Every entry (since a moment) with its owner's market, oldest first (finance)."""
        ...


class StatusAwardRepository(Protocol):
    def add(self, award: StatusAward) -> None: ...
    async def by_award(self, source: str, source_id: str, rule: str) -> StatusAward | None: ...
    async def of_awards(
        self, owner_id: int, keys: Collection[tuple[str, str, str]]
    ) -> Sequence[StatusAward]:
        """The owner's status awards under these (source, source id, rule) keys."""
        ...

    async def points_since(self, owner_id: int, since: datetime) -> int:
        """Status points earned after `since` and not reversed."""
        ...


class RewardStockRepository(Protocol):
    """How many of a reward are left in a market; None is unlimited."""

    async def sync(self, rewards: Collection[RewardInfo]) -> None:
        """New rewards get their initial stock; existing stock is left alone."""
        ...

    async def left(self, market: str, key: str) -> int | None: ...
    async def take_one(self, market: str, key: str) -> bool:
        """Atomically take one item; False when none is left."""
        ...

    async def put_back(self, market: str, key: str) -> None: ...
    async def set(self, market: str, key: str, stock: int | None) -> None: ...


class RedemptionRepository(Protocol):
    """Vouchers and donation receipts."""

    def add(self, redemption: Redemption) -> None: ...
    async def get(self, redemption_id: int) -> Redemption | None: ...
    async def by_code(self, code: str) -> Redemption | None: ...
    async def lock(self, redemption_id: int) -> Redemption | None:
        """The redemption re-read under a row lock: its status is the latest, and no other
        transaction changes it until this one ends (a desk using it, its owner cancelling)."""
        ...

    async def by_request(self, owner_id: int, request_key: str) -> Redemption | None: ...
    async def of_owner(self, owner_id: int) -> Sequence[Redemption]:
        """Newest first."""
        ...

    async def expire(self, now: datetime) -> int:
        """Issued vouchers past their validity become expired; set-based."""
        ...
