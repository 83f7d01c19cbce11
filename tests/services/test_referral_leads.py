"""Referral leads and the fairness rules, on the fake unit of work: who may recommend
whom, which leads can earn, which stages pay nothing and why. (What the stages pay goes
through the ledger: test_referral_rewards.py, on a database.)"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.referrals import Move, NoReward, Refusal, Source, Stage
from bot.domain.staff import Role
from bot.services import referrals
from bot.services.referrals import Opened, Refused
from tests.builders import (
    a_phone,
    a_referral,
    a_staff_member,
    a_vehicle,
    an_account,
    an_owner,
    stored,
)
from tests.conftest import NOW
from tests.fakes.uow import FakeApp
from tests.services.referral_helpers import move, recommend, reload, walk

ROAD = (Stage.CONTACTED, Stage.TEST_DRIVE_BOOKED, Stage.TEST_DRIVE_DONE, Stage.ORDER)


def days(n: int) -> timedelta:
    return timedelta(days=n)


async def test_the_personal_code_is_created_once_and_stays_the_same(fake_app: FakeApp) -> None:
    owner = await stored(fake_app, lambda uow: an_owner(uow, "AE"))
    assert owner.id is not None
    codes = set()
    for _ in range(3):
        async with fake_app.database.uow() as uow:
            codes.add(await referrals.code_for(uow, owner.id, NOW))
            await uow.commit()
    assert len(codes) == 1


async def test_a_friend_who_owns_one_already_is_recorded_without_a_reward(
    fake_app: FakeApp,
) -> None:
    owner = await stored(fake_app, lambda uow: an_owner(uow, "AE"))
    friend = await stored(fake_app, lambda uow: an_owner(uow, "AE"))
    assert friend.phone is not None
    referral = await recommend(fake_app, owner, friend.phone, at=NOW)
    assert referral.no_reward is NoReward.ALREADY_OWNER
    moves = await walk(fake_app, referral, *ROAD, Stage.DELIVERED, at=NOW)
    assert [m.outcome for m in moves] == [Move.ADVANCE] * 5
    assert [(m.paid, m.friend_perk) for m in moves] == [([], None)] * 5


async def test_a_second_recommendation_of_the_same_friend_earns_nothing(
    fake_app: FakeApp,
) -> None:
    ahmed = await stored(fake_app, lambda uow: an_owner(uow, "AE"))
    fahd = await stored(fake_app, lambda uow: an_owner(uow, "SA"))
    friend = a_phone("AE")
    first = await recommend(fake_app, ahmed, friend, at=NOW)
    second = await recommend(fake_app, fahd, friend, at=NOW + days(1))
    assert (first.no_reward, second.no_reward) == (None, NoReward.RECENT_LEAD)


async def test_a_friend_who_earned_someone_a_reward_never_pays_again(fake_app: FakeApp) -> None:
    ahmed = await stored(fake_app, lambda uow: an_owner(uow, "AE"))
    fahd = await stored(fake_app, lambda uow: an_owner(uow, "SA"))
    friend = a_phone("AE")
    async with fake_app.database.uow() as uow:
        rewarded = await a_referral(uow, ahmed, friend_phone=friend, stage=Stage.TEST_DRIVE_DONE)
        rewarded.rewarded_at = NOW
        await uow.commit()
    # A year later: within the rules for a new lead, but this friend has paid already.
    later = await recommend(fake_app, fahd, friend, at=NOW + days(400))
    assert later.no_reward is None
    done = await move(fake_app, later, Stage.TEST_DRIVE_DONE, at=NOW + days(401))
    assert (done.paid, done.no_reward) == ([], NoReward.PAID_BEFORE)


async def test_ten_rewarded_referrals_in_a_year_leave_the_eleventh_without_a_reward(
    fake_app: FakeApp,
) -> None:
    owner = await stored(fake_app, lambda uow: an_owner(uow, "AE"))
    async with fake_app.database.uow() as uow:
        for n in range(10):
            paid = await a_referral(uow, owner, stage=Stage.TEST_DRIVE_DONE, at=NOW + days(n))
            paid.rewarded_at = NOW + days(n)
        await uow.commit()
    eleventh = await recommend(fake_app, owner, a_phone("AE"), at=NOW + days(10))
    done = await move(fake_app, eleventh, Stage.TEST_DRIVE_DONE, at=NOW + days(10))
    assert (done.paid, done.no_reward) == ([], NoReward.YEARLY_LIMIT)
    assert (await reload(fake_app, eleventh)).no_reward is NoReward.YEARLY_LIMIT


async def test_staff_who_recommend_a_friend_earn_nothing(fake_app: FakeApp) -> None:
    owner = await stored(fake_app, lambda uow: an_owner(uow, "AE"))
    account = await stored(fake_app, lambda uow: an_account(uow, owner))
    await stored(
        fake_app,
        lambda uow: a_staff_member(uow, Role.SALES, "AE-DXB-01", user_id=account.user_id),
    )
    referral = await recommend(fake_app, owner, a_phone("AE"), at=NOW)
    assert referral.no_reward is NoReward.STAFF


async def test_staff_made_staff_after_the_recommendation_earn_nothing_either(
    fake_app: FakeApp,
) -> None:
    owner = await stored(fake_app, lambda uow: an_owner(uow, "AE"))
    referral = await recommend(fake_app, owner, a_phone("AE"), at=NOW)
    account = await stored(fake_app, lambda uow: an_account(uow, owner))
    await stored(
        fake_app,
        lambda uow: a_staff_member(uow, Role.SALES, "AE-DXB-01", user_id=account.user_id),
    )
    done = await move(fake_app, referral, Stage.TEST_DRIVE_DONE, at=NOW)
    assert (done.paid, done.no_reward) == ([], NoReward.STAFF)


async def test_a_delivered_car_the_owner_already_has_earns_nothing(fake_app: FakeApp) -> None:
    owner = await stored(fake_app, lambda uow: an_owner(uow, "AE"))
    car = await stored(fake_app, lambda uow: a_vehicle(uow, owner))
    referral = await stored(fake_app, lambda uow: a_referral(uow, owner, stage=Stage.ORDER))
    done = await move(fake_app, referral, Stage.DELIVERED, at=NOW, vin=car.vin)
    assert (done.outcome, done.paid) == (Move.ADVANCE, [])
    assert done.no_reward is NoReward.OWN_VEHICLE


async def test_the_sixth_friend_in_a_day_is_refused(fake_app: FakeApp) -> None:
    owner = await stored(fake_app, lambda uow: an_owner(uow, "AE"))
    for _ in range(5):
        await recommend(fake_app, owner, a_phone("AE"), at=NOW)
    async with fake_app.database.uow() as uow:
        refused = await referrals.submissions_refused(uow, fake_app.reference, owner, NOW)
    assert refused is Refusal.DAILY_LIMIT
    with pytest.raises(Refused) as caught:
        await recommend(fake_app, owner, a_phone("AE"), at=NOW)
    assert caught.value.why is Refusal.DAILY_LIMIT
    tomorrow = await recommend(fake_app, owner, a_phone("AE"), at=NOW + days(1))  # in Dubai
    assert tomorrow.stage is Stage.LEAD


async def test_the_first_link_opened_wins_and_counts_for_90_days(fake_app: FakeApp) -> None:
    ahmed = await stored(fake_app, lambda uow: an_owner(uow, "AE"))
    fahd = await stored(fake_app, lambda uow: an_owner(uow, "SA"))
    friend = a_phone("AE")
    async with fake_app.database.uow() as uow:
        code_a = await referrals.code_for(uow, ahmed.id or 0, NOW)
        code_f = await referrals.code_for(uow, fahd.id or 0, NOW)
        account = await an_account(uow, user_id=777)
        first = await referrals.open_link(uow, account, f"ref_{code_a}", NOW)
        second = await referrals.open_link(uow, account, f"ref_{code_f}", NOW + days(1))
        await uow.commit()
    assert (first.outcome, second.outcome) == (Opened.ATTRIBUTED, Opened.EARLIER)
    async with fake_app.database.uow() as uow:
        late = await referrals.lead_from_link(
            uow, fake_app.reference, account, phone=friend, friend_name="Zed", now=NOW + days(91)
        )
        assert late.lead is None, "the invitation has expired"
        lead = await referrals.lead_from_link(
            uow, fake_app.reference, account, phone=friend, friend_name="Zed", now=NOW + days(90)
        )
        await uow.commit()
    assert lead.lead is not None
    assert lead.lead.referrer.id == ahmed.id
    assert (await reload(fake_app, lead.lead.referral)).source is Source.LINK
