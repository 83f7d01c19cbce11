"""The care planner: finds who is due with set-based queries (one statement per rule,
not a loop over owners) and writes outbox rows keyed by (owner, rule, occurrence). Running it
twice, or on two machines at once, plans nothing twice.

Dates are worked out in Python (calendar months and years, the market's local day),
then handed to the queries as bounds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import perf_counter as time_counter
from zoneinfo import ZoneInfo

from bot.domain.care import CATEGORY_OF, CarePolicy, OutboxMessage, OutboxStatus, Rule
from bot.domain.events import (
    ReferralStageReached,
    TierDemotionNotice,
    TierPromoted,
    WelcomeGiftPaid,
)
from bot.domain.months import add_months
from bot.domain.reference import Market, Reference
from bot.domain.referrals import NoReward, Payout, StageRewards
from bot.services.bus import MessageBus
from bot.services.ports import UnitOfWork, UnitOfWorkFactory
from bot.services.ports.care import (
    BookingsStarting,
    DeliveredBefore,
    EventsEnded,
    EventsStarting,
    LinkedBetween,
    OnMonthDay,
    OpenRecalls,
    PlanQuery,
    PointsExpiringBy,
    ServiceDueBetween,
    SurveysToNudge,
    VehicleDate,
    VehicleDateBetween,
    VisitsToSurvey,
    WinBackTouch,
    YearlyDate,
)

CATCH_UP_DAYS = 3  # a planner that was down for a day or two still plans date-exact rules
EVENT_REMINDER_HOURS = 24
EVENT_SURVEY_AFTER = timedelta(hours=12)  # the day after: quiet hours hold it till morning
EVENT_SURVEY_WITHIN = timedelta(days=7)  # a planner down for days doesn't ask about old ones


@dataclass
class PlanReport:
    planned: dict[Rule, int] = field(default_factory=dict)
    seconds: dict[Rule, float] = field(default_factory=dict)  # time spent per rule

    def add(self, rule: Rule, count: int, seconds: float = 0.0) -> None:
        self.planned[rule] = self.planned.get(rule, 0) + count
        self.seconds[rule] = self.seconds.get(rule, 0.0) + seconds

    @property
    def total(self) -> int:
        return sum(self.planned.values())


def add_years(day: date, years: int) -> date:
    moved = add_months(datetime.combine(day, time()), 12 * years)
    return moved.date()


async def plan(uow: UnitOfWork, reference: Reference, now: datetime) -> PlanReport:
    """Every rule for every market, in one transaction (tests, previews)."""
    report = PlanReport()
    for query in steps(reference, now):
        report.add(query.rule, await uow.care_planner.plan(query))
    return report


async def plan_in_steps(
    uow_factory: UnitOfWorkFactory,
    reference: Reference,
    now: datetime,
    step_done: Callable[[int], None] | None = None,
) -> PlanReport:
    """The same, one short transaction per statement: on SQLite the planner never holds
    the writer for long, and each step is idempotent, so an interruption loses nothing."""
    report = PlanReport()
    for query in steps(reference, now):
        started = time_counter()
        async with uow_factory() as uow:
            planned = await uow.care_planner.plan(query)
            await uow.commit()
        report.add(query.rule, planned, time_counter() - started)
        if step_done is not None:
            step_done(1)
    return report


def step_count(reference: Reference, now: datetime) -> int:
    """How many statements a plan at `now` runs (for a progress bar)."""
    return sum(1 for _ in steps(reference, now))


def steps(reference: Reference, now: datetime) -> Iterator[PlanQuery]:
    """The planning statements. Rules that depend on the clock alone run once for every
    market; rules that depend on the local date run once per group of markets sharing
    that date and policy (at any moment two or three groups); greetings at 10:00 local
    time run per market. So the number of statements does not grow with the markets."""
    markets = list(reference.markets.values())
    policy = reference.care[markets[0].code]
    yield from _clock_steps(tuple(m.code for m in markets), policy, now)
    yield from _club_event_steps(tuple(m.code for m in markets), now)
    groups: dict[tuple[date, CarePolicy], list[str]] = defaultdict(list)
    for market in markets:
        today = now.astimezone(ZoneInfo(market.timezone)).date()
        groups[(today, reference.care[market.code])].append(market.code)
    for (today, group_policy), codes in groups.items():
        yield from _switched_on(
            _date_steps(reference, tuple(codes), today, group_policy, now), group_policy
        )
    for market in markets:
        market_policy = reference.care[market.code]
        yield from _switched_on(_greeting_steps(market, market_policy, now), market_policy)


def market_steps(
    reference: Reference, code: str, clock_policy: CarePolicy, now: datetime
) -> Iterator[PlanQuery]:
    """The statements `steps` runs for one market, as if it were the only one (the
    incremental planner compares them across runs market by market). Clock rules use
    `clock_policy`, the policy `steps` gives them."""
    market = reference.markets[code]
    policy = reference.care[code]
    today = now.astimezone(ZoneInfo(market.timezone)).date()
    yield from _clock_steps((code,), clock_policy, now)
    yield from _club_event_steps((code,), now)
    yield from _switched_on(_date_steps(reference, (code,), today, policy, now), policy)
    yield from _switched_on(_greeting_steps(market, policy, now), policy)


def _switched_on(queries: Iterator[PlanQuery], policy: CarePolicy) -> Iterator[PlanQuery]:
    """Without the rules the market turns off (no registration renewal in Germany)."""
    return (query for query in queries if query.rule not in policy.rules_off)


def _clock_steps(codes: tuple[str, ...], policy: CarePolicy, now: datetime) -> Iterator[PlanQuery]:
    # Welcome guide on linking, tips on day 7 and day 30 (windows, so a planner that
    # starts after months of data doesn't greet everyone at once).
    for rule, start, end in (
        (Rule.WELCOME, timedelta(days=2), timedelta(0)),
        (Rule.TIPS_DAY_7, timedelta(days=14), timedelta(days=7)),
        (Rule.TIPS_DAY_30, timedelta(days=37), timedelta(days=30)),
    ):
        yield LinkedBetween(rule=rule, markets=codes, now=now, after=now - start, until=now - end)
    # Safety recalls: now, and again every 30 days until the car is booked in.
    yield OpenRecalls(
        markets=codes, now=now, today=now.date(), repeat_days=policy.recall_repeat_days
    )
    # Booking reminders 24 and 2 hours before (disjoint windows: one of each at most).
    hours_before = sorted(policy.reminder_hours_before)
    for hours, after_hours in zip(hours_before, [0, *hours_before[:-1]], strict=True):
        yield BookingsStarting(markets=codes, now=now, hours=hours, after_hours=after_hours)
    # A survey two hours after a completed visit; one nudge two days later.
    yield VisitsToSurvey(
        markets=codes,
        now=now,
        recorded_before=now - timedelta(hours=policy.survey_after_hours),
        recorded_after=now - timedelta(days=7),
    )
    yield SurveysToNudge(
        markets=codes,
        now=now,
        asked_before=now - timedelta(hours=policy.survey_nudge_after_hours),
        asked_after=now - timedelta(days=7),
    )
    # Points expiring within 30 days: one reminder per owner per month.
    yield PointsExpiringBy(
        markets=codes,
        now=now,
        until=now + timedelta(days=policy.points_expiring_days),
        occurrence=f"{now:%Y-%m}",
    )


def _club_event_steps(codes: tuple[str, ...], now: datetime) -> Iterator[PlanQuery]:
    """A reminder 24 hours before a club event to each owner with a seat; a short survey
    the day after to those who came."""
    yield EventsStarting(markets=codes, now=now, hours=EVENT_REMINDER_HOURS)
    yield EventsEnded(
        markets=codes,
        now=now,
        ended_after=now - EVENT_SURVEY_WITHIN,
        ended_before=now - EVENT_SURVEY_AFTER,
    )


def _date_steps(
    reference: Reference,
    codes: tuple[str, ...],
    today: date,
    policy: CarePolicy,
    now: datetime,
) -> Iterator[PlanQuery]:
    models = reference.models.values()
    # First service 30 days before it is due; maintenance 30 and 7 days before and once
    # a month overdue. "Every X km or Y months, whichever comes first", the kilometres
    # estimated from the owner's odometer readings; never while a booking is open.
    yield ServiceDueBetween(
        rule=Rule.FIRST_SERVICE,
        markets=codes,
        now=now,
        intervals={m.code: (m.first_service_months, m.first_service_km) for m in models},
        first_service=True,
        due_after=today,
        due_until=today + timedelta(days=policy.first_service_lead_days),
        occurrence=f"first-{policy.first_service_lead_days}",
    )
    leads = sorted(policy.maintenance_lead_days, reverse=True)
    windows = [
        (f"due-{lead}", today + timedelta(days=nearer), today + timedelta(days=lead))
        for lead, nearer in zip(leads, [*leads[1:], 0], strict=True)
    ]
    overdue = policy.maintenance_overdue_days
    windows.append(
        (f"overdue-{overdue}", today - timedelta(days=2 * overdue), today - timedelta(days=overdue))
    )
    for tag, due_after, due_until in windows:
        yield ServiceDueBetween(
            rule=Rule.MAINTENANCE_DUE,
            markets=codes,
            now=now,
            intervals={m.code: (m.service_interval_months, m.service_interval_km) for m in models},
            first_service=False,
            due_after=due_after,
            due_until=due_until,
            occurrence=tag,
        )

    # Warranty ends N days ahead: delivery + warranty years lies in (today, today + N].
    for model in models:
        for lead in policy.warranty_lead_days:
            yield VehicleDateBetween(
                rule=Rule.WARRANTY_EXPIRY,
                markets=codes,
                now=now,
                which=VehicleDate.DELIVERY,
                after=add_years(today, -model.warranty_years),
                until=add_years(today + timedelta(days=lead), -model.warranty_years),
                occurrence=f"warranty-{lead}",
                model=model.code,
            )

    # Insurance and registration renewals, when the date is known.
    for rule, which in (
        (Rule.INSURANCE_RENEWAL, VehicleDate.INSURANCE_RENEWAL),
        (Rule.REGISTRATION_RENEWAL, VehicleDate.REGISTRATION_RENEWAL),
    ):
        for lead in policy.renewal_lead_days:
            yield VehicleDateBetween(
                rule=rule,
                markets=codes,
                now=now,
                which=which,
                after=today,
                until=today + timedelta(days=lead),
                occurrence=f"{rule}-{lead}",
                with_date=True,
            )

    # Periodic inspection: yearly on the delivery anniversary once the car is old enough.
    for lead in policy.inspection_lead_days:
        target = today + timedelta(days=lead)
        yield OnMonthDay(
            rule=Rule.INSPECTION_DUE,
            markets=codes,
            now=now,
            yearly=YearlyDate.DELIVERY,
            month_days=_month_days(target, CATCH_UP_DAYS),
            occurrence=f"inspection-{target.year}-{lead}",
            due_at=now,
            expires_at=datetime.combine(target, time(), tzinfo=now.tzinfo),
            born_before=add_years(target, -policy.inspection_from_years),
        )

    # Win-back: owners silent since their last visit (at risk after 6 months, dormant
    # after 9) get at most three touches, spaced; lost after 18 months.
    offsets = policy.win_back_touch_days
    for touch, offset in enumerate(offsets, start=1):
        spacing = offset - offsets[touch - 2] if touch > 1 else 0
        yield WinBackTouch(
            markets=codes,
            now=now,
            touch=touch,
            starts_after_months=policy.at_risk_months,
            previous_sent_before=now - timedelta(days=spacing) if touch > 1 else None,
            not_before=add_months(datetime.combine(today, time()), -policy.lost_months).date(),
            today=today,
        )

    # Cars older than five years: a trade-in suggestion once a year.
    yield DeliveredBefore(
        rule=Rule.TRADE_IN,
        markets=codes,
        now=now,
        delivered_before=add_years(today, -policy.trade_in_after_years),
        occurrence=f"trade-in-{today.year}",
    )


def _greeting_steps(market: Market, policy: CarePolicy, now: datetime) -> Iterator[PlanQuery]:
    """Birthdays and ownership anniversaries at 10:00 local time, on the day only."""
    zone = ZoneInfo(market.timezone)
    today = now.astimezone(zone).date()
    greeting = datetime.combine(today, policy.greeting_local_time, tzinfo=zone)
    end_of_day = datetime.combine(today + timedelta(days=1), time(), tzinfo=zone)
    yield OnMonthDay(
        rule=Rule.BIRTHDAY,
        markets=(market.code,),
        now=now,
        yearly=YearlyDate.BIRTHDAY,
        month_days=_birthday_days(today),
        occurrence=str(today.year),
        due_at=max(greeting, now),
        expires_at=end_of_day,
    )
    yield OnMonthDay(
        rule=Rule.ANNIVERSARY,
        markets=(market.code,),
        now=now,
        yearly=YearlyDate.DELIVERY,
        month_days=_birthday_days(today),
        occurrence=f"anniversary-{today.year}",
        due_at=max(greeting, now),
        expires_at=end_of_day,
        born_before=add_years(today, -1),
    )


def _month_days(target: date, catch_up: int) -> tuple[str, ...]:
    return tuple(f"{target - timedelta(days=d):%m-%d}" for d in range(catch_up))


def _birthday_days(today: date) -> tuple[str, ...]:
    """Today; and on 28 February of a common year, people born on 29 February too."""
    if today.month == 2 and today.day == 28 and (today + timedelta(days=1)).month == 3:
        return (f"{today:%m-%d}", "02-29")
    return (f"{today:%m-%d}",)


# --- event-driven messages ---------------------------------------------------------------


def subscribe(bus: MessageBus) -> None:
    async def promoted(uow: UnitOfWork, event: TierPromoted, now: datetime) -> None:
        await _queue(
            uow,
            event.owner_id,
            Rule.TIER_PROMOTED,
            f"{event.new_tier}:{now:%Y-%m-%d}",
            now,
            {"tier": event.new_tier},
        )

    async def demotion_notice(uow: UnitOfWork, event: TierDemotionNotice, now: datetime) -> None:
        await _queue(
            uow,
            event.owner_id,
            Rule.TIER_DEMOTION_NOTICE,
            f"{event.tier}:{now:%Y-%m-%d}",
            now,
            {"tier": event.tier, "demote_on": event.demote_on.isoformat()},
        )

    async def referral_stage(uow: UnitOfWork, event: ReferralStageReached, now: datetime) -> None:
        # One row per stage: a re-import, or a second import of the same stage, plans
        # nothing twice. The renderer drops it if the owner has seen the stage by then.
        await _queue(
            uow,
            event.owner_id,
            Rule.REFERRAL_STAGE,
            f"{event.referral_id}:{event.stage}",
            now,
            {"referral_id": event.referral_id, "stage": event.stage}
            | rewards_payload(event.rewards),
        )

    async def welcome_gift(uow: UnitOfWork, event: WelcomeGiftPaid, now: datetime) -> None:
        await _queue(
            uow,
            event.owner_id,
            Rule.WELCOME_GIFT,
            str(event.referral_id),
            now,
            {"referral_id": event.referral_id, "points": event.points},
        )

    bus.subscribe(TierPromoted, promoted)
    bus.subscribe(TierDemotionNotice, demotion_notice)
    bus.subscribe(ReferralStageReached, referral_stage)
    bus.subscribe(WelcomeGiftPaid, welcome_gift)


def rewards_payload(rewards: StageRewards) -> dict[str, object]:
    """A stage's rewards as the outbox stores them (JSON)."""
    return {
        "paid": [
            [p.rule, p.points, p.pending_until.isoformat() if p.pending_until else None]
            for p in rewards.paid
        ],
        "withdrawn": rewards.withdrawn,
        "no_reward": rewards.no_reward.value if rewards.no_reward else "",
    }


def rewards_from_payload(payload: dict[str, object]) -> StageRewards:
    paid = payload.get("paid")
    withdrawn = payload.get("withdrawn")
    no_reward = payload.get("no_reward")
    return StageRewards(
        paid=tuple(
            Payout(str(rule), int(points), datetime.fromisoformat(until) if until else None)
            for rule, points, until in (paid if isinstance(paid, list) else [])
        ),
        withdrawn=withdrawn if isinstance(withdrawn, int) else 0,
        no_reward=NoReward(no_reward) if isinstance(no_reward, str) and no_reward else None,
    )


async def _queue(
    uow: UnitOfWork,
    owner_id: int,
    rule: Rule,
    occurrence: str,
    now: datetime,
    payload: dict[str, object],
    *,
    due_at: datetime | None = None,
    expires_at: datetime | None = None,
) -> bool:
    return await uow.outbox.add(
        OutboxMessage(
            owner_id=owner_id,
            rule=rule,
            occurrence=occurrence,
            category=CATEGORY_OF[rule],
            due_at=due_at or now,
            expires_at=expires_at,
            payload=payload,
            status=OutboxStatus.PENDING,
            created_at=now,
        )
    )
