"""Referral stage moves racing on PostgreSQL."""

from __future__ import annotations

import asyncio

from bot.app import App
from bot.domain.referrals import DELIVERED_RULE, REWARD_SOURCE, Stage
from bot.domain.staff import Role
from handlers.types import Event, EventKind
from tests.conftest import NOW
from tests.services.loyalty_helpers import owner_by_phone
from tests.services.referral_helpers import DUBAI, recommend, reload, walk
from tests.staff import make_staff


async def test_two_staff_tapping_delivered_at_once_pay_once_on_postgres(pg_app: App) -> None:
    owner = await owner_by_phone(pg_app, DUBAI)
    referral = await recommend(pg_app, owner, "+971509990101", at=NOW)
    await walk(pg_app, referral, Stage.TEST_DRIVE_DONE, Stage.ORDER, at=NOW)
    for user in (801, 802):
        await make_staff(pg_app, user, role=Role.SALES, dealer="AE-DXB-01")
    dispatcher = pg_app.dispatcher()

    def tap(user: int) -> Event:
        return Event(
            channel="console",
            update_id=f"tap-{user}",
            user_id=user,
            chat_id=-1001000000201,
            kind=EventKind.BUTTON,
            button=f"rfs:to:{referral.id}:{Stage.DELIVERED.value}",
            message_id=1,
        )

    answers = await asyncio.gather(*(dispatcher.handle(tap(user)) for user in (801, 802)))
    for screens in answers:
        assert not any("went wrong" in s.text for s in screens)
    told = [s for screens in answers for s in screens if s.chat_id not in (None, -1001000000201)]
    assert len(told) <= 1, "the owner hears of the delivery once"
    async with pg_app.database.uow() as uow:
        history = await uow.stage_changes.of_referral(referral.id or 0)
        lot = await uow.point_lots.by_award(REWARD_SOURCE, str(referral.id), DELIVERED_RULE)
    assert [c.to_stage for c in history].count(Stage.DELIVERED) == 1
    assert lot is not None
    assert lot.points == 3000
    assert (await reload(pg_app, referral)).stage == "delivered"
