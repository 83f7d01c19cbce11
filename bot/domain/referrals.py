"""Referrals: an owner recommends a friend; the dealer moves the friend through the sales
stages; rewards follow the stages. Pure rules, `now` passed in.

The fraud and fairness rules live here as small functions, each answering one question
with a reason the owner can be told politely:

- `refusal`: may this lead be recorded at all? (never for oneself, at most five
  submitted a day)
- `no_reward_at_lead`: recorded, but can it ever earn? (not if the friend already is an
  owner or was a lead in the last 90 days, not for staff)
- `no_reward_at_payout`: may this stage pay now? (ten rewarded referrals a year, never
  twice for the same friend, never for a car the owner already has, not for staff)
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

ATTRIBUTION_DAYS = 90  # a link opened this long ago still counts; also the "recent lead" window
RECENT_LEAD_DAYS = 90
DAILY_SUBMISSIONS = 5  # leads an owner may submit in chat per local day
YEARLY_REWARDED = 10  # referrals that may earn rewards per owner per rolling year
YEAR = timedelta(days=365)

LINK_PREFIX = "ref_"
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
CODE_LENGTH = 12  # 12 characters of 56: about 70 random bits
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # Telegram's rule for ?start= payloads

REWARD_SOURCE = "referral"  # the ledger's source for every referral award
TEST_DRIVE_RULE = "referral_test_drive"
DELIVERED_RULE = "referral_delivered"
WELCOME_PERK_RULE = "welcome_perk"


class Stage(StrEnum):
    LEAD = "lead"
    CONTACTED = "contacted"
    TEST_DRIVE_BOOKED = "test_drive_booked"
    TEST_DRIVE_DONE = "test_drive_done"
    ORDER = "order"
    DELIVERED = "delivered"
    LOST = "lost"
    ORDER_CANCELLED = "order_cancelled"

    @property
    def rank(self) -> int:
        """Position in the funnel; -1 for the exits (lost, cancelled)."""
        return FUNNEL.index(self) if self in FUNNEL else -1

    @property
    def is_exit(self) -> bool:
        return self in (Stage.LOST, Stage.ORDER_CANCELLED)


FUNNEL = (
    Stage.LEAD,
    Stage.CONTACTED,
    Stage.TEST_DRIVE_BOOKED,
    Stage.TEST_DRIVE_DONE,
    Stage.ORDER,
    Stage.DELIVERED,
)

# Which activity (bot/data/loyalty.toml) pays when the friend reaches a stage.
STAGE_REWARDS: dict[Stage, str] = {
    Stage.TEST_DRIVE_DONE: TEST_DRIVE_RULE,
    Stage.DELIVERED: DELIVERED_RULE,
}


class Source(StrEnum):
    LINK = "link"  # the friend opened the owner's personal link
    CHAT = "chat"  # the owner submitted the friend in chat


class Refusal(StrEnum):
    """The lead is not recorded."""

    SELF_USER = "self_user"  # the owner opened their own link
    SELF_PHONE = "self_phone"  # the owner's own number
    DAILY_LIMIT = "daily_limit"


class NoReward(StrEnum):
    """The lead is recorded for the dealer, but it earns nothing."""

    ALREADY_OWNER = "already_owner"
    RECENT_LEAD = "recent_lead"  # someone recommended the friend in the last 90 days
    STAFF = "staff"  # dealer staff don't earn referral rewards
    YEARLY_LIMIT = "yearly_limit"
    PAID_BEFORE = "paid_before"  # a reward was already paid for this friend
    OWN_VEHICLE = "own_vehicle"  # the delivered car is one the owner already has


# --- the link ----------------------------------------------------------------------------


def new_code() -> str:
    """Random and unguessable; no look-alike characters, so it can be read out."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


def link_payload(code: str) -> str:
    payload = LINK_PREFIX + code
    if not _PAYLOAD.match(payload):
        raise ValueError(f"not a valid start payload: {payload!r}")
    return payload


def code_from_payload(payload: str) -> str | None:
    """The referral code in a /start payload, or None if it is not a referral link."""
    text = payload.strip()
    if not text.startswith(LINK_PREFIX) or not _PAYLOAD.match(text):
        return None
    code = text[len(LINK_PREFIX) :]
    return code if len(code) == CODE_LENGTH else None


def attribution_valid(attributed_at: datetime, now: datetime) -> bool:
    return now - attributed_at <= timedelta(days=ATTRIBUTION_DAYS)


# --- stages --------------------------------------------------------------------------------


class Move(StrEnum):
    ADVANCE = "advance"  # a real change
    ALREADY = "already"  # the referral is at or past this stage: nothing to do
    REFUSED = "refused"  # not allowed (backwards, or out of a closed referral)


