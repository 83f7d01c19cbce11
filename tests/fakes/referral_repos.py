"""In-memory referrals, the fairness facts, stage history, codes and attributions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from bot.domain.referrals import (
    Attribution,
    Referral,
    ReferralCode,
    Source,
    Stage,
    StageChange,
)
from tests.fakes.store import Store, Table


def _referrals(store: Store) -> Table[Referral]:
    return store.table("referrals")


class FakeReferralRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table = _referrals(store)

    def add(self, referral: Referral) -> None:
        self.table.add(referral)

    async def get(self, referral_id: int) -> Referral | None:
        self.store.flush()
        return next((r for r in self.table if r.id == referral_id), None)

    async def lock(self, referral_id: int) -> Referral | None:
        return await self.get(referral_id)

    async def of_referrer(self, owner_id: int, offset: int, limit: int) -> Sequence[Referral]:
        self.store.flush()
        return _newest_first([r for r in self.table if r.referrer_id == owner_id])[
            offset : offset + limit
        ]

    async def count_of_referrer(self, owner_id: int) -> int:
        self.store.flush()
        return sum(1 for r in self.table if r.referrer_id == owner_id)

    async def for_phone(self, phone: str) -> Sequence[Referral]:
        self.store.flush()
        mine = [r for r in self.table if r.friend_phone == phone]
        return sorted(mine, key=lambda r: (r.created_at, r.id or 0))

    async def open_at(
        self, dealer_codes: Collection[str] | None, delivered_since: datetime, limit: int
    ) -> Sequence[Referral]:
        self.store.flush()
        found = [
            r
            for r in self.table
            if r.stage not in (Stage.LOST, Stage.ORDER_CANCELLED)
            and (
                r.stage is not Stage.DELIVERED
                or (r.delivered_at is not None and r.delivered_at >= delivered_since)
            )
            and (dealer_codes is None or r.dealer_code in dealer_codes)
        ]
        return _newest_first(found)[:limit]

    async def forget_friend(self, phone: str) -> None:
        self.store.flush()
        for referral in self.table:
            if referral.friend_phone == phone:
                referral.friend_phone, referral.friend_name = None, ""


def _newest_first(referrals: list[Referral]) -> list[Referral]:
    return sorted(referrals, key=lambda r: (r.created_at, r.id or 0), reverse=True)


class FakeReferralFacts:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table = _referrals(store)

    async def latest_lead_at(self, phone: str) -> datetime | None:
        self.store.flush()
        return max((r.created_at for r in self.table if r.friend_phone == phone), default=None)

    async def friend_rewarded(self, phone: str, other_than: int) -> bool:
        self.store.flush()
        return any(
            r.friend_phone == phone and r.id != other_than and r.rewarded_at is not None
            for r in self.table
        )

    async def submitted_since(self, owner_id: int, since: datetime) -> int:
        self.store.flush()
        return sum(
            1
            for r in self.table
            if r.referrer_id == owner_id and r.source is Source.CHAT and r.created_at >= since
        )

    async def rewarded_since(self, owner_id: int, since: datetime, other_than: int) -> int:
        self.store.flush()
        return sum(
            1
            for r in self.table
            if r.referrer_id == owner_id
            and r.id != other_than
            and r.rewarded_at is not None
            and r.rewarded_at >= since
        )


class FakeStageHistory:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[StageChange] = store.table("referral_stage_changes")

    def add(self, change: StageChange) -> None:
        self.table.add(change)

    async def of_referral(self, referral_id: int) -> Sequence[StageChange]:
        self.store.flush()
        return sorted(
            (c for c in self.table if c.referral_id == referral_id), key=lambda c: c.id or 0
        )


class FakeReferralCodes:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[ReferralCode] = store.table(
            "referral_codes", lambda c: c.owner_id, lambda c: c.code
        )

    async def code_of(self, owner_id: int) -> ReferralCode | None:
        self.store.flush()
        return next((c for c in self.table if c.owner_id == owner_id), None)

    async def by_code(self, code: str) -> ReferralCode | None:
        self.store.flush()
        return next((c for c in self.table if c.code == code), None)

    async def insert(self, owner_id: int, code: str, now: datetime) -> None:
        """Ignored if the owner has a code, or the code is taken (INSERT ... ON CONFLICT)."""
        self.store.flush()
        if any(c.owner_id == owner_id or c.code == code for c in self.table):
            return
        self.table.add(ReferralCode(owner_id=owner_id, code=code, created_at=now))


class FakeAttributions:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table: Table[Attribution] = store.table(
            "referral_attributions", lambda a: (a.channel, a.user_id)
        )

    async def attribute(self, channel: str, user_id: int, referrer_id: int, now: datetime) -> bool:
        if await self.of_user(channel, user_id) is not None:
            return False
        self.table.add(
            Attribution(
                channel=channel, user_id=user_id, referrer_id=referrer_id, attributed_at=now
            )
        )
        self.store.flush()
        return True

    async def of_user(self, channel: str, user_id: int) -> Attribution | None:
        self.store.flush()
        return next((a for a in self.table if (a.channel, a.user_id) == (channel, user_id)), None)

    async def forget(self, users: Collection[tuple[str, int]]) -> None:
        self.store.flush()
        for attribution in self.table:
            if (attribution.channel, attribution.user_id) in users:
                self.table.delete(attribution)
