"""What referral stages pay through the points ledger, on a database without the demo:
rewards, their pending days, take-backs, the friend's welcome gift, the funnel."""

from __future__ import annotations

from bot.app import App
from bot.domain.referrals import (
    DELIVERED_RULE,
    REWARD_SOURCE,
    TEST_DRIVE_RULE,
    WELCOME_PERK_RULE,
    Move,
    NoReward,
    Referral,
    Stage,
)
from bot.services import referral_rewards, referrals
from bot.services.referrals import FriendForm
from tests.builders import a_phone, a_vin, an_owner, stored
from tests.conftest import NOW
from tests.services.loyalty_helpers import balance, days
from tests.services.referral_helpers import move, recommend, walk

ROAD = (Stage.CONTACTED, Stage.TEST_DRIVE_BOOKED, Stage.TEST_DRIVE_DONE, Stage.ORDER)


async def referral_points(app: App, referral: Referral, rule: str) -> int:
    """What is left of the lot this referral paid under `rule` (0 if none)."""
    async with app.database.uow() as uow:
        lot = await uow.point_lots.by_award(REWARD_SOURCE, str(referral.id), rule)
    return lot.remaining if lot else 0


async def test_the_test_drive_pays_at_once_and_the_delivery_after_14_days(
    empty_app: App,
) -> None:
    owner = await stored(empty_app, lambda uow: an_owner(uow, "AE"))
    referral = await recommend(empty_app, owner, a_phone("AE"), at=NOW)
    moves = await walk(empty_app, referral, *ROAD, at=NOW + days(1))
    assert moves[2].paid == [(TEST_DRIVE_RULE, 500)]
    delivered = await move(empty_app, referral, Stage.DELIVERED, at=NOW + days(2))
    assert delivered.paid == [(DELIVERED_RULE, 3000)]
    assert delivered.spendable_from == {DELIVERED_RULE: NOW + days(16)}
    assert await balance(empty_app, owner, NOW + days(2)) == 500
    assert await balance(empty_app, owner, NOW + days(16)) == 3500
    again = await move(empty_app, referral, Stage.DELIVERED, at=NOW + days(3))
    assert again.outcome is Move.ALREADY
    assert again.paid == []


async def test_a_cancelled_order_within_14_days_takes_back_the_delivery_reward(
    empty_app: App,
) -> None:
    owner = await stored(empty_app, lambda uow: an_owner(uow, "AE"))
    referral = await recommend(empty_app, owner, a_phone("AE"), at=NOW)
    await walk(empty_app, referral, *ROAD, Stage.DELIVERED, at=NOW + days(1))
    cancelled = await move(empty_app, referral, Stage.ORDER_CANCELLED, at=NOW + days(10))
    assert cancelled.withdrawn == 3000
    assert await referral_points(empty_app, referral, DELIVERED_RULE) == 0
    assert await referral_points(empty_app, referral, TEST_DRIVE_RULE) == 500, "it happened"
    async with empty_app.database.uow() as uow:
        history = await uow.stage_changes.of_referral(referral.id or 0)
        status = await uow.status_awards.by_award(REWARD_SOURCE, str(referral.id), DELIVERED_RULE)
    assert [c.to_stage for c in history][-2:] == [Stage.DELIVERED, Stage.ORDER_CANCELLED]
    assert status is not None
    assert status.reversed_at == NOW + days(10)


async def test_a_cancellation_after_the_pending_period_keeps_the_reward(empty_app: App) -> None:
    owner = await stored(empty_app, lambda uow: an_owner(uow, "AE"))
    referral = await recommend(empty_app, owner, a_phone("AE"), at=NOW)
    await walk(empty_app, referral, *ROAD, Stage.DELIVERED, at=NOW)
    cancelled = await move(empty_app, referral, Stage.ORDER_CANCELLED, at=NOW + days(15))
    assert cancelled.outcome is Move.ADVANCE
    assert cancelled.withdrawn == 0
    assert await referral_points(empty_app, referral, DELIVERED_RULE) == 3000


async def test_a_friend_whose_test_drive_paid_never_pays_another_referrer(
    empty_app: App,
) -> None:
    ahmed = await stored(empty_app, lambda uow: an_owner(uow, "AE"))
    fahd = await stored(empty_app, lambda uow: an_owner(uow, "SA"))
    friend = a_phone("AE")
    first = await recommend(empty_app, ahmed, friend, at=NOW)
    paid = await move(empty_app, first, Stage.TEST_DRIVE_DONE, at=NOW + days(2))
    assert paid.paid == [(TEST_DRIVE_RULE, 500)]
    later = await recommend(empty_app, fahd, friend, at=NOW + days(400))
    done = await move(empty_app, later, Stage.TEST_DRIVE_DONE, at=NOW + days(401))
    assert (done.paid, done.no_reward) == ([], NoReward.PAID_BEFORE)