def check_move(current: Stage, furthest: Stage, target: Stage) -> Move:
    """Stages only move forward; "lost" and "order cancelled" are the exceptions.

    - Forward along the funnel, skipping stages if the dealer's system did.
    - Lost: from any open stage before the order. A lost friend may come back later,
      to a stage beyond the furthest they had reached.
    - Order cancelled: from an order or a delivery. Final.
    - Asking for a stage already reached (a second tap, a re-imported file) is harmless.
    """
    if target == current:
        return Move.ALREADY
    if current is Stage.ORDER_CANCELLED:
        return Move.REFUSED
    if target is Stage.LOST:
        return Move.ADVANCE if current.rank in range(0, Stage.ORDER.rank) else Move.REFUSED
    if target is Stage.ORDER_CANCELLED:
        return Move.ADVANCE if current in (Stage.ORDER, Stage.DELIVERED) else Move.REFUSED
    if current is Stage.LOST:
        return Move.ADVANCE if target.rank > furthest.rank else Move.REFUSED
    if target.rank <= furthest.rank:
        return Move.ALREADY
    return Move.ADVANCE


def next_stages(current: Stage, furthest: Stage, limit: int = 2) -> list[Stage]:
    """What staff are offered next: the next funnel stages, then the exit that applies."""
    forward = [s for s in FUNNEL if check_move(current, furthest, s) is Move.ADVANCE][:limit]
    exits = [
        s
        for s in (Stage.LOST, Stage.ORDER_CANCELLED)
        if check_move(current, furthest, s) is Move.ADVANCE
    ]
    return forward + exits


def furthest_reached(changes: Sequence[StageChange]) -> Stage:
    """The furthest funnel stage a referral reached through these history lines (it
    starts as a lead)."""
    reached = [c.to_stage for c in changes if c.to_stage.rank >= 0]
    return max(reached, key=lambda s: s.rank, default=Stage.LEAD)


def rewards_crossed(before: Stage, after: Stage) -> list[str]:
    """Rules paid by moving from `before` (furthest reached) to `after`: every rewarded
    stage passed on the way (a dealer system may skip straight to the order)."""
    return [rule for stage, rule in STAGE_REWARDS.items() if before.rank < stage.rank <= after.rank]


def reverse_on_cancel(delivered_at: datetime | None, now: datetime, pending_days: int) -> bool:
    """A delivery reward is withdrawn if the order is cancelled while it is still pending."""
    return delivered_at is not None and now < delivered_at + timedelta(days=pending_days)


@dataclass(frozen=True)
class Payout:
    """Points one stage paid the owner under one rule."""

    rule: str
    points: int
    pending_until: datetime | None = None  # spendable from then; None: spendable now


@dataclass(frozen=True)
class StageRewards:
    """What the owner is told a stage change did to their points: paid, taken back, or
    nothing and why."""

    paid: tuple[Payout, ...] = ()
    withdrawn: int = 0  # delivery points taken back on a cancellation
    no_reward: NoReward | None = None  # found at this change: it paid nothing, and why

    def then(self, later: StageRewards) -> StageRewards:
        """Two changes told as one (a CRM file that moved a friend twice): a delivery
        reward paid and withdrawn again in between is neither earned nor lost."""
        withdrawn = later.withdrawn
        paid = list(self.paid)
        if withdrawn:
            undone = [p for p in paid if p.rule == DELIVERED_RULE]
            paid = [p for p in paid if p.rule != DELIVERED_RULE]
            withdrawn = max(withdrawn - sum(p.points for p in undone), 0)
        return StageRewards(
            paid=(*paid, *later.paid),
            withdrawn=self.withdrawn + withdrawn,
            no_reward=later.no_reward or self.no_reward,
        )


# --- fraud and fairness ------------------------------------------------------------------


@dataclass(frozen=True)
class LeadFacts:
    """What the rules need to know about a new lead."""

    source: Source
    friend_phone: str
    referrer_phone: str | None
    friend_user_id: int | None = None  # the friend's chat user, when they came by link
    referrer_user_ids: frozenset[int] = field(default_factory=frozenset)
    submitted_today: int = 0  # leads the owner already submitted in chat today
    friend_is_owner: bool = False
    previous_lead_at: datetime | None = None  # the latest earlier lead for this phone
    referrer_is_staff: bool = False


def refusal(facts: LeadFacts) -> Refusal | None:
    if facts.friend_user_id is not None and facts.friend_user_id in facts.referrer_user_ids:
        return Refusal.SELF_USER
    if facts.referrer_phone is not None and facts.friend_phone == facts.referrer_phone:
        return Refusal.SELF_PHONE
    if facts.source is Source.CHAT and facts.submitted_today >= DAILY_SUBMISSIONS:
        return Refusal.DAILY_LIMIT
    return None


def no_reward_at_lead(facts: LeadFacts, now: datetime) -> NoReward | None:
    if facts.friend_is_owner:
        return NoReward.ALREADY_OWNER
    if facts.previous_lead_at is not None and now - facts.previous_lead_at <= timedelta(
        days=RECENT_LEAD_DAYS
    ):
        return NoReward.RECENT_LEAD
    if facts.referrer_is_staff:
        return NoReward.STAFF
    return None


