"""Loyalty rules: spendable points as lots, status points for tiers, rewards.

Pure functions and value types; the ledger services (bot/services/loyalty/) apply
them inside a unit of work. Points and money are integers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.months import add_months


class Tier(StrEnum):
    EXPLORER = "explorer"  # new owners
    COMPANION = "companion"  # returning or referring owners
    CO_CREATOR = "co_creator"  # deeply engaged owners

    @property
    def rank(self) -> int:
        return TIER_ORDER.index(self)


TIER_ORDER = (Tier.EXPLORER, Tier.COMPANION, Tier.CO_CREATOR)


class EntryKind(StrEnum):
    EARN = "earn"
    REDEEM = "redeem"
    REFUND = "refund"  # a cancelled voucher gives its lots back
    EXPIRE = "expire"
    REVERSE = "reverse"  # an earn undone (refund of the paid service, cancelled order)
    ADJUST = "adjust"  # staff correction, always with a reason


class SpendKind(StrEnum):
    REDEEM = "redeem"
    ADJUST = "adjust"


class RewardCategory(StrEnum):
    SERVICE_VOUCHER = "service_voucher"
    PARTNER_PERK = "partner_perk"
    CHARITY = "charity"
    MERCHANDISE = "merchandise"


class RedemptionStatus(StrEnum):
    ISSUED = "issued"
    USED = "used"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    DONATED = "donated"  # charity: no voucher, a receipt


class LoyaltyError(Exception):
    """A rule said no; the owner gets a clear, localized reason."""


class InsufficientPoints(LoyaltyError):
    def __init__(self, balance: int, needed: int) -> None:
        super().__init__(f"balance {balance} < {needed}")
        self.balance = balance
        self.needed = needed


@dataclass(frozen=True)
class ActivityRule:
    points: int
    status: int
    monthly_cap: int | None = None
    pending_days: int = 0


@dataclass(frozen=True)
class TierPerks:
    service_discount_percent: int
    priority_booking_days: int  # how far ahead this tier may book service
    dedicated_technician: bool = False
    test_drive_priority: bool = False
    council_invitation: bool = False


@dataclass(frozen=True)
class LoyaltyRules:
    """One market's programme. Defaults come from bot/data/loyalty.toml."""

    minor_per_point: int  # paid service: one spendable point per this many minor units
    minor_per_status_point: int
    thresholds: dict[Tier, int]  # status points over a rolling 12 months
    perks: dict[Tier, TierPerks]
    activities: dict[str, ActivityRule] = field(default_factory=dict)
    pending_days: int = 14
    expiry_months: int = 24
    demotion_grace_days: int = 30
    status_window_days: int = 365

    def activity(self, rule: str) -> ActivityRule:
        return self.activities[rule]


# --- earning -------------------------------------------------------------------------


def points_for_payment(invoice_minor: int, rules: LoyaltyRules) -> tuple[int, int]:
    """(spendable, status) points for a paid invoice, rounded down."""
    if invoice_minor <= 0:
        return 0, 0
    return invoice_minor // rules.minor_per_point, invoice_minor // rules.minor_per_status_point


def lot_dates(now: datetime, pending_days: int, expiry_months: int) -> tuple[datetime, datetime]:
    """When a new lot becomes spendable, and when what is left of it expires."""
    available = now + timedelta(days=pending_days)
    return available, add_months(available, expiry_months)


# --- lots ------------------------------------------------------------------------------


@dataclass
class LotView:
    """What allocation needs to know about a lot."""

    id: int
    remaining: int
    available_at: datetime
    expires_at: datetime

    def spendable(self, now: datetime) -> bool:
        return self.remaining > 0 and self.available_at <= now < self.expires_at

    def pending(self, now: datetime) -> bool:
        return self.remaining > 0 and now < self.available_at


def spendable_balance(lots: Iterable[LotView], now: datetime) -> int:
    return sum(lot.remaining for lot in lots if lot.spendable(now))


def allocate(lots: Sequence[LotView], amount: int, now: datetime) -> list[tuple[int, int]]:
    """Which lots pay for `amount`: nearest expiry first, then oldest. [(lot id, points)].

    Raises InsufficientPoints rather than ever taking more than is spendable.
    """
    if amount <= 0:
        raise ValueError("spend a positive amount")
    usable = sorted(
        (lot for lot in lots if lot.spendable(now)), key=lambda lot: (lot.expires_at, lot.id)
    )
    balance = sum(lot.remaining for lot in usable)
    if balance < amount:
        raise InsufficientPoints(balance, amount)
    taken: list[tuple[int, int]] = []
    left = amount
    for lot in usable:
        take = min(lot.remaining, left)
        taken.append((lot.id, take))
        left -= take
        if left == 0:
            break
    return taken


# --- tiers -----------------------------------------------------------------------------


def tier_for_status(status_points: int, thresholds: dict[Tier, int]) -> Tier:
    earned = Tier.EXPLORER
    for tier in TIER_ORDER[1:]:
        if status_points >= thresholds[tier]:
            earned = tier
    return earned


def promotion(current: Tier, status_points: int, thresholds: dict[Tier, int]) -> Tier | None:
    """Promotion is immediate: the higher tier the status points reach, if any."""
    reached = tier_for_status(status_points, thresholds)
    return reached if reached.rank > current.rank else None


