"""Life-cycle care: which message is due when, and whether it may go out now.

Pure rules. The planner (bot/services/care.py) turns the schedule into outbox rows with
set-based queries; the sender checks the guardrails here at send time, in the owner's
own time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Category(StrEnum):
    SAFETY = "safety"  # recalls: sent even to owners who declined marketing
    TRANSACTIONAL = "transactional"  # booking reminders, news the owner asked to follow
    SERVICE = "service"  # maintenance, warranty, surveys: needs service consent
    MARKETING = "marketing"  # offers, birthdays, win-back: needs marketing consent


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender; the lease says until when
    SENT = "sent"
    SKIPPED = "skipped"  # no longer relevant or not allowed (reason recorded)
    FAILED = "failed"  # the owner blocked the bot
    DEAD = "dead"  # gave up after repeated errors (reason recorded)


class Rule(StrEnum):
    WELCOME = "welcome"
    TIPS_DAY_7 = "tips_day_7"
    TIPS_DAY_30 = "tips_day_30"
    FIRST_SERVICE = "first_service"
    MAINTENANCE_DUE = "maintenance_due"
    WARRANTY_EXPIRY = "warranty_expiry"
    INSPECTION_DUE = "inspection_due"
    INSURANCE_RENEWAL = "insurance_renewal"
    REGISTRATION_RENEWAL = "registration_renewal"
    RECALL = "recall"
    BOOKING_REMINDER = "booking_reminder"
    SURVEY = "survey"
    SURVEY_NUDGE = "survey_nudge"
    BIRTHDAY = "birthday"
    ANNIVERSARY = "anniversary"
    POINTS_EXPIRING = "points_expiring"
    TIER_PROMOTED = "tier_promoted"
    TIER_DEMOTION_NOTICE = "tier_demotion_notice"
    WIN_BACK = "win_back"
    TRADE_IN = "trade_in"
    REFERRAL_STAGE = "referral_stage"  # a friend's stage came in from the CRM import
    WELCOME_GIFT = "welcome_gift"  # to the friend: their gift, paid by a CRM import
    ANNOUNCEMENT = "announcement"  # staff's news to a segment (bot/domain/announcements.py)
    EVENT_REMINDER = "event_reminder"  # a club event tomorrow, to each owner with a seat
    EVENT_SURVEY = "event_survey"  # the day after, to those who came
    EVENT_CANCELLED = "event_cancelled"  # called off: to each owner with a seat or waiting


CATEGORY_OF: dict[Rule, Category] = {
    Rule.WELCOME: Category.SERVICE,
    Rule.TIPS_DAY_7: Category.SERVICE,
    Rule.TIPS_DAY_30: Category.SERVICE,
    Rule.FIRST_SERVICE: Category.SERVICE,
    Rule.MAINTENANCE_DUE: Category.SERVICE,
    Rule.WARRANTY_EXPIRY: Category.SERVICE,
    Rule.INSPECTION_DUE: Category.SERVICE,
    Rule.INSURANCE_RENEWAL: Category.SERVICE,
    Rule.REGISTRATION_RENEWAL: Category.SERVICE,
    Rule.RECALL: Category.SAFETY,
    Rule.BOOKING_REMINDER: Category.TRANSACTIONAL,
    Rule.SURVEY: Category.SERVICE,
    Rule.SURVEY_NUDGE: Category.SERVICE,
    Rule.BIRTHDAY: Category.MARKETING,
    Rule.ANNIVERSARY: Category.MARKETING,
    Rule.POINTS_EXPIRING: Category.SERVICE,
    Rule.TIER_PROMOTED: Category.SERVICE,
    Rule.TIER_DEMOTION_NOTICE: Category.SERVICE,
    Rule.WIN_BACK: Category.MARKETING,
    Rule.TRADE_IN: Category.MARKETING,
    # The owner asked to follow their friend; the gift is news of the friend's own account.
    Rule.REFERRAL_STAGE: Category.TRANSACTIONAL,
    Rule.WELCOME_GIFT: Category.TRANSACTIONAL,
    Rule.ANNOUNCEMENT: Category.MARKETING,
    Rule.EVENT_REMINDER: Category.SERVICE,
    Rule.EVENT_SURVEY: Category.SERVICE,
    Rule.EVENT_CANCELLED: Category.TRANSACTIONAL,  # about a seat the owner took
}

# A reminder two hours before an 8:00 visit can't wait for the window to open; a recall
# notice can wait until morning.
IGNORES_QUIET_HOURS = frozenset({Category.TRANSACTIONAL})
# Transactional, but news that can wait until morning (a nightly CRM import).
WAITS_FOR_DAYTIME = frozenset({Rule.REFERRAL_STAGE, Rule.WELCOME_GIFT})
# Transactional news that waits for the morning unless the morning is too late (an
# event called off the evening before it starts goes out at once).
WAITS_FOR_DAYTIME_IF_IN_TIME = frozenset({Rule.EVENT_CANCELLED})
# The morning is too late when it leaves less than this before the message expires.
IN_TIME_MARGIN = timedelta(hours=2)
# News of the moment: an owner over the marketing caps is not sent it days later.
SKIPS_WHEN_CAPPED = frozenset({Rule.ANNOUNCEMENT})


class Segment(StrEnum):
    NEW = "new"  # delivered less than 90 days ago
    ACTIVE = "active"
    AT_RISK = "at_risk"  # first service done, no return within 6 months
    DORMANT = "dormant"  # no visit for 9 months
    LOST = "lost"  # no visit for 18 months


@dataclass(frozen=True)
class CarePolicy:
    """Timings and guardrails; per market overrides live in bot/data/care.toml."""

    first_service_lead_days: int = 30
    maintenance_lead_days: tuple[int, ...] = (30, 7)
    maintenance_overdue_days: int = 30
    warranty_lead_days: tuple[int, ...] = (60, 30)
    inspection_lead_days: tuple[int, ...] = (60, 30)
    renewal_lead_days: tuple[int, ...] = (30, 7)
    recall_repeat_days: int = 30
    reminder_hours_before: tuple[int, ...] = (24, 2)
    survey_after_hours: int = 2
    survey_nudge_after_hours: int = 48
    greeting_local_time: time = time(10, 0)
    points_expiring_days: int = 30
    win_back_touch_days: tuple[int, ...] = (0, 21, 45)  # at most 3, spaced
    trade_in_after_years: int = 5
    new_owner_days: int = 90
    at_risk_months: int = 6
    dormant_months: int = 9
    lost_months: int = 18
    inspection_from_years: int = 3  # the first periodic inspection, then yearly
    # Date rules that do not apply in the market (Rule values), e.g. registration
    # renewal where a registration does not expire. Clock rules apply everywhere.
    rules_off: tuple[str, ...] = ()
    marketing_per_day: int = 1
    marketing_per_week: int = 2
    max_attempts: int = 6
    backoff_base_seconds: int = 30


def segment(
    *,
    delivered: date | None,
    visits: int,
    last_visit: date | None,
    today: date,
    policy: CarePolicy,
) -> Segment:
    """The owner's life-cycle segment (the briefs' churn warning)."""
    if delivered is not None and (today - delivered).days < policy.new_owner_days:
        return Segment.NEW
    reference = last_visit or delivered
    if reference is None:
        return Segment.ACTIVE
    months = _months_between(reference, today)
    if months >= policy.lost_months:
        return Segment.LOST
    if months >= policy.dormant_months:
        return Segment.DORMANT
    if visits >= 1 and months >= policy.at_risk_months:
        return Segment.AT_RISK
    return Segment.ACTIVE


def _months_between(earlier: date, later: date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


# --- guardrails at send time ------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Local hours in which non-urgent messages may arrive (from..until)."""

    from_hour: int
    until_hour: int

    def contains(self, local: datetime) -> bool:
        return self.from_hour <= local.hour < self.until_hour

    def next_opening(self, now: datetime, zone: str) -> datetime:
        """The next moment, at or after `now`, the window is open (UTC)."""
        local = now.astimezone(ZoneInfo(zone))
        if self.contains(local):
            return now
        day = local.date() if local.hour < self.from_hour else local.date() + timedelta(days=1)
        opening = datetime.combine(day, time(self.from_hour), tzinfo=ZoneInfo(zone))
        return opening.astimezone(now.tzinfo)


