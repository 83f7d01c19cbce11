"""Referral services on SQLite: leads, stages, rewards through the ledger, the funnel."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.demo.data import DEMO_REFERRALS
from bot.demo.seed import seed_demo
from bot.domain.owners import Account
from bot.domain.referrals import (
    DELIVERED_RULE,
    REWARD_SOURCE,
    TEST_DRIVE_RULE,
    WELCOME_PERK_RULE,
    Move,
    NoReward,
    Referral,
    Refusal,
    Stage,
)
from bot.services import referrals
from bot.services.referrals import FriendForm, Opened, Refused
from storage import tables
from tests.conftest import NOW, commit_as_of
from tests.services.loyalty_helpers import balance, days, owner_by_phone
from tests.services.referral_helpers import (
    DUBAI,
    add_staff_member,
    move,
    recommend,
    reload,
    walk,
)

FRIEND = "+971509990001"
ROAD = (Stage.CONTACTED, Stage.TEST_DRIVE_BOOKED, Stage.TEST_DRIVE_DONE, Stage.ORDER)


async def referral_points(app: App, referral: Referral, rule: str) -> int:
    """What is left of the lot this referral paid under `rule` (0 if none)."""
    async with app.database.uow() as uow:
        lot = await uow.loyalty.lot_by_award(REWARD_SOURCE, str(referral.id), rule)
    return lot.remaining if lot else 0


async def test_the_personal_code_is_created_once_and_stays_the_same(app: App) -> None:
    owner = await owner_by_phone(app, DUBAI)
    assert owner.id is not None
    codes = set()
    for _ in range(3):
        async with app.database.uow() as uow:
            codes.add(await referrals.code_for(uow, owner.id, NOW))
            await uow.commit()
    assert len(codes) == 1


async def test_the_test_drive_pays_at_once_and_the_delivery_after_14_days(app: App) -> None:
    owner = await owner_by_phone(app, DUBAI)
    start = await balance(app, owner, NOW)
    referral = await recommend(app, owner, FRIEND, at=NOW)
    moves = await walk(app, referral, *ROAD, at=NOW + days(1))
    assert moves[2].paid == [(TEST_DRIVE_RULE, 500)]
    delivered = await move(app, referral, Stage.DELIVERED, at=NOW + days(2))
    assert delivered.paid == [(DELIVERED_RULE, 3000)]
    assert delivered.spendable_from == {DELIVERED_RULE: NOW + days(16)}
    assert await balance(app, owner, NOW + days(2)) == start + 500
    assert await balance(app, owner, NOW + days(16)) == start + 3500
    again = await move(app, referral, Stage.DELIVERED, at=NOW + days(3))
    assert again.outcome is Move.ALREADY
    assert again.paid == []


async def test_a_cancelled_order_within_14_days_takes_back_the_delivery_reward(
    app: App,
) -> None:
    owner = await owner_by_phone(app, DUBAI)
    assert owner.id is not None
    referral = await recommend(app, owner, FRIEND, at=NOW)
    await walk(app, referral, *ROAD, Stage.DELIVERED, at=NOW + days(1))
    cancelled = await move(app, referral, Stage.ORDER_CANCELLED, at=NOW + days(10))
    assert cancelled.withdrawn == 3000
    assert await referral_points(app, referral, DELIVERED_RULE) == 0
    assert await referral_points(app, referral, TEST_DRIVE_RULE) == 500, "the drive happened"
    async with app.database.uow() as uow:
        history = await uow.stage_changes.of_referral(referral.id or 0)
        status = await uow.loyalty.status_by_award(REWARD_SOURCE, str(referral.id), DELIVERED_RULE)
    assert [c.to_stage for c in history][-2:] == ["delivered", "order_cancelled"]
    assert status is not None
    assert status.reversed_at is not None


async def test_a_cancellation_after_the_pending_period_keeps_the_reward(app: App) -> None:
    owner = await owner_by_phone(app, DUBAI)
    assert owner.id is not None
    referral = await recommend(app, owner, FRIEND, at=NOW)
    await walk(app, referral, *ROAD, Stage.DELIVERED, at=NOW)
    cancelled = await move(app, referral, Stage.ORDER_CANCELLED, at=NOW + days(15))
    assert cancelled.outcome is Move.ADVANCE
    assert cancelled.withdrawn == 0
    assert await referral_points(app, referral, DELIVERED_RULE) == 3000


async def test_a_friend_who_owns_one_already_is_recorded_without_a_reward(app: App) -> None:
    owner = await owner_by_phone(app, DUBAI)
    assert owner.id is not None
    other_owner = "+971529876543"  # Priya, a demo owner in Abu Dhabi
    referral = await recommend(app, owner, other_owner, at=NOW)
    assert referral.no_reward == NoReward.ALREADY_OWNER
    moves = await walk(app, referral, *ROAD, Stage.DELIVERED, at=NOW)
    assert all(m.paid == [] for m in moves)
    assert await referral_points(app, referral, TEST_DRIVE_RULE) == 0


async def test_a_second_recommendation_of_the_same_friend_never_pays(app: App) -> None:
    ahmed = await owner_by_phone(app, DUBAI)
    fahd = await owner_by_phone(app, "+966501112222")
    first = await recommend(app, ahmed, FRIEND, at=NOW)
    second = await recommend(app, fahd, FRIEND, at=NOW + days(1))
    assert first.no_reward is None
    assert second.no_reward == NoReward.RECENT_LEAD
    await walk(app, first, Stage.TEST_DRIVE_DONE, at=NOW + days(2))
    # A year later someone recommends the same friend again: within the rules for a
    # new lead, but this friend has earned someone a reward already.
    later = await recommend(app, fahd, FRIEND, at=NOW + days(400))
    assert later.no_reward is None
    done = await move(app, later, Stage.TEST_DRIVE_DONE, at=NOW + days(401))
    assert done.no_reward is NoReward.PAID_BEFORE
    assert done.paid == []


async def test_the_eleventh_rewarded_referral_in_a_year_earns_nothing(app: App) -> None:
    owner = await owner_by_phone(app, "+971529876543")  # Priya: no demo referrals
    paid = []
    for n in range(11):
        referral = await recommend(app, owner, f"+97150999{n:04d}", at=NOW + days(n))
        done = await move(app, referral, Stage.TEST_DRIVE_DONE, at=NOW + days(n))
        paid.append((done.paid, done.no_reward))
    assert all(p == [(TEST_DRIVE_RULE, 500)] for p, _ in paid[:10])
    assert paid[10] == ([], NoReward.YEARLY_LIMIT)
    a_year_later = await recommend(app, owner, "+971509998888", at=NOW + days(370))
    done = await move(app, a_year_later, Stage.TEST_DRIVE_DONE, at=NOW + days(370))
    assert done.paid, "the oldest rewarded referrals have left the 12-month window"


async def test_staff_who_recommend_a_friend_earn_nothing(app: App) -> None:
    owner = await owner_by_phone(app, DUBAI)
    async with app.database.uow() as uow:
        uow.accounts.add(Account(channel="console", user_id=4711, chat_id=4711, first_seen_at=NOW))
        await uow.flush()
        account = await uow.accounts.by_user("console", 4711)
        assert account is not None
        account.owner_id = owner.id
        await uow.commit()
    await add_staff_member(app, 4711, at=NOW)
    referral = await recommend(app, owner, FRIEND, at=NOW)
    assert referral.no_reward == NoReward.STAFF


async def test_staff_made_staff_after_the_recommendation_earn_nothing_either(app: App) -> None:
    owner = await owner_by_phone(app, DUBAI)
    referral = await recommend(app, owner, FRIEND, at=NOW)
    async with app.database.uow() as uow:
        uow.accounts.add(
            Account(
                channel="console", user_id=4712, chat_id=4712, first_seen_at=NOW, owner_id=owner.id
            )
        )
        await uow.commit()
    await add_staff_member(app, 4712, at=NOW)
    done = await move(app, referral, Stage.TEST_DRIVE_DONE, at=NOW)
    assert (done.paid, done.no_reward) == ([], NoReward.STAFF)


async def test_a_delivered_car_the_owner_already_has_earns_nothing(app: App) -> None:
    owner = await owner_by_phone(app, DUBAI)
    assert owner.id is not None
    async with app.database.uow() as uow:
        vin = (await uow.vehicles.of_owner(owner.id))[0].vin
    referral = await recommend(app, owner, FRIEND, at=NOW)
    await walk(app, referral, Stage.ORDER, at=NOW)
    done = await move(app, referral, Stage.DELIVERED, at=NOW, vin=vin)
    assert done.no_reward is NoReward.OWN_VEHICLE
    assert await referral_points(app, referral, DELIVERED_RULE) == 0


async def test_the_friend_who_is_an_owner_at_delivery_gets_a_welcome_gift_once(app: App) -> None:
    owner = await owner_by_phone(app, DUBAI)
    friend_phone = "+971529876543"  # Priya: the import made her an owner of her new car
    async with app.database.uow() as uow:
        # The lead was recorded before she was an owner.
        lead = await referrals.submit_friend(
            uow,
            app.reference,
            owner,
            FriendForm("Priya", "+971500000001", None, "AE-DXB-01", True),
            channel="console",
            actor="t",
            now=NOW,
        )
        lead.referral.friend_phone = friend_phone
        await uow.commit()
    friend = await owner_by_phone(app, friend_phone)
    assert friend.id is not None
    done = await walk(app, lead.referral, Stage.ORDER, Stage.DELIVERED, at=NOW)
    assert done[-1].friend_perk is not None
    assert done[-1].friend_perk[1] == 500
    assert await referral_points(app, lead.referral, WELCOME_PERK_RULE) == 500
    await move(app, lead.referral, Stage.ORDER_CANCELLED, at=NOW + days(3))
    assert await referral_points(app, lead.referral, WELCOME_PERK_RULE) == 0


async def test_the_sixth_friend_in_a_day_is_refused(app: App) -> None:
    owner = await owner_by_phone(app, DUBAI)
    for n in range(5):
        await recommend(app, owner, f"+97150888{n:04d}", at=NOW + days(0))
    async with app.database.uow() as uow:
        assert (
            await referrals.submissions_refused(uow, app.reference, owner, NOW)
            is Refusal.DAILY_LIMIT
        )
    with pytest.raises(Refused):
        await recommend(app, owner, "+971508880099", at=NOW)
    await recommend(app, owner, "+971508880099", at=NOW + days(1))  # a new day in Dubai


async def test_the_first_link_opened_wins_and_counts_for_90_days(app: App) -> None:
    ahmed = await owner_by_phone(app, DUBAI)
    fahd = await owner_by_phone(app, "+966501112222")
    async with app.database.uow() as uow:
        code_a = await referrals.code_for(uow, ahmed.id or 0, NOW)
        code_f = await referrals.code_for(uow, fahd.id or 0, NOW)
        uow.accounts.add(Account(channel="console", user_id=777, chat_id=777, first_seen_at=NOW))
        await uow.flush()
        account = await uow.accounts.by_user("console", 777)
        assert account is not None
        first = await referrals.open_link(uow, account, f"ref_{code_a}", NOW)
        second = await referrals.open_link(uow, account, f"ref_{code_f}", NOW + days(1))
        await uow.commit()
    assert (first.outcome, second.outcome) == (Opened.ATTRIBUTED, Opened.EARLIER)
    async with app.database.uow() as uow:
        account = await uow.accounts.by_user("console", 777)
        assert account is not None
        late = await referrals.lead_from_link(
            uow, app.reference, account, phone=FRIEND, friend_name="Zed", now=NOW + days(91)
        )
        assert late.lead is None, "the invitation has expired"
        lead = await referrals.lead_from_link(
            uow, app.reference, account, phone=FRIEND, friend_name="Zed", now=NOW + days(90)
        )
        assert lead.lead is not None
        assert lead.lead.referrer.id == ahmed.id
        await uow.commit()
    assert (await reload(app, lead.lead.referral)).source == "link"


async def test_the_funnel_counts_stages_exits_and_points_per_dealer(app: App) -> None:
    owner = await owner_by_phone(app, DUBAI)
    a = await recommend(app, owner, "+971509990011", at=NOW, dealer="AE-DXB-01")
    b = await recommend(app, owner, "+971509990012", at=NOW, dealer="AE-DXB-01")
    c = await recommend(app, owner, "+971509990013", at=NOW, dealer="AE-AUH-01")
    await walk(app, a, *ROAD, Stage.DELIVERED, at=NOW)
    await walk(app, b, Stage.CONTACTED, Stage.LOST, at=NOW)
    await walk(app, c, Stage.TEST_DRIVE_DONE, at=NOW)
    async with app.database.uow() as uow:
        rows = await referrals.funnel(uow, market="AE", since=NOW - days(1), now=NOW)
    by_dealer = {row.dealer_code: row for row in rows}
    dubai, abu_dhabi = by_dealer["AE-DXB-01"], by_dealer["AE-AUH-01"]
    assert dubai.reached == (2, 2, 1, 1, 1, 1)
    assert (dubai.lost, dubai.cancelled) == (1, 0)
    assert (dubai.points_paid, dubai.points_pending) == (500, 3000)
    assert abu_dhabi.reached == (1, 1, 1, 1, 0, 0)
    assert abu_dhabi.points_paid == 500
    async with app.database.uow() as uow:
        later = await referrals.funnel(uow, market="AE", since=NOW - days(1), now=NOW + days(14))
    assert {r.dealer_code: r.points_paid for r in later}["AE-DXB-01"] == 3500


async def test_seeding_the_demo_twice_adds_no_referrals(app: App) -> None:
    async with app.database.uow() as uow:
        before = await uow.session.scalar(  # type: ignore[attr-defined]
            select(func.count()).select_from(tables.referrals)
        )
        await seed_demo(uow, app.reference, NOW)
        await commit_as_of(app, uow, NOW)
        after = await uow.session.scalar(  # type: ignore[attr-defined]
            select(func.count()).select_from(tables.referrals)
        )
    assert before == after == len(DEMO_REFERRALS)


async def test_a_friend_who_becomes_an_owner_after_delivery_gets_the_gift_when_linking(
    app: App,
) -> None:
    from bot.services.importer import import_owners

    owner = await owner_by_phone(app, DUBAI)
    friend_phone = "+971509990777"
    referral = await recommend(app, owner, friend_phone, at=NOW)
    done = await walk(app, referral, Stage.ORDER, Stage.DELIVERED, at=NOW)
    assert done[-1].friend_perk is None, "not an owner yet"
    header = (
        "phone,first_name,last_name,language,market,birthday,vin,model,model_year,"
        "delivery_date,mileage_km,dealer_code\n"
    )
    row = f"{friend_phone},Sam,Friend,en,AE,,LAUX7AAA1SC100777,X7,2026,2026-11-22,10,AE-DXB-01\n"
    async with app.database.uow() as uow:
        report = await import_owners(uow, [header, row], app.reference, now=NOW)
        assert report.applied, report.errors
        await uow.commit()
    friend = await owner_by_phone(app, friend_phone)
    paid = []
    for _ in range(2):
        async with app.database.uow() as uow:
            paid.append(await referrals.welcome_perk_on_link(uow, app.reference, friend, NOW))
            await uow.commit()
    assert paid == [500, 0]