@dataclass(frozen=True)
class PayoutFacts:
    """What the rules need to know when a stage is about to pay."""

    already_rewarded: bool  # this referral earned before (it counts once in the year)
    rewarded_this_year: int  # the owner's other referrals rewarded in the last 365 days
    friend_paid_before: bool  # another referral of this friend earned a reward
    referrer_is_staff: bool
    vehicle_of_referrer: bool = False  # the delivered VIN is already the owner's car


def no_reward_at_payout(facts: PayoutFacts) -> NoReward | None:
    if facts.referrer_is_staff:
        return NoReward.STAFF
    if facts.vehicle_of_referrer:
        return NoReward.OWN_VEHICLE
    if facts.friend_paid_before:
        return NoReward.PAID_BEFORE
    if not facts.already_rewarded and facts.rewarded_this_year >= YEARLY_REWARDED:
        return NoReward.YEARLY_LIMIT
    return None


def friend_perk_allowed(no_reward: NoReward | None) -> bool:
    """The friend's welcome gift depends on the friend, not on the owner's limits: it is
    withheld only when the friend was no new customer of this referral."""
    return no_reward not in (
        NoReward.ALREADY_OWNER,
        NoReward.RECENT_LEAD,
        NoReward.PAID_BEFORE,
        NoReward.OWN_VEHICLE,
    )


# --- what is stored (mapped onto tables by storage/mapping.py) ---------------------------


@dataclass(eq=False)
class ReferralCode:
    """An owner's personal link code: created once, never changes."""

    owner_id: int
    code: str
    created_at: datetime


@dataclass(eq=False)
class Attribution:
    """Someone opened an owner's link. The first link a person opens wins."""

    channel: str
    user_id: int
    referrer_id: int
    attributed_at: datetime
    referral_id: int | None = None  # the lead it became once they shared their phone
    id: int | None = None


@dataclass(eq=False)
class Referral:
    referrer_id: int
    market: str
    dealer_code: str
    friend_name: str
    friend_phone: str | None  # E.164; None once the friend asked us to forget them
    source: Source
    created_at: datetime
    stage: Stage = Stage.LEAD
    furthest: Stage = Stage.LEAD  # the furthest funnel stage reached
    progress: int = 0  # furthest.rank, for set-based funnel queries
    stage_at: datetime | None = None
    model: str | None = None
    consent_at: datetime | None = None  # when the friend's consent to be contacted was given
    no_reward: NoReward | None = None  # recorded for sales, but it earns nothing
    friend_account_id: int | None = None  # the friend's chat account (link referrals)
    delivered_at: datetime | None = None
    rewarded_at: datetime | None = None  # the first reward paid for this referral
    owner_told: Stage = Stage.LEAD  # the last stage the owner was told about
    id: int | None = None

    @property
    def current(self) -> Stage:
        return self.stage

    @property
    def reached(self) -> Stage:
        return self.furthest

    def move_to(self, target: Stage, at: datetime) -> None:
        self.stage = target
        self.stage_at = at
        if target.rank > self.furthest.rank:
            self.furthest = target
            self.progress = target.rank
        if target is Stage.DELIVERED:
            self.delivered_at = at


@dataclass(eq=False)
class StageChange:
    """The history: who moved which referral where, when. Never edited."""

    referral_id: int
    from_stage: Stage | None  # None: the referral was recorded
    to_stage: Stage
    changed_at: datetime  # when it happened (the dealer system's time for imports)
    recorded_at: datetime
    actor: str  # "telegram:123", "import:crm.csv", "system"
    note: str = ""
    id: int | None = None


# --- numbers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelRow:
    """One market and dealer: how many friends reached each stage, and what was paid."""

    market: str
    dealer_code: str
    reached: tuple[int, ...]  # per FUNNEL stage: referrals that got at least that far
    lost: int = 0
    cancelled: int = 0
    no_reward: int = 0
    points_paid: int = 0  # spendable (or spent) and not withdrawn
    points_pending: int = 0  # still pending (delivery rewards' 14 days)

    @property
    def leads(self) -> int:
        return self.reached[0]

    def conversion(self, stage: Stage) -> float | None:
        """Share of the previous stage that got this far (None for the first or an
        empty previous stage)."""
        rank = stage.rank
        if rank <= 0 or not self.reached[rank - 1]:
            return None
        return self.reached[rank] / self.reached[rank - 1]


def total_row(rows: list[FunnelRow], market: str = "", dealer_code: str = "") -> FunnelRow:
    return FunnelRow(
        market=market,
        dealer_code=dealer_code,
        reached=tuple(sum(r.reached[i] for r in rows) for i in range(len(FUNNEL))),
        lost=sum(r.lost for r in rows),
        cancelled=sum(r.cancelled for r in rows),
        no_reward=sum(r.no_reward for r in rows),
        points_paid=sum(r.points_paid for r in rows),
        points_pending=sum(r.points_pending for r in rows),
    )
