"""The demo seed (bot/demo) on the seeded database: seeding again changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from bot.demo.data import DEMO_OWNERS, DEMO_REFERRALS
from bot.demo.seed import seed_demo
from storage import tables
from tests.conftest import NOW


async def test_seeding_the_demo_twice_adds_no_owners_and_no_referrals(app: App) -> None:
    async with app.database.uow() as uow:
        report = await seed_demo(uow, app.reference, NOW)
        await uow.commit()
        referrals = await uow.session.scalar(select(func.count()).select_from(tables.referrals))
        owners = await uow.owners.count()
    assert (report.owners_created, owners) == (0, len(DEMO_OWNERS))
    assert referrals == len(DEMO_REFERRALS)
