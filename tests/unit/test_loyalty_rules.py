from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.data import load_reference
from bot.domain.loyalty import (
    InsufficientPoints,
    LotView,
    ReviewOutcome,
    Tier,
    allocate,
    points_for_payment,
    progress_bar,
    promotion,
    tier_for_status,
    tier_progress,
    yearly_review,
)
from bot.domain.months import add_months

NOW = datetime(2026, 11, 23, tzinfo=UTC)
THRESHOLDS = {Tier.COMPANION: 1000, Tier.CO_CREATOR: 5000}

lots = st.lists(
    st.builds(
        LotView,
        id=st.integers(1, 10**6),
        remaining=st.integers(0, 5000),
        available_at=st.sampled_from([NOW - timedelta(days=1), NOW + timedelta(days=3)]),
        expires_at=st.integers(-5, 400).map(lambda d: NOW + timedelta(days=d)),
    ),
    max_size=12,
    unique_by=lambda lot: lot.id,
)


@given(lots, st.integers(1, 20000))
def test_allocation_takes_exactly_the_amount_from_spendable_lots_or_refuses(
    candidates: list[LotView], amount: int
) -> None:
    spendable = {lot.id: lot for lot in candidates if lot.spendable(NOW)}
    balance = sum(lot.remaining for lot in spendable.values())
    if balance < amount:
        with pytest.raises(InsufficientPoints):
            allocate(candidates, amount, NOW)
        return
    taken = allocate(candidates, amount, NOW)
    assert sum(points for _, points in taken) == amount
    for lot_id, points in taken:
        assert 0 < points <= spendable[lot_id].remaining
    # Nearest expiry first: the lots used are a prefix of the expiry order, every one
    # but the last used up completely.
    order = [lot.id for lot in sorted(spendable.values(), key=lambda lot: (lot.expires_at, lot.id))]
    order = [i for i in order if spendable[i].remaining > 0]
    assert [lot_id for lot_id, _ in taken] == order[: len(taken)]
    for lot_id, points in taken[:-1]:
        assert points == spendable[lot_id].remaining


@given(st.integers(0, 10**9))
def test_payment_points_round_down(invoice_minor: int) -> None:
    rules = load_reference().rules("TH")
    points, _status = points_for_payment(invoice_minor, rules)
    assert points == invoice_minor // 1000
    assert points * 1000 <= invoice_minor < (points + 1) * 1000


def test_calendar_months_clamp_the_day() -> None:
    assert add_months(datetime(2027, 1, 31, tzinfo=UTC), 1) == datetime(2027, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2027, 11, 30, tzinfo=UTC), 24) == datetime(2029, 11, 30, tzinfo=UTC)


@given(st.integers(0, 10000), st.integers(0, 10000))
def test_more_status_never_means_a_lower_tier(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert tier_for_status(low, THRESHOLDS).rank <= tier_for_status(high, THRESHOLDS).rank


def test_promotion_only_goes_up() -> None:
    assert promotion(Tier.EXPLORER, 1500, THRESHOLDS) is Tier.COMPANION
    assert promotion(Tier.CO_CREATOR, 0, THRESHOLDS) is None
    assert promotion(Tier.COMPANION, 999, THRESHOLDS) is None


def test_demotion_waits_for_the_review_and_the_grace_period() -> None:
    notice = NOW - timedelta(days=10)
    assert yearly_review(Tier.COMPANION, 1200, THRESHOLDS, None, NOW, 30) is ReviewOutcome.KEEP
    assert yearly_review(Tier.COMPANION, 200, THRESHOLDS, None, NOW, 30) is ReviewOutcome.NOTICE
    assert yearly_review(Tier.COMPANION, 200, THRESHOLDS, notice, NOW, 30) is ReviewOutcome.KEEP
    late = NOW + timedelta(days=21)
    assert yearly_review(Tier.COMPANION, 200, THRESHOLDS, notice, late, 30) is ReviewOutcome.DEMOTE
    assert yearly_review(Tier.EXPLORER, 0, THRESHOLDS, None, NOW, 30) is ReviewOutcome.KEEP


def test_progress_toward_the_next_tier() -> None:
    progress = tier_progress(Tier.COMPANION, 3000, THRESHOLDS)
    assert (progress.next_tier, progress.needed) == (Tier.CO_CREATOR, 2000)
    assert progress_bar(progress.fraction) == "▰" * 5 + "▱" * 5
    assert tier_progress(Tier.CO_CREATOR, 9000, THRESHOLDS).next_tier is None