def at_local_time(day: date, at: time, zone: str) -> datetime:
    """A wall-clock time on a day in a zone, as an aware datetime (DST-safe)."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone))


@dataclass(frozen=True)
class CapState:
    sent_last_day: int
    sent_last_week: int
    oldest_in_week: datetime | None  # when the week's count drops by one
    latest_in_day: datetime | None


def marketing_allowed_at(now: datetime, caps: CapState, policy: CarePolicy) -> datetime:
    """When a marketing message may go out under the daily and weekly caps."""
    allowed = now
    if caps.sent_last_day >= policy.marketing_per_day and caps.latest_in_day is not None:
        allowed = max(allowed, caps.latest_in_day + timedelta(days=1))
    if caps.sent_last_week >= policy.marketing_per_week and caps.oldest_in_week is not None:
        allowed = max(allowed, caps.oldest_in_week + timedelta(days=7))
    return allowed


def backoff(attempts: int, policy: CarePolicy) -> timedelta:
    """Exponential back-off after a network error: 30 s, 60 s, 120 s, ... capped at 1 h."""
    return timedelta(seconds=min(policy.backoff_base_seconds * 2 ** max(attempts - 1, 0), 3600))


@dataclass(eq=False)
class OutboxMessage:
    """A planned care message; rendered in the owner's language only when sent."""

    owner_id: int
    rule: Rule
    occurrence: str  # with owner and rule: the dedupe key
    category: Category
    due_at: datetime
    payload: dict[str, object]
    status: OutboxStatus
    created_at: datetime
    expires_at: datetime | None = None
    attempts: int = 0
    lease_until: datetime | None = None
    lease_token: str | None = None  # the claim holding the lease (fencing)
    last_error: str = ""
    sent_at: datetime | None = None
    id: int | None = None


