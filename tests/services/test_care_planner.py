"""The care planner on the demo data: set-based, idempotent, in the market's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import App
from bot.domain.care import Rule
from bot.services import care
from tests.conftest import NOW, commit_as_of


async def plan(app: App, at: datetime) -> care.PlanReport:
    async with app.database.uow() as uow:
        report = await care.plan(uow, app.reference, at)
        await commit_as_of(app, uow, at)
    return report


async def outbox(app: App, owner_phone: str):  # type: ignore[no-untyped-def]
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(owner_phone)
        return [(m.rule, m.occurrence, m.category) for m in await uow.outbox.of_owner(owner.id)]


async def test_planning_twice_plans_nothing_twice(app: App) -> None:
    first = await plan(app, NOW)
    second = await plan(app, NOW)
    assert first.total > 0
    assert second.total == 0


async def test_welcome_and_tips_follow_the_linking_date(app: App) -> None:
    report = await plan(app, NOW)
    # demo owners linked 1 and 2 days ago get the welcome guide; 8 days ago, day-7 tips
    assert report.planned[Rule.WELCOME] >= 1  # linked yesterday
    assert report.planned[Rule.TIPS_DAY_7] >= 1
    assert report.planned[Rule.TIPS_DAY_30] >= 1


async def test_birthdays_are_planned_for_ten_in_the_morning_local_time(app: App) -> None:
    # João (São Paulo) was born on 7 September.
    at = datetime(2027, 9, 7, 9, 0, tzinfo=UTC)  # 06:00 in São Paulo
    await plan(app, at)
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone("+5511987654321")
        birthday = [m for m in await uow.outbox.of_owner(owner.id) if m.rule == "birthday"]
    assert len(birthday) == 1
    assert birthday[0].due_at == datetime(2027, 9, 7, 13, 0, tzinfo=UTC)  # 10:00 UTC-3
    assert birthday[0].expires_at == datetime(2027, 9, 8, 3, 0, tzinfo=UTC)


async def test_owners_who_declined_marketing_get_no_marketing_planned(app: App) -> None:
    # The fourth demo owner (Ahmed, Dubai) declined marketing; born 15 March.
    await plan(app, datetime(2027, 3, 15, 5, 0, tzinfo=UTC))
    assert not [r for r in await outbox(app, "+971501234567") if r[0] == "birthday"]


async def test_points_about_to_expire_are_planned_once_a_month(app: App) -> None:
    # Oliver (London) has demo points earned 720 days ago: they expire within 30 days.
    await plan(app, NOW)
    await plan(app, NOW + timedelta(days=1))
    rows = [r for r in await outbox(app, "+447911123456") if r[0] == "points_expiring"]
    assert rows == [("points_expiring", "2026-11", "service")]


async def test_old_cars_get_one_trade_in_suggestion_a_year(app: App) -> None:
    # Luis (Monterrey) has had his pickup for about 6.5 years.
    await plan(app, NOW)
    await plan(app, NOW + timedelta(days=30))
    rows = [r for r in await outbox(app, "+528112345678") if r[0] == "trade_in"]
    assert len(rows) == 1
