"""The points ledger: the single way points change (DESIGN.md, "Points are a ledger").

Every balance change locks the owner's loyalty account row first, so concurrent
redemptions queue and can never overdraw (PostgreSQL: SELECT ... FOR UPDATE; SQLite:
the transaction already holds the write lock). Awards are idempotent on (source,
source id, rule); spends on (owner, request key).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.events import (
    TierDemoted,
    TierDemotionNotice,
    TierPromoted,
    VisitCompleted,
    VisitRefunded,
)
from bot.domain.loyalty import (
    EntryKind,
    InsufficientPoints,
    LedgerEntry,
    LoyaltyAccount,
    LoyaltyError,
    LoyaltyRules,
    PointLot,
    PointSpend,
    Redemption,
    RedemptionStatus,
    ReviewOutcome,
    RewardCategory,
    RewardInfo,
    SpendAllocation,
    SpendKind,
    StatusAward,
    Tier,
    TierPerks,
    TierProgress,
    allocate,
    lot_dates,
    points_for_payment,
    promotion,
    spendable_balance,
    tier_below,
    tier_progress,
    yearly_review,
)
from bot.domain.owners import Owner
from bot.domain.reference import Reference
from bot.domain.staff import StaffMember
from bot.services.bus import MessageBus
from bot.services.ports import UnitOfWork
from bot.services.staff import audit

REVIEW_PERIOD = timedelta(days=365)
EXPIRING_SOON = timedelta(days=30)

PAID_SERVICE = "paid_service"
BOOKING_ATTENDED = "booking_attended"
ADJUSTMENT = "adjustment"


class AwardOutcome(StrEnum):
    AWARDED = "awarded"
    DUPLICATE = "duplicate"  # this (source, source id, rule) was paid before
    CAPPED = "capped"  # the rule's monthly cap is reached
    NOTHING = "nothing"  # zero points


@dataclass(frozen=True)
class Award:
    owner_id: int
    rule: str
    source: str
    source_id: str
    points: int = 0
    status_points: int = 0
    pending_days: int = 0
    monthly_cap: int | None = None
    reason: str = ""
    actor: str = "system"


class Unavailability(StrEnum):
    TIER = "tier"  # the owner's tier is below the reward's
    STOCK = "stock"  # none left in the market


class RewardUnavailable(LoyaltyError):
    """Out of stock, or the owner's tier is too low."""

    def __init__(self, why: Unavailability, min_tier: Tier | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.min_tier = min_tier


class VoucherRefusal(StrEnum):
    UNKNOWN = "unknown"  # no voucher has this code (or it is someone else's)
    ELSEWHERE = "elsewhere"  # a voucher of another market
    USED = "used"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    DONATED = "donated"  # a donation receipt, not a voucher


_REFUSAL_FOR_STATUS = {
    RedemptionStatus.USED: VoucherRefusal.USED,
    RedemptionStatus.EXPIRED: VoucherRefusal.EXPIRED,
    RedemptionStatus.CANCELLED: VoucherRefusal.CANCELLED,
    RedemptionStatus.DONATED: VoucherRefusal.DONATED,
}


def _refusal(redemption: Redemption) -> VoucherRefusal:
    """Why a voucher that is not usable now can't be; an issued one has run out."""
    return _REFUSAL_FOR_STATUS.get(redemption.status, VoucherRefusal.EXPIRED)


class VoucherProblem(LoyaltyError):
    """A voucher code that is unknown, used, expired, cancelled or from elsewhere."""

    def __init__(self, why: VoucherRefusal, redemption: Redemption | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.redemption = redemption


class ReasonRequired(LoyaltyError):
    pass


# --- awards ------------------------------------------------------------------------------


async def award(
    uow: UnitOfWork, reference: Reference, grant: Award, *, market: str, now: datetime
) -> AwardOutcome:
    """Pay an award once. Checks run under the account lock, so a replay racing the
    original still finds it."""
    if grant.points <= 0 and grant.status_points <= 0:
        return AwardOutcome.NOTHING
    repo = uow.loyalty
    rules = reference.rules(market)
    account = await repo.lock_account(grant.owner_id, now, now + REVIEW_PERIOD)
    if await repo.lot_by_award(
        grant.source, grant.source_id, grant.rule
    ) or await repo.status_by_award(grant.source, grant.source_id, grant.rule):
        return AwardOutcome.DUPLICATE
    if grant.monthly_cap is not None:
        since = _month_start(now, reference.market(market).timezone)
        if await repo.awards_since(grant.owner_id, grant.rule, since) >= grant.monthly_cap:
            return AwardOutcome.CAPPED
    if grant.points > 0:
        available, expires = lot_dates(now, grant.pending_days, rules.expiry_months)
        lot = PointLot(
            owner_id=grant.owner_id,
            points=grant.points,
            remaining=grant.points,
            source=grant.source,
            source_id=grant.source_id,
            rule=grant.rule,
            earned_at=now,
            available_at=available,
            expires_at=expires,
            reason=grant.reason,
            actor=grant.actor,
        )
        repo.add(lot)
        await repo.flush()
        repo.add(
            LedgerEntry(
                owner_id=grant.owner_id,
                kind=EntryKind.ADJUST if grant.rule == ADJUSTMENT else EntryKind.EARN,
                points=grant.points,
                created_at=now,
                source=grant.source,
                source_id=grant.source_id,
                rule=grant.rule,
                lot_id=lot.id,
                reason=grant.reason,
                actor=grant.actor,
            )
        )
    if grant.status_points > 0:
        repo.add(
            StatusAward(
                owner_id=grant.owner_id,
                points=grant.status_points,
                source=grant.source,
                source_id=grant.source_id,
                rule=grant.rule,
                earned_at=now,
            )
        )
    await repo.flush()
    await _promote_if_earned(uow, account, rules, now)
    return AwardOutcome.AWARDED


async def award_activity(
    uow: UnitOfWork,
    reference: Reference,
    *,
    owner_id: int,
    market: str,
    rule: str,
    source: str,
    source_id: str,
    now: datetime,
    actor: str = "system",
    reason: str = "",
) -> AwardOutcome:
    """An activity award as the market's rules price it (bot/data/loyalty.toml)."""
    activity = reference.rules(market).activity(rule)
    return await award(
        uow,
        reference,
        Award(
            owner_id=owner_id,
            rule=rule,
            source=source,
            source_id=source_id,
            points=activity.points,
            status_points=activity.status,
            pending_days=activity.pending_days,
            monthly_cap=activity.monthly_cap,
            reason=reason,
            actor=actor,
        ),
        market=market,
        now=now,
    )


async def reverse_award(
    uow: UnitOfWork,
    *,
    source: str,
    source_id: str,
    rule: str,
    now: datetime,
    reason: str,
    actor: str = "system",
) -> int:
    """Undo an award: what is left of its lot goes, its status points stop counting.

    Points already spent stay spent (a balance never goes negative); the reversal
    entry points at the entry it undoes. Reversing twice changes nothing.
    """
    repo = uow.loyalty
    lot = await repo.lot_by_award(source, source_id, rule)
    status = await repo.status_by_award(source, source_id, rule)
    if lot is None and status is None:
        return 0
    owner_id = lot.owner_id if lot is not None else status.owner_id  # type: ignore[union-attr]
    await repo.lock_account(owner_id, now, now + REVIEW_PERIOD)
    reversed_points = 0
    if lot is not None and lot.remaining > 0:
        assert lot.id is not None
        reversed_points = lot.remaining
        lot.remaining = 0
        undone = await repo.creating_entry(lot.id)
        repo.add(
            LedgerEntry(
                owner_id=owner_id,
                kind=EntryKind.REVERSE,
                points=-reversed_points,
                created_at=now,
                source=source,
                source_id=source_id,
                rule=rule,
                lot_id=lot.id,
                reverses_id=undone.id if undone else None,
                reason=reason,
                actor=actor,
            )
        )
    if status is not None and status.reversed_at is None:
        status.reversed_at = now
    await repo.flush()
    return reversed_points


# --- the domain events loyalty reacts to ------------------------------------------------


def subscribe(bus: MessageBus, reference: Reference) -> None:
    async def visit_completed(uow: UnitOfWork, event: VisitCompleted, now: datetime) -> None:
        owner = await uow.owners.get(event.owner_id)
        if owner is None or owner.erased_at is not None:
            return
        rules = reference.rules(owner.market)
        points, status = points_for_payment(event.invoice_minor, rules)
        await award(
            uow,
            reference,
            Award(
                owner_id=event.owner_id,
                rule=PAID_SERVICE,
                source="visit",
                source_id=str(event.visit_id),
                points=points,
                status_points=status,
                pending_days=rules.pending_days,
            ),
            market=owner.market,
            now=now,
        )
        if event.booking_id is not None:  # came as booked: the activity award
            await award_activity(
                uow,
                reference,
                owner_id=event.owner_id,
                market=owner.market,
                rule=BOOKING_ATTENDED,
                source="booking",
                source_id=str(event.booking_id),
                now=now,
            )

    async def visit_refunded(uow: UnitOfWork, event: VisitRefunded, now: datetime) -> None:
        await reverse_award(
            uow,
            source="visit",
            source_id=str(event.visit_id),
            rule=PAID_SERVICE,
            now=now,
            reason="visit refunded",
        )

    bus.subscribe(VisitCompleted, visit_completed)
    bus.subscribe(VisitRefunded, visit_refunded)


# --- redemptions -------------------------------------------------------------------------


@dataclass(frozen=True)
class RedeemResult:
    redemption: Redemption
    balance_after: int
    repeated: bool = False  # the same request again: nothing new was spent


async def redeem(
    uow: UnitOfWork,
    reward: RewardInfo,
    *,
    owner: Owner,
    request_key: str,
    now: datetime,
) -> RedeemResult:
    """Spend points on a reward. Raises InsufficientPoints or RewardUnavailable."""
    assert owner.id is not None
    repo = uow.loyalty
    account = await repo.lock_account(owner.id, now, now + REVIEW_PERIOD)
    earlier = await repo.redemption_by_request(owner.id, request_key)
    if earlier is not None:
        return RedeemResult(earlier, await _balance(uow, owner.id, now), repeated=True)
    if account.tier.rank < reward.min_tier.rank:
        raise RewardUnavailable(Unavailability.TIER, reward.min_tier)
    lots = {lot.id: lot for lot in await repo.open_lots(owner.id)}
    taken = allocate([lot.view() for lot in lots.values()], reward.points, now)
    if not await repo.take_stock(reward.market, reward.key):
        raise RewardUnavailable(Unavailability.STOCK)
    spend = await _spend(
        uow, owner.id, lots, taken, kind=SpendKind.REDEEM, request_key=request_key, now=now
    )
    repo.add(
        LedgerEntry(
            owner_id=owner.id,
            kind=EntryKind.REDEEM,
            points=-reward.points,
            created_at=now,
            source="reward",
            source_id=reward.key,
            rule=reward.category,
            spend_id=spend.id,
        )
    )
    charity = reward.category is RewardCategory.CHARITY
    redemption = Redemption(
        owner_id=owner.id,
        market=reward.market,
        reward_key=reward.key,
        points=reward.points,
        spend_id=spend.id or 0,
        status=RedemptionStatus.DONATED if charity else RedemptionStatus.ISSUED,
        request_key=request_key,
        issued_at=now,
        valid_until=None if charity else now + timedelta(days=reward.validity_days),
        code=None if charity else new_voucher_code(),
        receipt=new_receipt_number(now) if charity else None,
    )
    repo.add(redemption)
    await repo.flush()
    balance = spendable_balance((lot.view() for lot in lots.values()), now)
    return RedeemResult(redemption, balance)


async def cancel_redemption(
    uow: UnitOfWork, *, owner_id: int, redemption_id: int, now: datetime
) -> int:
    """Cancel an unused voucher: the exact lots it consumed get their points back
    (what has expired since stays expired). Returns the points refunded."""
    repo = uow.loyalty
    redemption = await repo.redemption(redemption_id)
    if redemption is None or redemption.owner_id != owner_id:
        raise VoucherProblem(VoucherRefusal.UNKNOWN)
    await repo.lock_account(owner_id, now, now + REVIEW_PERIOD)
    if not redemption.usable(now):
        raise VoucherProblem(_refusal(redemption), redemption)
    spend = await repo.spend(redemption.spend_id)
    assert spend is not None
    assert spend.id is not None
    allocations = await repo.allocations(spend.id)
    lots = await repo.lots([a.lot_id for a in allocations])
    refunded = 0
    for allocation in allocations:
        lot = lots[allocation.lot_id]
        if lot.expires_at > now:
            lot.remaining += allocation.points
            refunded += allocation.points
    undone = await repo.spend_entry(spend.id)
    repo.add(
        LedgerEntry(
            owner_id=owner_id,
            kind=EntryKind.REFUND,
            points=refunded,
            created_at=now,
            source="reward",
            source_id=redemption.reward_key,
            rule="cancelled",
            spend_id=spend.id,
            reverses_id=undone.id if undone else None,
        )
    )
    spend.refunded_at = now
    redemption.status = RedemptionStatus.CANCELLED
    redemption.cancelled_at = now
    await repo.return_stock(redemption.market, redemption.reward_key)
    await repo.flush()
    return refunded


async def use_voucher(
    uow: UnitOfWork,
    reference: Reference,
    *,
    code: str,
    staff: StaffMember,
    actor: str,
    now: datetime,
) -> Redemption:
    """A dealer takes a voucher: it must exist, be valid, and belong to their market."""
    redemption = await uow.loyalty.redemption_by_code(normalize_voucher_code(code))
    if redemption is None:
        raise VoucherProblem(VoucherRefusal.UNKNOWN)
    dealer = reference.dealers.get(staff.dealer_code or "")
    if staff.role != "admin" and (dealer is None or dealer.market != redemption.market):
        raise VoucherProblem(VoucherRefusal.ELSEWHERE, redemption)
    if not redemption.usable(now):
        raise VoucherProblem(_refusal(redemption), redemption)
    redemption.status = RedemptionStatus.USED
    redemption.used_at = now
    redemption.used_by = actor
    audit(uow, actor, "voucher.use", f"owner:{redemption.owner_id}", "", now, code=redemption.code)
    return redemption


# Crockford's base32 without look-alikes: easy to read aloud at a service desk.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_voucher_code() -> str:
    """60 random bits, grouped for reading: AU-7KQ4-9XHF-2M3P."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"AU-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def normalize_voucher_code(raw: str) -> str:
    cleaned = "".join(ch for ch in raw.upper() if ch.isalnum())
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if cleaned.startswith("AU"):
        cleaned = cleaned[2:]
    if len(cleaned) != 12:
        return raw.strip().upper()
    return f"AU-{cleaned[:4]}-{cleaned[4:8]}-{cleaned[8:]}"


def new_receipt_number(now: datetime) -> str:
    return f"DON-{now:%Y}-{secrets.token_hex(4).upper()}"


# --- staff adjustments -----------------------------------------------------------------


async def adjust(
    uow: UnitOfWork,
    reference: Reference,
    *,
    owner: Owner,
    delta: int,
    reason: str,
    actor: str,
    now: datetime,
) -> int:
    """A staff correction with a mandatory reason; returns the new spendable balance."""
    assert owner.id is not None
    if not reason.strip():
        raise ReasonRequired
    if delta == 0:
        raise ValueError("an adjustment changes the balance")
    request = secrets.token_hex(8)
    if delta > 0:
        await award(
            uow,
            reference,
            Award(
                owner_id=owner.id,
                rule=ADJUSTMENT,
                source="staff",
                source_id=request,
                points=delta,
                reason=reason,
                actor=actor,
            ),
            market=owner.market,
            now=now,
        )
    else:
        await _deduct(uow, owner.id, -delta, reason=reason, actor=actor, request=request, now=now)
    audit(uow, actor, "points.adjust", f"owner:{owner.id}", reason, now, points=delta)
    return await _balance(uow, owner.id, now)


async def _deduct(
    uow: UnitOfWork,
    owner_id: int,
    points: int,
    *,
    reason: str,
    actor: str,
    request: str,
    now: datetime,
) -> None:
    repo = uow.loyalty
    await repo.lock_account(owner_id, now, now + REVIEW_PERIOD)
    lots = {lot.id: lot for lot in await repo.open_lots(owner_id)}
    taken = allocate([lot.view() for lot in lots.values()], points, now)
    spend = await _spend(
        uow, owner_id, lots, taken, kind=SpendKind.ADJUST, request_key=request, now=now
    )
    repo.add(
        LedgerEntry(
            owner_id=owner_id,
            kind=EntryKind.ADJUST,
            points=-points,
            created_at=now,
            source="staff",
            source_id=request,
            rule=ADJUSTMENT,
            spend_id=spend.id,
            reason=reason,
            actor=actor,
        )
    )
    await repo.flush()


async def _spend(
    uow: UnitOfWork,
    owner_id: int,
    lots: dict[int | None, PointLot],
    taken: list[tuple[int, int]],
    *,
    kind: SpendKind,
    request_key: str,
    now: datetime,
) -> PointSpend:
    """Record a spend and take its points from the lots `allocate` chose."""
    spend = PointSpend(
        owner_id=owner_id,
        points=sum(points for _, points in taken),
        kind=kind,
        request_key=request_key,
        created_at=now,
    )
    uow.loyalty.add(spend)
    await uow.loyalty.flush()
    assert spend.id is not None
    for lot_id, points in taken:
        lots[lot_id].remaining -= points
        uow.loyalty.add(SpendAllocation(spend_id=spend.id, lot_id=lot_id, points=points))
    return spend


# --- what the owner sees -----------------------------------------------------------------


@dataclass(frozen=True)
class PointsSummary:
    balance: int
    pending: list[tuple[datetime, int]]  # (available at, points), soonest first
    expiring: list[tuple[datetime, int]]  # within 30 days: (expires at, points)
    progress: TierProgress
    perks: TierPerks

    @property
    def tier(self) -> Tier:
        return self.progress.tier

    @property
    def pending_total(self) -> int:
        return sum(points for _, points in self.pending)

    @property
    def expiring_total(self) -> int:
        return sum(points for _, points in self.expiring)


async def summary(
    uow: UnitOfWork, reference: Reference, owner: Owner, now: datetime
) -> PointsSummary:
    assert owner.id is not None
    rules = reference.rules(owner.market)
    lots = await uow.loyalty.open_lots(owner.id)
    account = await uow.loyalty.account(owner.id)
    tier = account.tier if account else Tier.EXPLORER
    status = await uow.loyalty.status_points(
        owner.id, now - timedelta(days=rules.status_window_days)
    )
    pending: dict[datetime, int] = {}
    expiring: dict[datetime, int] = {}
    for lot in lots:
        if lot.available_at > now:
            pending[lot.available_at] = pending.get(lot.available_at, 0) + lot.remaining
        elif now < lot.expires_at <= now + EXPIRING_SOON:
            expiring[lot.expires_at] = expiring.get(lot.expires_at, 0) + lot.remaining
    return PointsSummary(
        balance=spendable_balance((lot.view() for lot in lots), now),
        pending=sorted(pending.items()),
        expiring=sorted(expiring.items()),
        progress=tier_progress(tier, status, rules.thresholds),
        perks=rules.perks[tier],
    )


async def _balance(uow: UnitOfWork, owner_id: int, now: datetime) -> int:
    return spendable_balance((lot.view() for lot in await uow.loyalty.open_lots(owner_id)), now)


async def tier_of(uow: UnitOfWork, owner_id: int) -> Tier:
    account = await uow.loyalty.account(owner_id)
    return account.tier if account else Tier.EXPLORER


@dataclass(frozen=True)
class HistoryPage:
    entries: Sequence[LedgerEntry]
    page: int
    pages: int


async def history(uow: UnitOfWork, owner_id: int, page: int, size: int = 8) -> HistoryPage:
    total = await uow.loyalty.count_entries(owner_id)
    pages = max((total + size - 1) // size, 1)
    page = min(max(page, 0), pages - 1)
    return HistoryPage(await uow.loyalty.entries(owner_id, page * size, size), page, pages)


# --- jobs ----------------------------------------------------------------------------------


async def expire(uow: UnitOfWork, now: datetime) -> tuple[int, int]:
    """Close expired lots and vouchers, set-based. Returns (lots, vouchers)."""
    return await uow.loyalty.expire_lots(now), await uow.loyalty.expire_vouchers(now)


@dataclass
class ReviewReport:
    kept: int = 0
    noticed: int = 0
    demoted: int = 0
    owners: list[int] = field(default_factory=list)


async def review_tiers(
    uow: UnitOfWork, reference: Reference, now: datetime, limit: int = 1000
) -> ReviewReport:
    """The yearly review: keep, warn (30-day grace), or demote by one tier."""
    report = ReviewReport()
    for account in await uow.loyalty.accounts_due_for_review(now, limit):
        owner = await uow.owners.get(account.owner_id)
        if owner is None:
            continue
        rules = reference.rules(owner.market)
        status = await uow.loyalty.status_points(
            owner.id or 0, now - timedelta(days=rules.status_window_days)
        )
        tier = account.tier
        outcome = yearly_review(
            tier,
            status,
            rules.thresholds,
            account.demotion_notice_at,
            now,
            rules.demotion_grace_days,
        )
        report.owners.append(account.owner_id)
        if outcome is ReviewOutcome.NOTICE:
            account.demotion_notice_at = now
            demote_on = now + timedelta(days=rules.demotion_grace_days)
            uow.events.append(TierDemotionNotice(account.owner_id, tier, demote_on, now))
            report.noticed += 1
        elif outcome is ReviewOutcome.DEMOTE:
            lower = tier_below(tier)
            account.tier, account.tier_since = lower, now
            account.review_due_at, account.demotion_notice_at = now + REVIEW_PERIOD, None
            uow.events.append(TierDemoted(account.owner_id, tier, lower, now))
            report.demoted += 1
        elif (
            account.demotion_notice_at is None
            or tier is Tier.EXPLORER
            or status >= rules.thresholds[tier]
        ):
            account.review_due_at, account.demotion_notice_at = now + REVIEW_PERIOD, None
            report.kept += 1
    return report


async def _promote_if_earned(
    uow: UnitOfWork, account: LoyaltyAccount, rules: LoyaltyRules, now: datetime
) -> None:
    status = await uow.loyalty.status_points(
        account.owner_id, now - timedelta(days=rules.status_window_days)
    )
    higher = promotion(account.tier, status, rules.thresholds)
    if higher is None:
        return
    old = account.tier
    account.tier, account.tier_since = higher, now
    account.review_due_at, account.demotion_notice_at = now + REVIEW_PERIOD, None
    uow.events.append(TierPromoted(account.owner_id, old, higher, now))


def _month_start(now: datetime, zone: str) -> datetime:
    local = now.astimezone(ZoneInfo(zone))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


__all__ = [
    "Award",
    "AwardOutcome",
    "InsufficientPoints",
    "ReasonRequired",
    "RewardUnavailable",
    "Unavailability",
    "VoucherProblem",
    "VoucherRefusal",
    "adjust",
    "award",
    "award_activity",
    "cancel_redemption",
    "expire",
    "history",
    "redeem",
    "reverse_award",
    "review_tiers",
    "subscribe",
    "summary",
    "tier_of",
    "use_voucher",
]
