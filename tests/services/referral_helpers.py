"""Shortcuts for referral tests: recommend a friend, move them along, add staff."""

from __future__ import annotations

from datetime import datetime

from bot.app import App
from bot.domain.owners import Owner
from bot.domain.referrals import Referral, Stage
from bot.domain.staff import Role
from bot.services import referrals
from bot.services.referrals import FriendForm, StageMove
from bot.services.staff import add_staff
from tests.conftest import commit_as_of

DUBAI = "+971501234567"  # أحمد, Arabic, AE-DXB-01
BANGKOK = "+66812345678"  # สมชาย, Thai, TH-BKK-01


async def recommend(
    app: App,
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
    app: App,
    referral: Referral,
    stage: Stage,
    *,
    at: datetime,
    vin: str | None = None,
    actor: str = "test",
) -> StageMove:
    assert referral.id is not None
    async with app.database.uow() as uow:
        done = await referrals.move_stage(
            uow, app.reference, referral.id, stage, actor=actor, at=at, now=at, vin=vin
        )
        await commit_as_of(app, uow, at)
    return done


async def walk(app: App, referral: Referral, *stages: Stage, at: datetime) -> list[StageMove]:
    return [await move(app, referral, stage, at=at) for stage in stages]


async def add_staff_member(
    app: App,
    user_id: int,
    role: Role = Role.SALES,
    dealer: str | None = "AE-DXB-01",
    *,
    at: datetime,
) -> None:
    async with app.database.uow() as uow:
        await add_staff(
            uow,
            channel="console",
            user_id=user_id,
            role=role,
            name=f"Staff {user_id}",
            dealer_code=dealer,
            actor="test",
            now=at,
        )
        await uow.commit()


async def reload(app: App, referral: Referral) -> Referral:
    assert referral.id is not None
    async with app.database.uow() as uow:
        found = await uow.referrals.get(referral.id)
    assert found is not None
    return found