class ReviewOutcome(StrEnum):
    KEEP = "keep"
    NOTICE = "notice"  # below the threshold: warn, demote after the grace period
    DEMOTE = "demote"


def yearly_review(
    current: Tier,
    status_points: int,
    thresholds: dict[Tier, int],
    notice_at: datetime | None,
    now: datetime,
    grace_days: int,
) -> ReviewOutcome:
    """Demotion happens only at the yearly review, one tier at most, after a notice."""
    if current is Tier.EXPLORER or status_points >= thresholds[current]:
        return ReviewOutcome.KEEP
    if notice_at is None:
        return ReviewOutcome.NOTICE
    if now - notice_at >= timedelta(days=grace_days):
        return ReviewOutcome.DEMOTE
    return ReviewOutcome.KEEP


def tier_below(tier: Tier) -> Tier:
    return TIER_ORDER[max(tier.rank - 1, 0)]


@dataclass(frozen=True)
class TierProgress:
    tier: Tier
    next_tier: Tier | None
    status_points: int
    needed: int  # status points still missing for the next tier
    fraction: float  # 0..1 of the way from this tier's threshold to the next


def tier_progress(tier: Tier, status_points: int, thresholds: dict[Tier, int]) -> TierProgress:
    if tier is Tier.CO_CREATOR:
        return TierProgress(tier, None, status_points, 0, 1.0)
    next_tier = TIER_ORDER[tier.rank + 1]
    floor = thresholds.get(tier, 0) if tier is not Tier.EXPLORER else 0
    target = thresholds[next_tier]
    needed = max(target - status_points, 0)
    span = max(target - floor, 1)
    fraction = min(max((status_points - floor) / span, 0.0), 1.0)
    return TierProgress(tier, next_tier, status_points, needed, fraction)


def progress_bar(fraction: float, width: int = 10) -> str:
    filled = round(fraction * width)
    return "▰" * filled + "▱" * (width - filled)


# --- what the ledger stores (mapped onto tables by storage/mapping.py) --------------


@dataclass(eq=False)
class LoyaltyAccount:
    """One per owner; also the row a redemption locks."""

    owner_id: int
    tier: Tier
    tier_since: datetime
    review_due_at: datetime
    demotion_notice_at: datetime | None = None


@dataclass(eq=False)
class PointLot:
    """Every earn is a lot: pending until `available_at`, the rest expires at `expires_at`."""

    owner_id: int
    points: int
    remaining: int
    source: str  # what paid: "visit", "referral", "staff", "survey", ...
    source_id: str  # which one
    rule: str  # under which rule: "paid_service", "referral_delivered", ...
    earned_at: datetime
    available_at: datetime
    expires_at: datetime
    reason: str = ""
    actor: str = "system"
    id: int | None = None

    def view(self) -> LotView:
        assert self.id is not None
        return LotView(self.id, self.remaining, self.available_at, self.expires_at)


@dataclass(eq=False)
class LedgerEntry:
    """The journal: every movement, signed, pointing at what it touched or undoes."""

    owner_id: int
    kind: EntryKind
    points: int
    created_at: datetime
    source: str = ""
    source_id: str = ""
    rule: str = ""
    lot_id: int | None = None
    spend_id: int | None = None
    reverses_id: int | None = None
    reason: str = ""
    actor: str = "system"
    id: int | None = None


@dataclass(eq=False)
class PointSpend:
    owner_id: int
    points: int
    kind: SpendKind
    request_key: str  # the same request twice spends once
    created_at: datetime
    refunded_at: datetime | None = None
    id: int | None = None


@dataclass(eq=False)
class SpendAllocation:
    spend_id: int
    lot_id: int
    points: int


@dataclass(eq=False)
class StatusAward:
    """Status points count toward tiers over a rolling window; never spent."""

    owner_id: int
    points: int
    source: str
    source_id: str
    rule: str
    earned_at: datetime
    reversed_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class RewardInfo:
    """A reward of the catalogue in one market (bot/data/rewards.toml)."""

    key: str
    market: str
    category: RewardCategory
    points: int
    min_tier: Tier
    validity_days: int
    initial_stock: int | None
    titles: dict[str, str]
    descriptions: dict[str, str]
    donation_minor: int = 0  # charity: what the brand donates for these points

    def title(self, locale: str) -> str:
        return self.titles.get(locale) or self.titles["en"]

    def description(self, locale: str) -> str:
        return self.descriptions.get(locale) or self.descriptions["en"]


@dataclass(eq=False)
class RewardStock:
    market: str
    reward_key: str
    stock: int | None  # None: unlimited


@dataclass(eq=False)
class Redemption:
    owner_id: int
    market: str
    reward_key: str
    points: int
    spend_id: int
    status: RedemptionStatus
    request_key: str
    issued_at: datetime
    valid_until: datetime | None
    code: str | None = None  # the voucher code shown at the dealer
    receipt: str | None = None  # charity donation receipt number
    used_at: datetime | None = None
    used_by: str | None = None
    cancelled_at: datetime | None = None
    id: int | None = None

    def usable(self, now: datetime) -> bool:
        return self.status is RedemptionStatus.ISSUED and (
            self.valid_until is None or now < self.valid_until
        )
