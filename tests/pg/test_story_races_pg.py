"""A story approved by several moderators at once, on PostgreSQL with real concurrency
(every press on its own connection, released together): the story's row lock lets
exactly one approve it, it is posted once and pays once; the others hear it was
approved already."""

from __future__ import annotations

import asyncio

from bot.app import App
from bot.domain.clubs import Club
from bot.domain.staff import Role
from bot.services import stories
from bot.services.stories import STORY_RULE
from tests.booking_scenarios import make_owners
from tests.staff import make_staff

MODERATORS = range(9801, 9809)


async def _press(app: App, user_id: int, story_id: int) -> str:
    async with app.database.uow() as uow:
        try:
            await stories.approve(
                uow,
                app.reference,
                channel="console",
                user_id=user_id,
                story_id=story_id,
                now=app.clock.now(),
            )
        except stories.AlreadyDecided:
            return "already"
        await uow.commit()
        return "approved"


async def test_moderators_approving_at_once_approve_and_pay_once(pg_app: App) -> None:
    app = pg_app
    for user_id in MODERATORS:
        await make_staff(app, user_id, role=Role.MODERATOR, dealer="AE-DXB-01")
    [owner_id] = await make_owners(app, 1, market="AE", first=700)
    async with app.database.uow() as uow:
        uow.clubs.add(
            Club(
                channel="console",
                chat_id=-1002000000881,
                market="AE",
                languages="ar",
                linked_by="test",
                linked_at=app.clock.now(),
            )
        )
        owner = await uow.owners.get(owner_id)
        assert owner is not None
        story = await stories.submit(
            uow,
            owner,
            dealer_code="AE-DXB-01",
            locale="ar",
            text="قصة",
            photos=[],
            now=app.clock.now(),
        )
        await uow.commit()
    start = asyncio.Event()

    async def racer(user_id: int) -> str:
        await start.wait()
        return await _press(app, user_id, story.id or 0)

    tasks = [asyncio.create_task(racer(user_id)) for user_id in MODERATORS]
    await asyncio.sleep(0)
    start.set()
    outcomes = await asyncio.gather(*tasks)
    assert sorted(outcomes) == ["already"] * (len(MODERATORS) - 1) + ["approved"]
    async with app.database.uow() as uow:
        lots = await uow.point_lots.of_owner(owner_id)
        audit = await uow.audit.about(f"story:{story.id}")
    assert [lot.rule for lot in lots if lot.rule == STORY_RULE] == [STORY_RULE]
    assert [entry.action for entry in audit] == ["story.approve"]