async def test_the_eleventh_rewarded_referral_in_a_year_earns_nothing(empty_app: App) -> None:
    owner = await stored(empty_app, lambda uow: an_owner(uow, "AE"))
    paid = []
    for n in range(11):
        referral = await recommend(empty_app, owner, a_phone("AE"), at=NOW + days(n))
        done = await move(empty_app, referral, Stage.TEST_DRIVE_DONE, at=NOW + days(n))
        paid.append((done.paid, done.no_reward))
    assert paid[:10] == [([(TEST_DRIVE_RULE, 500)], None)] * 10
    assert paid[10] == ([], NoReward.YEARLY_LIMIT)
    a_year_later = await recommend(empty_app, owner, a_phone("AE"), at=NOW + days(370))
    done = await move(empty_app, a_year_later, Stage.TEST_DRIVE_DONE, at=NOW + days(370))
    assert done.paid == [(TEST_DRIVE_RULE, 500)], "the oldest rewards left the 12 months"


async def test_the_friend_who_is_an_owner_at_delivery_gets_a_welcome_gift_once(
    empty_app: App,
) -> None:
    owner = await stored(empty_app, lambda uow: an_owner(uow, "AE"))
    friend = await stored(empty_app, lambda uow: an_owner(uow, "AE"))
    async with empty_app.database.uow() as uow:
        # The lead was recorded before the friend was an owner (under another number).
        lead = await referrals.submit_friend(
            uow,
            empty_app.reference,
            owner,
            FriendForm("Priya", a_phone("AE"), None, "AE-DXB-01", True),
            channel="console",
            actor="t",
            now=NOW,
        )
        lead.referral.friend_phone = friend.phone
        await uow.commit()
    done = await walk(empty_app, lead.referral, Stage.ORDER, Stage.DELIVERED, at=NOW)
    assert done[-1].friend_perk is not None
    assert (done[-1].friend_perk[0].id, done[-1].friend_perk[1]) == (friend.id, 500)
    assert await referral_points(empty_app, lead.referral, WELCOME_PERK_RULE) == 500
    await move(empty_app, lead.referral, Stage.ORDER_CANCELLED, at=NOW + days(3))
    assert await referral_points(empty_app, lead.referral, WELCOME_PERK_RULE) == 0


async def test_the_funnel_counts_stages_exits_and_points_per_dealer(empty_app: App) -> None:
    owner = await stored(empty_app, lambda uow: an_owner(uow, "AE"))
    a = await recommend(empty_app, owner, a_phone("AE"), at=NOW, dealer="AE-DXB-01")
    b = await recommend(empty_app, owner, a_phone("AE"), at=NOW, dealer="AE-DXB-01")
    c = await recommend(empty_app, owner, a_phone("AE"), at=NOW, dealer="AE-AUH-01")
    await walk(empty_app, a, *ROAD, Stage.DELIVERED, at=NOW)
    await walk(empty_app, b, Stage.CONTACTED, Stage.LOST, at=NOW)
    await walk(empty_app, c, Stage.TEST_DRIVE_DONE, at=NOW)
    async with empty_app.database.uow() as uow:
        rows = await referrals.funnel(uow, market="AE", since=NOW - days(1), now=NOW)
    by_dealer = {row.dealer_code: row for row in rows}
    dubai, abu_dhabi = by_dealer["AE-DXB-01"], by_dealer["AE-AUH-01"]
    assert dubai.reached == (2, 2, 1, 1, 1, 1)
    assert (dubai.lost, dubai.cancelled) == (1, 0)
    assert (dubai.points_paid, dubai.points_pending) == (500, 3000)
    assert abu_dhabi.reached == (1, 1, 1, 1, 0, 0)
    assert abu_dhabi.points_paid == 500
    async with empty_app.database.uow() as uow:
        later = await referrals.funnel(uow, market="AE", since=NOW - days(1), now=NOW + days(14))
    assert {r.dealer_code: r.points_paid for r in later}["AE-DXB-01"] == 3500


async def test_a_friend_who_becomes_an_owner_after_delivery_gets_the_gift_when_linking(
    empty_app: App,
) -> None:
    from bot.services.importer import import_owners

    owner = await stored(empty_app, lambda uow: an_owner(uow, "AE"))
    friend_phone = a_phone("AE")
    referral = await recommend(empty_app, owner, friend_phone, at=NOW)
    done = await walk(empty_app, referral, Stage.ORDER, Stage.DELIVERED, at=NOW)
    assert done[-1].friend_perk is None, "not an owner yet"
    header = (
        "phone,first_name,last_name,language,market,birthday,vin,model,model_year,"
        "delivery_date,mileage_km,dealer_code\n"
    )
    row = f"{friend_phone},Sam,Friend,en,AE,,{a_vin()},X7,2026,2026-11-22,10,AE-DXB-01\n"
    async with empty_app.database.uow() as uow:
        report = await import_owners(uow, [header, row], empty_app.reference, now=NOW)
        assert report.applied, report.errors
        await uow.commit()
    async with empty_app.database.uow() as uow:
        friend = await uow.owners.by_phone(friend_phone)
    assert friend is not None
    paid = []
    for _ in range(2):
        async with empty_app.database.uow() as uow:
            paid.append(
                await referral_rewards.welcome_perk_on_link(uow, empty_app.reference, friend, NOW)
            )
            await uow.commit()
    assert paid == [500, 0]
