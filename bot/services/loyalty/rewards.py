"""Spending points on rewards: vouchers and donations, cancelled or used at a dealer.

Spends are idempotent on (owner, request key): a second tap on "confirm" redeems once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.loyalty import (
    EntryKind,
    LedgerEntry,
    LoyaltyError,
    Redemption,
    RedemptionStatus,
    RewardCategory,
    RewardInfo,
    SpendKind,
    Tier,
    allocate,
    spendable_balance,
)
from bot.domain.owners import Owner
from bot.domain.reference import Reference
from bot.domain.staff import StaffMember
from bot.services.loyalty.ledger import balance, lock_account, open_lots, spend
from bot.services.ports import UnitOfWork
from bot.services.staff import audit


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


class VoucherProblem(LoyaltyError):
    """A voucher code that is unknown, used, expired, cancelled or from elsewhere."""

    def __init__(self, why: VoucherRefusal, redemption: Redemption | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.redemption = redemption


def _refusal(redemption: Redemption) -> VoucherRefusal:
    """Why a voucher that is not usable now can't be; an issued one has run out."""
    return _REFUSAL_FOR_STATUS.get(redemption.status, VoucherRefusal.EXPIRED)


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
    account = await lock_account(uow, owner.id, now)
    earlier = await uow.redemptions.by_request(owner.id, request_key)
    if earlier is not None:
        return RedeemResult(earlier, await balance(uow, owner.id, now), repeated=True)
    if account.tier.rank < reward.min_tier.rank:
        raise RewardUnavailable(Unavailability.TIER, reward.min_tier)
    lots = await open_lots(uow, owner.id)
    taken = allocate([lot.view() for lot in lots.values()], reward.points, now)
    if not await uow.reward_stock.take_one(reward.market, reward.key):
        raise RewardUnavailable(Unavailability.STOCK)
    spent = await spend(
        uow, owner.id, lots, taken, kind=SpendKind.REDEEM, request_key=request_key, now=now
    )
    uow.ledger.add(
        LedgerEntry(
            owner_id=owner.id,
            kind=EntryKind.REDEEM,
            points=-reward.points,
            created_at=now,
            source="reward",
            source_id=reward.key,
            rule=reward.category,
            spend_id=spent.id,
        )
    )
    charity = reward.category is RewardCategory.CHARITY
    redemption = Redemption(
        owner_id=owner.id,
        market=reward.market,
        reward_key=reward.key,
        points=reward.points,
        spend_id=spent.id or 0,
        status=RedemptionStatus.DONATED if charity else RedemptionStatus.ISSUED,
        request_key=request_key,
        issued_at=now,
        valid_until=None if charity else now + timedelta(days=reward.validity_days),
        code=None if charity else new_voucher_code(),
        receipt=new_receipt_number(now) if charity else None,
    )
    uow.redemptions.add(redemption)
    await uow.flush()
    left = spendable_balance((lot.view() for lot in lots.values()), now)
    return RedeemResult(redemption, left)


async def cancel_redemption(
    uow: UnitOfWork, *, owner_id: int, redemption_id: int, now: datetime
) -> int:
    """Cancel an unused voucher: the exact lots it consumed get their points back
    (what has expired since stays expired). Returns the points refunded."""
    found = await uow.redemptions.get(redemption_id)
    if found is None or found.owner_id != owner_id:
        raise VoucherProblem(VoucherRefusal.UNKNOWN)
    await lock_account(uow, owner_id, now)
    # The voucher itself is locked too (account, then voucher: the order every use
    # case takes), so a desk using it at this moment and this cancel have one winner.
    redemption = await uow.redemptions.lock(redemption_id)
    assert redemption is not None
    if not redemption.usable(now):
        raise VoucherProblem(_refusal(redemption), redemption)
    spent = await uow.point_spends.get(redemption.spend_id)
    assert spent is not None
    assert spent.id is not None
    allocations = await uow.point_spends.allocations(spent.id)
    lots = await uow.point_lots.get_many([a.lot_id for a in allocations])
    refunded = 0
    for allocation in allocations:
        lot = lots[allocation.lot_id]
        if lot.expires_at > now:
            lot.remaining += allocation.points
            refunded += allocation.points
    undone = await uow.ledger.spending(spent.id)
    uow.ledger.add(
        LedgerEntry(
            owner_id=owner_id,
            kind=EntryKind.REFUND,
            points=refunded,
            created_at=now,
            source="reward",
            source_id=redemption.reward_key,
            rule="cancelled",
            spend_id=spent.id,
            reverses_id=undone.id if undone else None,
        )
    )
    spent.refunded_at = now
    redemption.status = RedemptionStatus.CANCELLED
    redemption.cancelled_at = now
    await uow.reward_stock.put_back(redemption.market, redemption.reward_key)
    await uow.flush()
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
    """A dealer takes a voucher: it must exist, be valid, and belong to their market.

    The voucher row is locked before its status is read (compare-and-set under the
    lock): of two desks taking the same code, or a desk and its owner cancelling it,
    exactly one wins and the other is told the voucher's new status."""
    found = await uow.redemptions.by_code(normalize_voucher_code(code))
    if found is None or found.id is None:
        raise VoucherProblem(VoucherRefusal.UNKNOWN)
    redemption = await uow.redemptions.lock(found.id)
    if redemption is None:
        raise VoucherProblem(VoucherRefusal.UNKNOWN)
    if not staff.serves_market(redemption.market, reference.dealers):
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
