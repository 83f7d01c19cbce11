"""The care planner's SQL on SQLite: set-based, idempotent, in the market's time. Each
test adds the owners it is about to a database without the demo."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.app import App
from bot.domain.care import Category, Rule
from bot.domain.owners import Owner
from bot.services import care
from tests.builders import a_vehicle, an_account, an_owner
from tests.builders.loyalty import a_lot
from tests.conftest import NOW, commit_as_of


async def plan(app: App, at: datetime) -> care.PlanReport:
    async with app.database.uow() as uow:
        report = await care.plan(uow, app.reference, at)
        await commit_as_of(app, uow, at)
    return report


async def an_owner_in_chat(
    app: App,
    *,
    market: str = "TH",
    birthday: date | None = None,
    consent_marketing: bool = True,
    linked_days_ago: int = 400,
) -> Owner:
    """An owner stored with a linked chat (the planner writes only to a reachable chat)."""
    async with app.database.uow() as uow:
        owner = await an_owner(
            uow,
            market,
            birthday=birthday,
            consent_service=True,
            consent_marketing=consent_marketing,
        )
        await an_account(uow, owner, at=NOW - timedelta(days=linked_days_ago))
        await uow.commit()
    return owner


async def outbox(app: App, owner: Owner) -> list[tuple[Rule, str, Category]]:
    async with app.database.uow() as uow:
        return [(m.rule, m.occurrence, m.category) for m in await uow.outbox.of_owner(owner.id)]


async def planned(app: App, owner: Owner, rule: Rule) -> list[tuple[Rule, str, Category]]:
    return [row for row in await outbox(app, owner) if row[0] is rule]


async def test_planning_twice_plans_nothing_twice(empty_app: App) -> None:
    await an_owner_in_chat(empty_app, linked_days_ago=1)
    first = await plan(empty_app, NOW)
    second = await plan(empty_app, NOW)
    assert first.total > 0
    assert second.total == 0


async def test_welcome_and_tips_follow_the_linking_date(empty_app: App) -> None:
    yesterday = await an_owner_in_chat(empty_app, linked_days_ago=1)
    last_week = await an_owner_in_chat(empty_app, linked_days_ago=8)
    last_month = await an_owner_in_chat(empty_app, linked_days_ago=31)
    report = await plan(empty_app, NOW)
    assert (
        report.planned[Rule.WELCOME],
        report.planned[Rule.TIPS_DAY_7],
        report.planned[Rule.TIPS_DAY_30],
    ) == (1, 1, 1)
    assert [r for r, _, _ in await outbox(empty_app, yesterday)] == [Rule.WELCOME]
    assert [r for r, _, _ in await outbox(empty_app, last_week)] == [Rule.TIPS_DAY_7]
    assert [r for r, _, _ in await outbox(empty_app, last_month)] == [Rule.TIPS_DAY_30]


async def test_birthdays_are_planned_for_ten_in_the_morning_local_time(empty_app: App) -> None:
    owner = await an_owner_in_chat(empty_app, market="BR", birthday=date(1988, 9, 7))
    at = datetime(2027, 9, 7, 9, 0, tzinfo=UTC)  # 06:00 in São Paulo
    await plan(empty_app, at)
    async with empty_app.database.uow() as uow:
        birthday = [m for m in await uow.outbox.of_owner(owner.id) if m.rule is Rule.BIRTHDAY]
    assert len(birthday) == 1
    assert birthday[0].due_at == datetime(2027, 9, 7, 13, 0, tzinfo=UTC)  # 10:00 UTC-3
    assert birthday[0].expires_at == datetime(2027, 9, 8, 3, 0, tzinfo=UTC)


async def test_owners_who_declined_marketing_get_no_marketing_planned(empty_app: App) -> None:
    declined = await an_owner_in_chat(
        empty_app, market="AE", birthday=date(1985, 3, 15), consent_marketing=False
    )
    agreed = await an_owner_in_chat(empty_app, market="AE", birthday=date(1985, 3, 15))
    await plan(empty_app, datetime(2027, 3, 15, 5, 0, tzinfo=UTC))
    assert await planned(empty_app, declined, Rule.BIRTHDAY) == []
    assert len(await planned(empty_app, agreed, Rule.BIRTHDAY)) == 1


async def test_points_about_to_expire_are_planned_once_a_month(empty_app: App) -> None:
    owner = await an_owner_in_chat(empty_app, market="GB")
    async with empty_app.database.uow() as uow:
        await a_lot(uow, owner, 500, expires_at=NOW + timedelta(days=20))
        await uow.commit()
    await plan(empty_app, NOW)
    await plan(empty_app, NOW + timedelta(days=1))
    assert await planned(empty_app, owner, Rule.POINTS_EXPIRING) == [
        (Rule.POINTS_EXPIRING, "2026-11", Category.SERVICE)
    ]


async def test_old_cars_get_one_trade_in_suggestion_a_year(empty_app: App) -> None:
    owner = await an_owner_in_chat(empty_app, market="MX")
    async with empty_app.database.uow() as uow:
        await a_vehicle(uow, owner, delivered=date(2020, 5, 2))  # about 6.5 years
        await uow.commit()
    await plan(empty_app, NOW)
    await plan(empty_app, NOW + timedelta(days=30))
    assert len(await planned(empty_app, owner, Rule.TRADE_IN)) == 1


async def test_a_market_that_turns_registration_renewal_off_plans_no_reminder_for_it(
    empty_app: App,
) -> None:
    """A German registration does not expire; a Thai one is renewed every year."""
    renewal = NOW.date() + timedelta(days=20)
    cars = {}
    for market in ("DE", "TH"):
        owner = await an_owner_in_chat(empty_app, market=market)
        async with empty_app.database.uow() as uow:
            vehicle = await a_vehicle(uow, owner, delivered=date(2024, 1, 10))
            vehicle.registration_renewal_on = renewal
            vehicle.insurance_renewal_on = renewal
            await uow.commit()
        cars[market] = (owner, vehicle.id)
    await plan(empty_app, NOW)
    german, german_car = cars["DE"]
    thai, thai_car = cars["TH"]
    assert await planned(empty_app, german, Rule.REGISTRATION_RENEWAL) == []
    assert await planned(empty_app, thai, Rule.REGISTRATION_RENEWAL) == [
        (
            Rule.REGISTRATION_RENEWAL,
            f"{thai_car}:registration_renewal-30:{renewal}",
            Category.SERVICE,
        )
    ]
    assert await planned(empty_app, german, Rule.INSURANCE_RENEWAL) == [
        (Rule.INSURANCE_RENEWAL, f"{german_car}:insurance_renewal-30:{renewal}", Category.SERVICE)
    ]
