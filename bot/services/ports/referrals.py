"""Referrals (implemented in storage/repositories/referrals.py): leads and what the fairness
rules ask about them, the stage history, personal codes, link attributions, the funnel."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from bot.domain.referrals import Attribution, FunnelRow, Referral, ReferralCode, StageChange


class ReferralRepository(Protocol):
    def add(self, referral: Referral) -> None: ...
    async def get(self, referral_id: int) -> Referral | None: ...
    async def lock(self, referral_id: int) -> Referral | None:
        """The referral, locked until commit (two staff tapping at once queue here)."""
        ...

    async def of_referrer(self, owner_id: int, offset: int, limit: int) -> Sequence[Referral]: ...
    async def count_of_referrer(self, owner_id: int) -> int: ...
    async def for_phone(self, phone: str) -> Sequence[Referral]:
        """Every referral of this friend's number, oldest first."""
        ...

    async def open_at(
        self, dealer_codes: Collection[str] | None, delivered_since: datetime, limit: int
    ) -> Sequence[Referral]:
        """Referrals still in progress at these dealers (None: every dealer), newest first;
        delivered ones only since `delivered_since` (an order may still be cancelled)."""
        ...

    async def forget_friend(self, phone: str) -> None:
        """Erasure: the person's name and number leave the referrals that name them as
        the friend (the anonymous stages stay)."""
        ...


class ReferralFacts(Protocol):
    """What the fraud and fairness rules (bot.domain.referrals) ask about past leads."""

    async def latest_lead_at(self, phone: str) -> datetime | None: ...
    async def friend_rewarded(self, phone: str, other_than: int) -> bool:
        """Did another referral of this friend earn a reward?"""
        ...

    async def submitted_since(self, owner_id: int, since: datetime) -> int: ...
    async def rewarded_since(self, owner_id: int, since: datetime, other_than: int) -> int: ...


class StageHistory(Protocol):
    """Who moved which referral where, when. Never edited."""

    def add(self, change: StageChange) -> None: ...
    async def of_referral(self, referral_id: int) -> Sequence[StageChange]: ...


class ReferralCodes(Protocol):
    async def code_of(self, owner_id: int) -> ReferralCode | None: ...
    async def by_code(self, code: str) -> ReferralCode | None: ...
    async def insert(self, owner_id: int, code: str, now: datetime) -> None:
        """Store the owner's code unless they have one (a racing request may)."""
        ...


class Attributions(Protocol):
    """Who opened whose link; the first link a person opens wins."""

    async def attribute(self, channel: str, user_id: int, referrer_id: int, now: datetime) -> bool:
        """Record who referred this chat user; False if someone already had (first wins)."""
        ...

    async def of_user(self, channel: str, user_id: int) -> Attribution | None: ...
    async def forget(self, users: Collection[tuple[str, int]]) -> None:
        """Erasure: these chat users' link attributions go."""
        ...


class ReferralFunnel(Protocol):
    async def funnel(
        self, *, market: str | None, since: datetime | None, now: datetime
    ) -> Sequence[FunnelRow]:
        """Per market and dealer: referrals reaching each stage, exits, points paid and
        pending. Set-based, for `ownerbot report referrals` and the KPI reports."""
        ...
