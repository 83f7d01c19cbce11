"""The points ledger through its services, on the fake unit of work: each test builds the
owner, points and rewards it is about (the shipped loyalty rules price them). The race
of concurrent redemptions runs on SQLite."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from bot.app import App
from bot.domain.events import VisitCompleted, VisitRefunded
from bot.domain.loyalty import (
    EntryKind,
    InsufficientPoints,
    RedemptionStatus,
    RewardCategory,
    RewardInfo,
    Tier,
)
from bot.domain.owners import Owner
from bot.domain.staff import Role
from bot.services.loyalty import adjustments, earn, expiry, rewards, statement, tiers
from bot.services.loyalty.earn import AwardOutcome
from bot.services.loyalty.rewards import (
    RewardUnavailable,
    Unavailability,
    VoucherProblem,
    VoucherRefusal,
)
from bot.services.ports import UnitOfWork
from tests.builders import a_staff_member, an_owner, stored
from tests.builders.loyalty import a_lot, a_reward
from tests.conftest import NOW, commit_as_of
from tests.fakes.uow import FakeApp
from tests.services.loyalty_helpers import balance, days, give, lots, redeem, summary


async def owner_with(
    app: FakeApp,
    *amounts: int,
    offering: Callable[[UnitOfWork], Awaitable[RewardInfo]] = a_reward,
) -> tuple[Owner, RewardInfo]:
    """A Thai owner with a lot of points for each amount, and one reward in the catalogue
    (two coffees for 150 points unless `offering` builds another)."""
    async with app.database.uow() as uow:
        owner = await an_owner(uow, "TH")
        for amount in amounts:
            await a_lot(uow, owner, amount)
        offered = await offering(uow)
        await uow.commit()
    return owner, offered


async def test_an_award_is_paid_once_however_often_it_is_replayed(fake_app: FakeApp) -> None:
    owner = await stored(fake_app, an_owner)
    assert await give(fake_app, owner, 500, key="k1") is AwardOutcome.AWARDED
    assert await give(fake_app, owner, 500, key="k1") is AwardOutcome.DUPLICATE
    assert await balance(fake_app, owner) == 500


async def test_paid_service_points_are_pending_for_14_days(fake_app: FakeApp) -> None:
    owner = await stored(fake_app, an_owner)
    async with fake_app.database.uow() as uow:
        uow.events.append(VisitCompleted(1, owner.id, 1, "TH-BKK-01", 1_234_500, "THB", NOW))
        await commit_as_of(fake_app, uow, NOW)
    points = await summary(fake_app, owner)
    assert points.balance == 0
    assert points.pending == [(NOW + days(14), 1234)]  # 12,345 THB at 10 THB a point
    assert await balance(fake_app, owner, NOW + days(14)) == 1234


async def test_a_refund_inside_the_pending_window_reverses_the_points(fake_app: FakeApp) -> None:
    owner = await stored(fake_app, an_owner)
    async with fake_app.database.uow() as uow:
        uow.events.append(VisitCompleted(7, owner.id, 1, "TH-BKK-01", 500_000, "THB", NOW))
        await commit_as_of(fake_app, uow, NOW)
    async with fake_app.database.uow() as uow:
        uow.events.append(VisitRefunded(7, owner.id, NOW + days(3)))
        uow.events.append(VisitRefunded(7, owner.id, NOW + days(3)))  # twice: harmless
        await commit_as_of(fake_app, uow, NOW + days(3))
    async with fake_app.database.uow() as uow:
        entries = (await statement.history(uow, owner.id, 0)).entries
    assert (await summary(fake_app, owner, NOW + days(3))).pending_total == 0
    assert [e.kind for e in entries] == [EntryKind.REVERSE, EntryKind.EARN]
    assert entries[0].reverses_id == entries[1].id


async def test_redeeming_spends_the_nearest_expiring_lots_first(fake_app: FakeApp) -> None:
    async with fake_app.database.uow() as uow:
        owner = await an_owner(uow)
        await a_lot(uow, owner, 1000, key="old", expires_at=NOW + days(30))
        await a_lot(uow, owner, 1000, key="new")
        wheels = await a_reward(
            uow, "wheel_alignment", points=800, category=RewardCategory.SERVICE_VOUCHER
        )
        await uow.commit()
    result = await redeem(fake_app, owner, wheels)
    assert result.balance_after == 1200
    assert await lots(fake_app, owner) == {"old": 200, "new": 1000}


async def test_a_second_tap_on_confirm_redeems_once(fake_app: FakeApp) -> None:
    owner, coffee = await owner_with(fake_app, 2000)
    await redeem(fake_app, owner, coffee, request="same")
    again = await redeem(fake_app, owner, coffee, request="same")
    assert again.repeated
    assert await balance(fake_app, owner) == 1850


async def test_redeeming_more_than_the_balance_is_refused_and_changes_nothing(
    fake_app: FakeApp,
) -> None:
    owner, coffee = await owner_with(fake_app, 100)
    with pytest.raises(InsufficientPoints) as caught:
        await redeem(fake_app, owner, coffee)
    assert (caught.value.balance, caught.value.needed) == (100, 150)
    assert await balance(fake_app, owner) == 100


async def test_pending_points_cannot_be_spent(fake_app: FakeApp) -> None:
    async with fake_app.database.uow() as uow:
        owner = await an_owner(uow)
        await a_lot(uow, owner, 5000, available_at=NOW + days(14))
        coffee = await a_reward(uow, points=150)
        await uow.commit()
    with pytest.raises(InsufficientPoints):
        await redeem(fake_app, owner, coffee)


async def test_tier_locked_rewards_need_the_tier(fake_app: FakeApp) -> None:
    owner, parts = await owner_with(
        fake_app,
        5000,
        offering=lambda uow: a_reward(uow, "parts_discount", points=2500, min_tier=Tier.COMPANION),
    )
    with pytest.raises(RewardUnavailable) as caught:
        await redeem(fake_app, owner, parts)
    assert caught.value.why is Unavailability.TIER
    assert caught.value.min_tier is Tier.COMPANION


async def test_status_points_promote_at_once(fake_app: FakeApp) -> None:
    owner = await stored(fake_app, an_owner)
    await give(fake_app, owner, 0, key="s", status=1200)
    points = await summary(fake_app, owner)
    assert points.tier is Tier.COMPANION
    assert points.progress.needed == 3800


async def test_an_out_of_stock_reward_is_refused(fake_app: FakeApp) -> None:
    owner, gym_pass = await owner_with(
        fake_app, 5000, offering=lambda uow: a_reward(uow, "gym_pass", points=600, stock=0)
    )
    with pytest.raises(RewardUnavailable) as caught:
        await redeem(fake_app, owner, gym_pass)
    assert caught.value.why is Unavailability.STOCK
    assert await balance(fake_app, owner) == 5000


async def test_cancelling_an_unused_voucher_refunds_the_exact_lots(fake_app: FakeApp) -> None:
    async with fake_app.database.uow() as uow:
        owner = await an_owner(uow)
        await a_lot(uow, owner, 500, key="a", expires_at=NOW + days(100))
        await a_lot(uow, owner, 1500, key="b", expires_at=NOW + days(600))
        wheels = await a_reward(uow, "wheel_alignment", points=800)
        await uow.commit()
    result = await redeem(fake_app, owner, wheels)
    assert await lots(fake_app, owner) == {"b": 1200}
    async with fake_app.database.uow() as uow:
        refunded = await rewards.cancel_redemption(
            uow, owner_id=owner.id, redemption_id=result.redemption.id, now=NOW + days(1)
        )
        await uow.commit()
        redemption = await uow.redemptions.get(result.redemption.id)
    assert refunded == 800
    assert await lots(fake_app, owner) == {"a": 500, "b": 1500}
    assert redemption.status is RedemptionStatus.CANCELLED
    async with fake_app.database.uow() as uow:
        with pytest.raises(VoucherProblem) as again:
            await rewards.cancel_redemption(
                uow, owner_id=owner.id, redemption_id=result.redemption.id, now=NOW + days(1)
            )
    assert again.value.why is VoucherRefusal.CANCELLED


async def test_expiry_removes_only_what_is_left_of_each_lot(fake_app: FakeApp) -> None:
    async with fake_app.database.uow() as uow:
        owner = await an_owner(uow)
        await a_lot(uow, owner, 1000, expires_at=NOW + days(30))
        await a_lot(uow, owner, 300)
        gym_pass = await a_reward(uow, "gym_pass", points=600)
        await uow.commit()
    await redeem(fake_app, owner, gym_pass)
    async with fake_app.database.uow() as uow:
        expired = await expiry.expire(uow, NOW + days(40))
        await uow.commit()
        entries = (await statement.history(uow, owner.id, 0)).entries
    assert expired == (1, 0)  # one lot; the voucher is valid for 60 days
    assert (entries[0].kind, entries[0].points) == (EntryKind.EXPIRE, -400)
    assert await balance(fake_app, owner, NOW + days(40)) == 300


async def test_voucher_codes_are_used_once_at_a_dealer_of_the_market(fake_app: FakeApp) -> None:
    owner, coffee = await owner_with(fake_app, 2000)
    issued = (await redeem(fake_app, owner, coffee)).redemption
    assert issued.code is not None
    typed = issued.code.lower().replace("-", " ")
    async with fake_app.database.uow() as uow:
        bangkok = await a_staff_member(uow, dealer="TH-BKK-01")
        london = await a_staff_member(uow, dealer="GB-LON-01")
        with pytest.raises(VoucherProblem) as elsewhere:
            await rewards.use_voucher(
                uow, fake_app.reference, code=typed, staff=london, actor="console:2", now=NOW
            )
        assert elsewhere.value.why is VoucherRefusal.ELSEWHERE
        used = await rewards.use_voucher(
            uow, fake_app.reference, code=typed, staff=bangkok, actor="console:1", now=NOW
        )
        await uow.commit()
    assert used.status is RedemptionStatus.USED
    async with fake_app.database.uow() as uow:
        with pytest.raises(VoucherProblem) as again:
            await rewards.use_voucher(
                uow, fake_app.reference, code=issued.code, staff=bangkok, actor="c:1", now=NOW
            )
    assert again.value.why is VoucherRefusal.USED


async def test_an_admin_takes_a_voucher_of_any_market(fake_app: FakeApp) -> None:
    owner, coffee = await owner_with(fake_app, 2000)
    issued = (await redeem(fake_app, owner, coffee)).redemption
    async with fake_app.database.uow() as uow:
        admin = await a_staff_member(uow, Role.ADMIN, dealer=None)
        used = await rewards.use_voucher(
            uow, fake_app.reference, code=issued.code or "", staff=admin, actor="c:3", now=NOW
        )
    assert used.status is RedemptionStatus.USED


async def test_an_expired_voucher_is_refused_at_the_desk(fake_app: FakeApp) -> None:
    owner, coffee = await owner_with(
        fake_app, 2000, offering=lambda uow: a_reward(uow, validity_days=60)
    )
    issued = (await redeem(fake_app, owner, coffee)).redemption
    async with fake_app.database.uow() as uow:
        advisor = await a_staff_member(uow, dealer="TH-BKK-01")
        with pytest.raises(VoucherProblem) as caught:
            await rewards.use_voucher(
                uow,
                fake_app.reference,
                code=issued.code or "",
                staff=advisor,
                actor="console:1",
                now=NOW + days(61),
            )
    assert caught.value.why is VoucherRefusal.EXPIRED


async def test_a_charity_donation_gets_a_receipt_and_no_voucher(fake_app: FakeApp) -> None:
    owner, road_safety = await owner_with(
        fake_app,
        600,
        offering=lambda uow: a_reward(
            uow, "road_safety", points=600, category=RewardCategory.CHARITY, donation_minor=2000
        ),
    )
    result = await redeem(fake_app, owner, road_safety)
    assert result.redemption.code is None
    assert result.redemption.receipt is not None
    assert result.redemption.receipt.startswith("DON-2026-")
    assert result.redemption.status is RedemptionStatus.DONATED


async def test_staff_adjustments_need_a_reason_and_are_audited(fake_app: FakeApp) -> None:
    owner = await stored(fake_app, an_owner)
    async with fake_app.database.uow() as uow:

        async def adjust(delta: int, reason: str) -> int:
            return await adjustments.adjust(
                uow,
                fake_app.reference,
                owner=owner,
                delta=delta,
                reason=reason,
                actor="cli:x",
                now=NOW,
            )

        with pytest.raises(adjustments.ReasonRequired):
            await adjust(100, " ")
        assert await adjust(300, "goodwill") == 300
        assert await adjust(-100, "typo") == 200
        with pytest.raises(InsufficientPoints):
            await adjust(-1000, "x")
        await uow.commit()
        trail = await uow.audit.about(f"owner:{owner.id}")
        entries = (await statement.history(uow, owner.id, 0)).entries
    assert [(a.action, a.reason) for a in trail] == [
        ("points.adjust", "goodwill"),
        ("points.adjust", "typo"),
    ]
    assert [(e.kind, e.points) for e in entries] == [
        (EntryKind.ADJUST, -100),
        (EntryKind.ADJUST, 300),
    ]


async def test_monthly_caps_stop_activity_awards(fake_app: FakeApp) -> None:
    owner = await stored(fake_app, an_owner)
    outcomes = []
    for n in range(3):
        async with fake_app.database.uow() as uow:
            outcomes.append(
                await earn.award_activity(
                    uow,
                    fake_app.reference,
                    owner_id=owner.id,
                    market="TH",
                    rule="survey_answered",
                    source="survey",
                    source_id=str(n),
                    now=NOW,
                )
            )
            await uow.commit()
    assert outcomes == [AwardOutcome.AWARDED, AwardOutcome.AWARDED, AwardOutcome.CAPPED]


async def test_the_yearly_review_warns_then_demotes_one_tier(fake_app: FakeApp) -> None:
    owner = await stored(fake_app, an_owner)
    await give(fake_app, owner, 0, key="s", status=6000)  # co-creator
    later = NOW + days(366)
    async with fake_app.database.uow() as uow:
        first = await tiers.review_tiers(uow, fake_app.reference, later)
        await commit_as_of(fake_app, uow, later)
    assert (first.owners, first.noticed) == ([owner.id], 1)
    async with fake_app.database.uow() as uow:
        assert await tiers.tier_of(uow, owner.id) is Tier.CO_CREATOR  # warned, not demoted
        second = await tiers.review_tiers(uow, fake_app.reference, later + days(31))
        await commit_as_of(fake_app, uow, later + days(31))
        assert await tiers.tier_of(uow, owner.id) is Tier.COMPANION  # one tier down only
    assert (second.owners, second.demoted) == ([owner.id], 1)


async def test_fifty_concurrent_redemptions_never_overdraw(empty_app: App) -> None:
    async with empty_app.database.uow() as uow:
        owner = await an_owner(uow)
        await a_lot(uow, owner, 150 * 7 + 100)  # enough for exactly 7 coffees
        await uow.commit()
    coffee = empty_app.reference.rewards[("TH", "coffee")]

    async def attempt(n: int) -> bool:
        async with empty_app.database.uow() as uow:
            try:
                await rewards.redeem(uow, coffee, owner=owner, request_key=f"r{n}", now=NOW)
            except InsufficientPoints:
                return False
            await uow.commit()
            return True

    results = await asyncio.gather(*(attempt(n) for n in range(50)))
    assert sum(results) == 7
    assert await balance(empty_app, owner) == 100
