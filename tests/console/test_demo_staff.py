"""The demo's advisors: one in every center's staff chat, ready for `ownerbot console
--chat CHAT --user ID` (the README lists them)."""

from __future__ import annotations

from bot.app import App
from bot.demo.data import DEMO_ADVISORS, DEMO_CHANNEL
from bot.demo.seed import seed_demo_staff
from bot.domain.staff import Role


async def test_every_center_has_a_demo_advisor_whose_id_mirrors_its_staff_chat(app: App) -> None:
    assert set(DEMO_ADVISORS) == set(app.reference.dealers)
    async with app.database.uow() as uow:
        for code, (user_id, name) in DEMO_ADVISORS.items():
            member = await uow.staff.by_user(DEMO_CHANNEL, user_id)
            assert member is not None, code
            assert (member.role, member.dealer_code, member.name) == (Role.ADVISOR, code, name)
            chat_id = app.reference.dealers[code].staff_chat_id
            assert chat_id is not None
            assert user_id == 900000 + (-chat_id - 1001000000000), code


async def test_seeding_the_demo_staff_again_adds_no_one(app: App) -> None:
    async with app.database.uow() as uow:
        assert await seed_demo_staff(uow, app.reference, app.clock.now()) == 0
