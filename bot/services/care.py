"""The care planner: finds who is due with set-based queries, one statement per rule
and market, and writes outbox rows keyed by (owner, rule, occurrence). Running it
twice, or on two machines at once, plans nothing twice.

Dates are worked out in Python (calendar months and years, the market's local day),
then handed to the queries as bounds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from operator import methodcaller
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.care import CATEGORY_OF, Category, OutboxMessage, OutboxStatus, Rule
from bot.domain.events import TierDemotionNotice, TierPromoted
from bot.domain.loyalty import add_months
from bot.domain.reference import Market, Reference
from bot.services.ports import CareRepository, UnitOfWork, UnitOfWorkFactory

CATCH_UP_DAYS = 3  # a planner that was down for a day or two still plans date-exact rules


@dataclass
class PlanReport:
    planned: dict[str, int] = field(default_factory=dict)

    def add(self, rule: Rule, count: int) -> None:
        self.planned[rule.value] = self.planned.get(rule.value, 0) + count

    @property
    def total(self) -> int:
        return sum(self.planned.values())


def add_years(day: date, years: int) -> date:
    moved = add_months(datetime.combine(day, time()), 12 * years)
    return moved.date()


Step = tuple[Rule, Callable[[CareRepository], Awaitable[int]]]


async def plan(uow: UnitOfWork, reference: Reference, now: datetime) -> PlanReport:
    """Every rule for every market, in one transaction (tests, previews)."""
    report = PlanReport()
    for rule, step in steps(reference, now):
        report.add(rule, await step(uow.care))
    return report


async def plan_in_steps(
    uow_factory: UnitOfWorkFactory, reference: Reference, now: datetime
) -> PlanReport:
    """The same, one short transaction per statement: on SQLite the planner never holds
    the writer for long, and each step is idempotent, so an interruption loses nothing."""
    report = PlanReport()
    for rule, step in steps(reference, now):
        async with uow_factory() as uow:
            report.add(rule, await step(uow.care))
            await uow.commit()
    return report


def steps(reference: Reference, now: datetime) -> Iterator[Step]:
    for market in reference.markets.values():
        yield from _market_steps(reference, market, now)


def _market_steps(reference: Reference, market: Market, now: datetime) -> Iterator[Step]:
    policy = reference.care[market.code]
    zone = ZoneInfo(market.timezone)
    today = now.astimezone(zone).date()
    code = market.code

    # Welcome guide on linking, tips on day 7 and day 30 (windows, so a planner that
    # starts after months of data doesn't greet everyone at once).
    for rule, start, end in (
        (Rule.WELCOME, timedelta(days=2), timedelta(0)),
        (Rule.TIPS_DAY_7, timedelta(days=14), timedelta(days=7)),
        (Rule.TIPS_DAY_30, timedelta(days=37), timedelta(days=30)),
    ):
        yield (
            rule,
            methodcaller(
                "plan_linked",
                rule=rule,
                category=CATEGORY_OF[rule],
                market=code,
                linked_after=now - start,
                linked_before=now - end,
                now=now,
            ),
        )

    # Warranty ends N days ahead: delivery + warranty years lies in (today, today + N].
    for model in reference.models.values():
        for lead in policy.warranty_lead_days:
            yield (
                Rule.WARRANTY_EXPIRY,
                methodcaller(
                    "plan_vehicle_dates",
                    rule=Rule.WARRANTY_EXPIRY,
                    category=Category.SERVICE,
                    market=code,
                    column="delivery_date",
                    after=add_years(today, -model.warranty_years),
                    until=add_years(today + timedelta(days=lead), -model.warranty_years),
                    occurrence=f"warranty-{lead}",
                    model=model.code,
                    now=now,
                ),
            )

    # Insurance and registration renewals, when the date is known.
    for rule, column in (
        (Rule.INSURANCE_RENEWAL, "insurance_renewal_on"),
        (Rule.REGISTRATION_RENEWAL, "registration_renewal_on"),
    ):
        for lead in policy.renewal_lead_days:
            yield (
                rule,
                methodcaller(
                    "plan_vehicle_dates",
                    rule=rule,
                    category=Category.SERVICE,
                    market=code,
                    column=column,
                    after=today,
                    until=today + timedelta(days=lead),
                    occurrence=f"{rule.value}-{lead}",
                    with_date=True,
                    now=now,
                ),
            )

    # Periodic inspection: yearly on the delivery anniversary once the car is old enough.
    for lead in policy.inspection_lead_days:
        target = today + timedelta(days=lead)
        yield (
            Rule.INSPECTION_DUE,
            methodcaller(
                "plan_month_day",
                rule=Rule.INSPECTION_DUE,
                category=Category.SERVICE,
                market=code,
                source="delivery",
                month_days=_month_days(target, CATCH_UP_DAYS),
                occurrence=f"inspection-{target.year}-{lead}",
                due_at=now,
                expires_at=datetime.combine(target, time(), tzinfo=zone),
                born_before=add_years(target, -policy.inspection_from_years),
                now=now,
            ),
        )

    # Birthdays and ownership anniversaries at 10:00 local time, on the day only.
    greeting = datetime.combine(today, policy.greeting_local_time, tzinfo=zone)
    end_of_day = datetime.combine(today + timedelta(days=1), time(), tzinfo=zone)
    yield (
        Rule.BIRTHDAY,
        methodcaller(
            "plan_month_day",
            rule=Rule.BIRTHDAY,
            category=Category.MARKETING,
            market=code,
            source="birthday",
            month_days=_birthday_days(today),
            occurrence=str(today.year),
            due_at=max(greeting, now),
            expires_at=end_of_day,
            now=now,
        ),
    )
    yield (
        Rule.ANNIVERSARY,
        methodcaller(
            "plan_month_day",
            rule=Rule.ANNIVERSARY,
            category=Category.MARKETING,
            market=code,
            source="delivery",
            month_days=_birthday_days(today),
            occurrence=f"anniversary-{today.year}",
            due_at=max(greeting, now),
            expires_at=end_of_day,
            born_before=add_years(today, -1),
            now=now,
        ),
    )

    # Points expiring within 30 days: one reminder per owner per month.
    yield (
        Rule.POINTS_EXPIRING,
        methodcaller(
            "plan_points_expiring",
            market=code,
            until=now + timedelta(days=policy.points_expiring_days),
            occurrence=f"{today:%Y-%m}",
            now=now,
        ),
    )

    # Cars older than five years: a trade-in suggestion once a year.
    yield (
        Rule.TRADE_IN,
        methodcaller(
            "plan_old_vehicles",
            rule=Rule.TRADE_IN,
            category=Category.MARKETING,
            market=code,
            delivered_before=add_years(today, -policy.trade_in_after_years),
            occurrence=f"trade-in-{today.year}",
            now=now,
        ),
    )


def _month_days(target: date, catch_up: int) -> list[str]:
    return [f"{target - timedelta(days=d):%m-%d}" for d in range(catch_up)]


def _birthday_days(today: date) -> list[str]:
    """Today; and on 28 February of a common year, people born on 29 February too."""
    days = [f"{today:%m-%d}"]
    if today.month == 2 and today.day == 28 and (today + timedelta(days=1)).month == 3:
        days.append("02-29")
    return days


# --- event-driven messages ---------------------------------------------------------------


def subscribers() -> dict[type, list[Callable[[UnitOfWork, Any, datetime], Awaitable[None]]]]:
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

    return {TierPromoted: [promoted], TierDemotionNotice: [demotion_notice]}


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
    return await uow.care.add(
        OutboxMessage(
            owner_id=owner_id,
            rule=rule.value,
            occurrence=occurrence,
            category=CATEGORY_OF[rule].value,
            due_at=due_at or now,
            expires_at=expires_at,
            payload=payload,
            status=OutboxStatus.PENDING.value,
            created_at=now,
        )
    )
