"""The points ledger through its services, on SQLite."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import App
from bot.domain.events import VisitCompleted, VisitRefunded
from bot.domain.loyalty import InsufficientPoints, RedemptionStatus, Tier
from bot.services.loyalty import adjustments, earn, expiry, rewards, statement, tiers
from bot.services.loyalty.earn import AwardOutcome
from bot.services.loyalty.rewards import RewardUnavailable, VoucherProblem
from tests.conftest import NOW, commit_as_of
from tests.services.loyalty_helpers import balance, days, give, owner_by_phone, reward


async def test_an_award_is_paid_once_however_often_it_is_replayed(app: App) -> None:
    owner = await owner_by_phone(app)
    assert await give(app, owner, 500, key="k1", at=NOW) is AwardOutcome.AWARDED
    assert await give(app, owner, 500, key="k1", at=NOW) is AwardOutcome.DUPLICATE
    assert await balance(app, owner, NOW) == 500


async def test_paid_service_points_are_pending_for_14_days(app: App) -> None:
    owner = await owner_by_phone(app)
    async with app.database.uow() as uow:
        uow.events.append(VisitCompleted(1, owner.id, 1, "TH-BKK-01", 1_234_500, "THB", NOW))
        await commit_as_of(app, uow, NOW)
    async with app.database.uow() as uow:
        summary = await statement.summary(uow, app.reference, owner, NOW)
    assert summary.balance == 0
    assert summary.pending == [(NOW + days(14), 1234)]  # 12,345 THB at 10 THB a point
    assert await balance(app, owner, NOW + days(14)) == 1234


async def test_a_refund_inside_the_pending_window_reverses_the_points(app: App) -> None:
    owner = await owner_by_phone(app)
    async with app.database.uow() as uow:
        uow.events.append(VisitCompleted(7, owner.id, 1, "TH-BKK-01", 500_000, "THB", NOW))
        await commit_as_of(app, uow, NOW)
    async with app.database.uow() as uow:
        uow.events.append(VisitRefunded(7, owner.id, NOW + days(3)))
        uow.events.append(VisitRefunded(7, owner.id, NOW + days(3)))  # twice: harmless
        await commit_as_of(app, uow, NOW + days(3))
    async with app.database.uow() as uow:
        summary = await statement.summary(uow, app.reference, owner, NOW + days(3))
        entries = (await statement.history(uow, owner.id, 0)).entries
    assert summary.pending_total == 0
    assert [e.kind for e in entries] == ["reverse", "earn"]
    assert entries[0].reverses_id == entries[1].id


async def test_redeeming_spends_the_nearest_expiring_lots_first(app: App) -> None:
    owner = await owner_by_phone(app)
    await give(app, owner, 1000, key="old", at=NOW - days(700))  # expires in ~30 days
    await give(app, owner, 1000, key="new", at=NOW)
    async with app.database.uow() as uow:
        result = await rewards.redeem(
            uow, reward(app, "wheel_alignment"), owner=owner, request_key="r1", now=NOW
        )
        await uow.commit()
    assert result.balance_after == 1200
    async with app.database.uow() as uow:
        lots = {lot.source_id: lot.remaining for lot in await uow.point_lots.open_of(owner.id)}
    assert lots == {"old": 200, "new": 1000}


async def test_a_second_tap_on_confirm_redeems_once(app: App) -> None:
    owner = await owner_by_phone(app)
    await give(app, owner, 2000, key="k", at=NOW)
    for _ in range(2):
        async with app.database.uow() as uow:
            result = await rewards.redeem(
                uow, reward(app, "coffee"), owner=owner, request_key="same", now=NOW
            )
            await uow.commit()
    assert result.repeated
    assert await balance(app, owner, NOW) == 1850


async def test_redeeming_more_than_the_balance_is_refused_and_changes_nothing(app: App) -> None:
    owner = await owner_by_phone(app)
    await give(app, owner, 100, key="k", at=NOW)
    async with app.database.uow() as uow:
        with pytest.raises(InsufficientPoints) as caught:
            await rewards.redeem(uow, reward(app, "coffee"), owner=owner, request_key="r", now=NOW)
    assert (caught.value.balance, caught.value.needed) == (100, 150)
    assert await balance(app, owner, NOW) == 100


async def test_pending_points_cannot_be_spent(app: App) -> None:
    owner = await owner_by_phone(app)
    await give(app, owner, 5000, key="k", at=NOW, pending_days=14)
    async with app.database.uow() as uow:
        with pytest.raises(InsufficientPoints):
            await rewards.redeem(uow, reward(app, "coffee"), owner=owner, request_key="r", now=NOW)


async def test_tier_locked_rewards_need_the_tier(app: App) -> None:
    owner = await owner_by_phone(app)
    await give(app, owner, 5000, key="k", at=NOW)
    async with app.database.uow() as uow:
        with pytest.raises(RewardUnavailable) as caught:
            await rewards.redeem(
                uow, reward(app, "parts_discount"), owner=owner, request_key="r", now=NOW
            )
    assert caught.value.min_tier is Tier.COMPANION


async def test_status_points_promote_at_once(app: App) -> None:
    owner = await owner_by_phone(app)
    await give(app, owner, 0, key="s", at=NOW, status=1200)
    async with app.database.uow() as uow:
        summary = await statement.summary(uow, app.reference, owner, NOW)
    assert summary.tier is Tier.COMPANION
    assert summary.progress.needed == 3800


async def test_an_out_of_stock_reward_is_refused(app: App) -> None:
    owner = await owner_by_phone(app)
    await give(app, owner, 5000, key="k", at=NOW)
    async with app.database.uow() as uow:
        await uow.reward_stock.set("TH", "gym_pass", 0)
        await uow.commit()
    async with app.database.uow() as uow:
        with pytest.raises(RewardUnavailable) as caught:
            await rewards.redeem(
                uow, reward(app, "gym_pass"), owner=owner, request_key="r", now=NOW
            )
    assert caught.value.why == "stock"


async def test_cancelling_an_unused_voucher_refunds_the_exact_lots(app: App) -> None:
    owner = await owner_by_phone(app)
    await give(app, owner, 500, key="a", at=NOW - days(100))
    await give(app, owner, 1500, key="b", at=NOW)
    async with app.database.uow() as uow:
        result = await rewards.redeem(
            uow, reward(app, "wheel_alignment"), owner=owner, request_key="r", now=NOW
        )
        await uow.commit()
    async with app.database.uow() as uow:
        refunded = await rewards.cancel_redemption(
            uow, owner_id=owner.id, redemption_id=result.redemption.id, now=NOW + days(1)
        )
        await uow.commit()
        lots = {lot.source_id: lot.remaining for lot in await uow.point_lots.open_of(owner.id)}
        redemption = await uow.redemptions.get(result.redemption.id)
    assert refunded == 800
    assert lots == {"a": 500, "b": 1500}
    assert redemption.status == RedemptionStatus.CANCELLED
    async with app.database.uow() as uow:
        with pytest.raises(VoucherProblem):
            await rewards.cancel_redemption(
                uow, owner_id=owner.id, redemption_id=result.redemption.id, now=NOW + days(1)
            )


async def test_expiry_removes_only_what_is_left_of_each_lot(app: App) -> None:
    owner = await owner_by_phone(app)
    await give(app, owner, 1000, key="old", at=NOW - days(700))  # expires in ~30 days
    await give(app, owner, 300, key="new", at=NOW)
    async with app.database.uow() as uow:
        await rewards.redeem(uow, reward(app, "gym_pass"), owner=owner, request_key="r", now=NOW)
        await uow.commit()
    async with app.database.uow() as uow:
        lots, _ = await expiry.expire(uow, NOW + days(40))
        await uow.commit()
        entries = (await statement.history(uow, owner.id, 0)).entries
    assert lots >= 1  # other demo owners' old points expire too
    assert entries[0].kind == "expire"
    assert entries[0].points == -400
    assert await balance(app, owner, NOW + days(40)) == 300


async def test_fifty_concurrent_redemptions_never_overdraw(app: App) -> None:
    owner = await owner_by_phone(app)
    await give(app, owner, 150 * 7 + 100, key="k", at=NOW)  # enough for exactly 7 coffees

    async def attempt(n: int) -> bool:
        async with app.database.uow() as uow:
            try:
                await rewards.redeem(
                    uow, reward(app, "coffee"), owner=owner, request_key=f"r{n}", now=NOW
                )
            except InsufficientPoints:
                return False
            await uow.commit()
            return True

    results = await asyncio.gather(*(attempt(n) for n in range(50)))
    assert sum(results) == 7
    assert await balance(app, owner, NOW) == 100


async def test_voucher_codes_are_used_once_at_a_dealer_of_the_market(app: App) -> None:
    from bot.domain.staff import Role
    from bot.services.staff import add_staff

    owner = await owner_by_phone(app)
    await give(app, owner, 2000, key="k", at=NOW)
    async with app.database.uow() as uow:
        issued = (
            await rewards.redeem(uow, reward(app, "coffee"), owner=owner, request_key="r", now=NOW)
        ).redemption
        bangkok = await add_staff(
            uow,
            channel="console",
            user_id=1,
            role=Role.ADVISOR,
            name="Ann",
            dealer_code="TH-BKK-01",
            actor="t",
            now=NOW,
        )
        london = await add_staff(
            uow,
            channel="console",
            user_id=2,
            role=Role.ADVISOR,
            name="Bob",
            dealer_code="GB-LON-01",
            actor="t",
            now=NOW,
        )
        await uow.commit()
    typed = issued.code.lower().replace("-", " ")
    async with app.database.uow() as uow:
        with pytest.raises(VoucherProblem) as elsewhere:
            await rewards.use_voucher(
                uow, app.reference, code=typed, staff=london, actor="console:2", now=NOW
            )
        assert elsewhere.value.why == "elsewhere"
        used = await rewards.use_voucher(
            uow, app.reference, code=typed, staff=bangkok, actor="console:1", now=NOW
        )
        await uow.commit()
    assert used.status == RedemptionStatus.USED
    async with app.database.uow() as uow:
        with pytest.raises(VoucherProblem) as again:
            await rewards.use_voucher(
                uow, app.reference, code=issued.code, staff=bangkok, actor="console:1", now=NOW
            )
    assert again.value.why == "used"


async def test_a_charity_donation_gets_a_receipt_and_no_voucher(app: App) -> None:
    owner = await owner_by_phone(app)
    await give(app, owner, 600, key="k", at=NOW)
    async with app.database.uow() as uow:
        result = await rewards.redeem(
            uow, reward(app, "road_safety"), owner=owner, request_key="r", now=NOW
        )
        await uow.commit()
    assert result.redemption.code is None
    assert result.redemption.receipt.startswith("DON-2026-")
    assert result.redemption.status == RedemptionStatus.DONATED


async def test_staff_adjustments_need_a_reason_and_are_audited(app: App) -> None:
    owner = await owner_by_phone(app)
    async with app.database.uow() as uow:
        with pytest.raises(adjustments.ReasonRequired):
            await adjustments.adjust(
                uow, app.reference, owner=owner, delta=100, reason=" ", actor="cli:x", now=NOW
            )
        assert (
            await adjustments.adjust(
                uow,
                app.reference,
                owner=owner,
                delta=300,
                reason="goodwill",
                actor="cli:x",
                now=NOW,
            )
            == 300
        )
        assert (
            await adjustments.adjust(
                uow, app.reference, owner=owner, delta=-100, reason="typo", actor="cli:x", now=NOW
            )
            == 200
        )
        with pytest.raises(InsufficientPoints):
            await adjustments.adjust(
                uow, app.reference, owner=owner, delta=-1000, reason="x", actor="cli:x", now=NOW
            )
        await uow.commit()
        trail = await uow.audit.about(f"owner:{owner.id}")
    assert [(a.action, a.reason) for a in trail] == [
        ("points.adjust", "goodwill"),
        ("points.adjust", "typo"),
    ]


async def test_monthly_caps_stop_activity_awards(app: App) -> None:
    owner = await owner_by_phone(app)
    outcomes = []
    for n in range(3):
        async with app.database.uow() as uow:
            outcomes.append(
                await earn.award_activity(
                    uow,
                    app.reference,
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


async def test_the_yearly_review_warns_then_demotes_one_tier(app: App) -> None:
    owner = await owner_by_phone(app)
    await give(app, owner, 0, key="s", at=NOW, status=6000)  # co-creator
    later = NOW + days(366)
    async with app.database.uow() as uow:
        first = await tiers.review_tiers(uow, app.reference, later)
        await uow.commit()
    assert owner.id in first.owners
    async with app.database.uow() as uow:
        assert await tiers.tier_of(uow, owner.id) is Tier.CO_CREATOR  # warned, not demoted
        second = await tiers.review_tiers(uow, app.reference, later + days(31))
        await uow.commit()
        assert await tiers.tier_of(uow, owner.id) is Tier.COMPANION  # one tier down only
    assert owner.id in second.owners