# --- the send-time decision ---------------------------------------------------------------


class Verdict(StrEnum):
    SEND = "send"
    LATER = "later"  # quiet hours or marketing caps: try again at `at`
    SKIP = "skip"  # not allowed or no longer relevant: `reason`


class HoldReason(StrEnum):
    """Why a message waits or is skipped; the value is what the outbox row records."""

    OWNER_ERASED = "owner erased"
    NO_REACHABLE_CHAT = "no reachable chat"
    EXPIRED = "expired"
    NO_SERVICE_CONSENT = "no service consent"
    NO_MARKETING_CONSENT = "no marketing consent"
    QUIET_HOURS = "quiet hours"
    MARKETING_CAP = "marketing cap"


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    at: datetime | None = None
    reason: HoldReason | None = None


@dataclass(frozen=True)
class Recipient:
    """What the guardrails need to know about the owner at send time."""

    erased: bool
    reachable: bool  # has a chat that has not blocked the bot
    consent_service: bool
    consent_marketing: bool
    zone: str
    window: Window


def decide(
    *,
    category: Category,
    recipient: Recipient | None,
    now: datetime,
    expires_at: datetime | None,
    caps: CapState,
    policy: CarePolicy,
    rule: Rule | None = None,
) -> Decision:
    """May this message go out now? Checked at send time, never only at planning."""
    if recipient is None or recipient.erased:
        return Decision(Verdict.SKIP, reason=HoldReason.OWNER_ERASED)
    if not recipient.reachable:
        return Decision(Verdict.SKIP, reason=HoldReason.NO_REACHABLE_CHAT)
    if expires_at is not None and now >= expires_at:
        return Decision(Verdict.SKIP, reason=HoldReason.EXPIRED)
    if category is Category.SERVICE and not recipient.consent_service:
        return Decision(Verdict.SKIP, reason=HoldReason.NO_SERVICE_CONSENT)
    if category is Category.MARKETING and not recipient.consent_marketing:
        return Decision(Verdict.SKIP, reason=HoldReason.NO_MARKETING_CONSENT)
    if category not in IGNORES_QUIET_HOURS or rule in WAITS_FOR_DAYTIME:
        opening = recipient.window.next_opening(now, recipient.zone)
        if opening > now:
            return Decision(Verdict.LATER, at=opening, reason=HoldReason.QUIET_HOURS)
    if rule in WAITS_FOR_DAYTIME_IF_IN_TIME:
        opening = recipient.window.next_opening(now, recipient.zone)
        in_time = expires_at is None or opening + IN_TIME_MARGIN <= expires_at
        if opening > now and in_time:
            return Decision(Verdict.LATER, at=opening, reason=HoldReason.QUIET_HOURS)
    if category is Category.MARKETING:
        allowed = marketing_allowed_at(now, caps, policy)
        if allowed > now:
            if rule in SKIPS_WHEN_CAPPED:
                return Decision(Verdict.SKIP, reason=HoldReason.MARKETING_CAP)
            later = recipient.window.next_opening(allowed, recipient.zone)
            return Decision(Verdict.LATER, at=later, reason=HoldReason.MARKETING_CAP)
    return Decision(Verdict.SEND)


@dataclass(eq=False)
class SurveyAnswer:
    """The post-visit question "how likely are you to recommend us?" (0-10)."""

    visit_id: int
    owner_id: int
    dealer_code: str
    score: int
    answered_at: datetime
    comment: str = ""
    id: int | None = None

    @property
    def promoter(self) -> bool:
        return self.score >= 9

    @property
    def detractor(self) -> bool:
        return self.score <= 6


def nps(scores: list[int]) -> int | None:
    """Net promoter score: % promoters (9-10) minus % detractors (0-6), rounded."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return round(100 * (promoters - detractors) / len(scores))
