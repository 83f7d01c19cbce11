"""`ownerbot report kpi`: the numbers the briefs track monthly.

NPS (% promoters 9-10 minus % detractors 0-6; the target is 40 or more), the
return-to-service rate (vehicles with a paid visit in the last 12 months; the target is
70% or more), owners per life-cycle segment, care messages per rule and outcome, and
questions to dealers answered with each dealer's median first-response time, and club
engagement (verified members, seats taken at club events, attendance).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.care import CarePolicy, HoldReason, OutboxStatus, Rule, Segment, nps
from bot.domain.loyalty import TIER_ORDER, Tier
from bot.domain.months import add_months
from bot.domain.questions import median_minutes
from bot.domain.reference import Reference
from bot.domain.referrals import total_row
from bot.services.ports import UnitOfWork

NPS_TARGET = 40
RETURN_TARGET = 0.70
_OPT_OUT_REASONS = (HoldReason.NO_SERVICE_CONSENT, HoldReason.NO_MARKETING_CONSENT)


@dataclass
class CareLine:
    rule: Rule
    sent: int = 0
    failed: int = 0  # blocked the bot, or given up after errors
    opted_out: int = 0  # skipped for lack of consent
    skipped: int = 0  # no longer relevant
    waiting: int = 0


@dataclass(frozen=True)
class Month:
    """One calendar month of the trend (the market's local months)."""

    start: date
    nps: int | None
    answers: int
    returned: int  # vehicles with a paid visit in the 12 months to the month's end
    vehicles: int

    @property
    def return_rate(self) -> float | None:
        return self.returned / self.vehicles if self.vehicles else None


@dataclass(frozen=True)
class DealerResponses:
    """Questions owners asked a dealer ("Ask the dealer") and how fast staff answered."""

    dealer_code: str
    asked: int
    answered: int
    median_minutes: int | None  # to the first answer; None before any answer


@dataclass(frozen=True)
class ClubEngagement:
    verified_members: int  # verified owners in linked clubs, now
    rsvps: int  # seats taken at club events of the period
    attended: int  # owners checked in at them


@dataclass
class KpiReport:
    market: str | None
    since: datetime
    nps: int | None
    answers: int
    promoters: int
    detractors: int
    vehicles: int
    returned: int
    segments: dict[Segment, int]
    care: list[CareLine] = field(default_factory=list)
    questions: list[DealerResponses] = field(default_factory=list)
    trend: list[Month] = field(default_factory=list)  # oldest first
    funnel: tuple[int, ...] = ()  # referrals reaching each FUNNEL stage
    tiers: dict[Tier, int] = field(default_factory=dict)
    clubs: ClubEngagement = field(default_factory=lambda: ClubEngagement(0, 0, 0))

    @property
    def return_rate(self) -> float | None:
        return self.returned / self.vehicles if self.vehicles else None


async def report(
    uow: UnitOfWork,
    reference: Reference,
    *,
    market: str | None,
    now: datetime,
    months: int = 12,
) -> KpiReport:
    since = now - timedelta(days=round(months * 30.44))
    zone = ZoneInfo(reference.market(market).timezone) if market else ZoneInfo("UTC")
    today = now.astimezone(zone).date()
    policy = reference.care[market] if market else CarePolicy()
    scores = await uow.kpi.survey_scores(market, since)
    returned, vehicles = await uow.kpi.return_to_service(market, since.date())
    segments = await uow.kpi.segments(
        market,
        today,
        new_days=policy.new_owner_days,
        at_risk_months=policy.at_risk_months,
        dormant_months=policy.dormant_months,
        lost_months=policy.lost_months,
    )
    return KpiReport(
        market=market,
        since=since,
        nps=nps(scores),
        answers=len(scores),
        promoters=sum(1 for s in scores if s >= 9),
        detractors=sum(1 for s in scores if s <= 6),
        vehicles=vehicles,
        returned=returned,
        segments={s: segments.get(s, 0) for s in Segment},
        care=await _care_lines(uow, market, since),
        questions=await _responses(uow, market, since),
        trend=await _trend(uow, market, today, zone, min(months, TREND_MONTHS)),
        funnel=await _funnel(uow, market, since, now),
        tiers=await _tiers(uow, market),
        clubs=ClubEngagement(*await uow.kpi.club_engagement(market, since)),
    )


TREND_MONTHS = 12  # the chart's months at most


async def _trend(
    uow: UnitOfWork, market: str | None, today: date, zone: ZoneInfo, months: int
) -> list[Month]:
    """NPS per month, and the return-to-service rate as it stood at each month's end."""
    first = add_months(today.replace(day=1), 1 - months)
    since = datetime(first.year, first.month, 1, tzinfo=zone)
    by_month: dict[date, list[int]] = {}
    for at, score in await uow.kpi.scores_since(market, since):
        local = at.astimezone(zone).date().replace(day=1)
        by_month.setdefault(local, []).append(score)
    trend = []
    for i in range(months):
        start = add_months(first, i)
        end = min(add_months(start, 1), today + timedelta(days=1))
        returned, vehicles = await uow.kpi.return_to_service(
            market, add_months(end, -12), until=end
        )
        scores = by_month.get(start, [])
        trend.append(Month(start, nps(scores), len(scores), returned, vehicles))
    return trend


async def _funnel(
    uow: UnitOfWork, market: str | None, since: datetime, now: datetime
) -> tuple[int, ...]:
    rows = await uow.referral_funnel.funnel(market=market, since=since, now=now)
    if not rows:
        return ()
    return total_row(list(rows)).reached


async def _tiers(uow: UnitOfWork, market: str | None) -> dict[Tier, int]:
    counts = await uow.kpi.tiers(market)
    return {tier: counts.get(tier, 0) for tier in TIER_ORDER}


async def _responses(uow: UnitOfWork, market: str | None, since: datetime) -> list[DealerResponses]:
    by_dealer: dict[str, list[datetime | None]] = {}
    waits: dict[str, list[timedelta]] = {}
    for dealer, asked, answered in await uow.kpi.questions(market, since):
        by_dealer.setdefault(dealer, []).append(answered)
        if answered is not None:
            waits.setdefault(dealer, []).append(answered - asked)
    return [
        DealerResponses(
            dealer_code=dealer,
            asked=len(answers),
            answered=sum(1 for a in answers if a is not None),
            median_minutes=median_minutes(waits.get(dealer, [])),
        )
        for dealer, answers in sorted(by_dealer.items())
    ]


async def _care_lines(uow: UnitOfWork, market: str | None, since: datetime) -> list[CareLine]:
    lines: dict[Rule, CareLine] = {}
    for rule, status, reason, count in await uow.outbox.outcomes(market, since):
        line = lines.setdefault(rule, CareLine(rule))
        if status is OutboxStatus.SENT:
            line.sent += count
        elif status in (OutboxStatus.FAILED, OutboxStatus.DEAD):
            line.failed += count
        elif status is OutboxStatus.SKIPPED and reason in _OPT_OUT_REASONS:
            line.opted_out += count
        elif status is OutboxStatus.SKIPPED:
            line.skipped += count
        else:
            line.waiting += count
    return sorted(lines.values(), key=lambda line: line.rule)
