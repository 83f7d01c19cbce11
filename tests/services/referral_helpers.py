"""Shortcuts for referral tests: recommend a friend, move them along, read it back.
They take any `Services` (an app on a database, or the fake app)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.owners import Owner
from bot.domain.referrals import Referral, Stage
from bot.services import referrals
from bot.services.referral_rewards import StageMove
from bot.services.referrals import FriendForm
from tests.conftest import Services, commit_as_of

DUBAI = "+971501234567"  # أحمد, Arabic, AE-DXB-01 (a demo owner: for flow tests)


async def recommend(
    app: Services,
    owner: Owner,
    friend_phone: str,
    *,
    at: datetime,
    name: str = "Sam Friend",
    dealer: str | None = None,
) -> Referral:
    dealer_code = dealer or app.reference.dealers_in(owner.market)[0].code
    async with app.database.uow() as uow:
        lead = await referrals.submit_friend(
            uow,
            app.reference,
            owner,
            FriendForm(name, friend_phone, None, dealer_code, True),
            channel="console",
            actor="test",
            now=at,
        )
        await commit_as_of(app, uow, at)
    return lead.referral


async def move(
    app: Services,
    referral: Referral,
    stage: Stage,
    *,
    at: datetime,
    vin: str | None = None,
    actor: str = "test",
    note: str = "",
) -> StageMove:
    assert referral.id is not None
    async with app.database.uow() as uow:
        done = await referrals.move_stage(
            uow, app.reference, referral.id, stage, actor=actor, at=at, now=at, vin=vin, note=note
        )
        await commit_as_of(app, uow, at)
    return done


async def walk(app: Services, referral: Referral, *stages: Stage, at: datetime) -> list[StageMove]:
    return [await move(app, referral, stage, at=at) for stage in stages]


async def reload(app: Services, referral: Referral) -> Referral:
    assert referral.id is not None
    async with app.database.uow() as uow:
        found = await uow.referrals.get(referral.id)
    assert found is not None
    return found
