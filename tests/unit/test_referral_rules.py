"""The referral rules in bot/domain/referrals.py: stages, rewards, fraud and fairness."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.referrals import (
    CODE_LENGTH,
    DAILY_SUBMISSIONS,
    DELIVERED_RULE,
    FUNNEL,
    TEST_DRIVE_RULE,
    YEARLY_REWARDED,
    FunnelRow,
    LeadFacts,
    Move,
    NoReward,
    Payout,
    PayoutFacts,
    Refusal,
    Source,
    Stage,
    StageRewards,
    check_move,
    code_from_payload,
    friend_perk_allowed,
    link_payload,
    new_code,
    next_stages,
    no_reward_at_lead,
    no_reward_at_payout,
    refusal,
    reverse_on_cancel,
    rewards_crossed,
    total_row,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
OWNER_PHONE = "+66812345678"
FRIEND_PHONE = "+66812223333"


def lead(**changes: object) -> LeadFacts:
    facts: dict[str, object] = {
        "source": Source.CHAT,
        "friend_phone": FRIEND_PHONE,
        "referrer_phone": OWNER_PHONE,
        "referrer_user_ids": frozenset({1}),
    }
    facts.update(changes)
    return LeadFacts(**facts)  # type: ignore[arg-type]


def payout(**changes: object) -> PayoutFacts:
    facts: dict[str, object] = {
        "already_rewarded": False,
        "rewarded_this_year": 0,
        "friend_paid_before": False,
        "referrer_is_staff": False,
    }
    facts.update(changes)
    return PayoutFacts(**facts)  # type: ignore[arg-type]


# --- the link -------------------------------------------------------------------------------


def test_a_referral_code_is_random_and_fits_telegrams_start_payload() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        payload = link_payload(code)
        assert len(payload) <= 64
        assert re.fullmatch(r"[A-Za-z0-9_-]+", payload)
        assert code_from_payload(payload) == code
        assert len(code) == CODE_LENGTH


@pytest.mark.parametrize(
    "payload", ["club", "ref_", "ref_short", "ref_" + "A" * 13, "ref_abc def ghijk", "x" * 80]
)
def test_other_payloads_are_not_read_as_referral_codes(payload: str) -> None:
    assert code_from_payload(payload) is None


# --- stages ---------------------------------------------------------------------------------


def test_stages_move_forward_and_may_skip_ahead() -> None:
    assert check_move(Stage.LEAD, Stage.LEAD, Stage.CONTACTED) is Move.ADVANCE
    assert check_move(Stage.LEAD, Stage.LEAD, Stage.DELIVERED) is Move.ADVANCE
    assert check_move(Stage.ORDER, Stage.ORDER, Stage.DELIVERED) is Move.ADVANCE


def test_a_stage_already_reached_changes_nothing() -> None:
    assert check_move(Stage.CONTACTED, Stage.CONTACTED, Stage.CONTACTED) is Move.ALREADY
    assert check_move(Stage.ORDER, Stage.ORDER, Stage.CONTACTED) is Move.ALREADY
    assert check_move(Stage.LOST, Stage.LOST, Stage.LOST) is Move.ALREADY


def test_a_friend_is_lost_only_before_the_order_and_may_come_back_further() -> None:
    assert check_move(Stage.TEST_DRIVE_DONE, Stage.TEST_DRIVE_DONE, Stage.LOST) is Move.ADVANCE
    assert check_move(Stage.ORDER, Stage.ORDER, Stage.LOST) is Move.REFUSED
    assert check_move(Stage.DELIVERED, Stage.DELIVERED, Stage.LOST) is Move.REFUSED
    assert check_move(Stage.LOST, Stage.CONTACTED, Stage.TEST_DRIVE_BOOKED) is Move.ADVANCE
    assert check_move(Stage.LOST, Stage.CONTACTED, Stage.CONTACTED) is Move.REFUSED
    assert check_move(Stage.LOST, Stage.CONTACTED, Stage.ORDER_CANCELLED) is Move.REFUSED


def test_only_orders_can_be_cancelled_and_a_cancellation_is_final() -> None:
    assert check_move(Stage.ORDER, Stage.ORDER, Stage.ORDER_CANCELLED) is Move.ADVANCE
    assert check_move(Stage.DELIVERED, Stage.DELIVERED, Stage.ORDER_CANCELLED) is Move.ADVANCE
    assert check_move(Stage.CONTACTED, Stage.CONTACTED, Stage.ORDER_CANCELLED) is Move.REFUSED
    for target in Stage:
        if target is not Stage.ORDER_CANCELLED:
            assert check_move(Stage.ORDER_CANCELLED, Stage.DELIVERED, target) is Move.REFUSED


def test_staff_are_offered_the_next_two_stages_and_the_exit_that_applies() -> None:
    assert next_stages(Stage.LEAD, Stage.LEAD) == [
        Stage.CONTACTED,
        Stage.TEST_DRIVE_BOOKED,
        Stage.LOST,
    ]
    assert next_stages(Stage.ORDER, Stage.ORDER) == [Stage.DELIVERED, Stage.ORDER_CANCELLED]
    assert next_stages(Stage.DELIVERED, Stage.DELIVERED) == [Stage.ORDER_CANCELLED]
    assert next_stages(Stage.ORDER_CANCELLED, Stage.DELIVERED) == []


def test_a_jump_pays_every_rewarded_stage_it_passes() -> None:
    assert rewards_crossed(Stage.LEAD, Stage.CONTACTED) == []
    assert rewards_crossed(Stage.TEST_DRIVE_BOOKED, Stage.TEST_DRIVE_DONE) == [TEST_DRIVE_RULE]
    assert rewards_crossed(Stage.LEAD, Stage.DELIVERED) == [TEST_DRIVE_RULE, DELIVERED_RULE]
    assert rewards_crossed(Stage.TEST_DRIVE_DONE, Stage.DELIVERED) == [DELIVERED_RULE]


stages = st.sampled_from(list(Stage))


@settings(max_examples=100)
@given(st.lists(stages, max_size=20))
def test_whatever_staff_and_imports_do_the_furthest_stage_never_goes_back(
    targets: list[Stage],
) -> None:
    _walk(targets)


@pytest.mark.slow
@settings(max_examples=3000)
@given(st.lists(stages, max_size=40))
def test_long_random_stage_walks_never_go_back_or_pay_twice(targets: list[Stage]) -> None:
    _walk(targets)


def _walk(targets: list[Stage]) -> None:
    current = furthest = Stage.LEAD
    paid: list[str] = []
    for target in targets:
        move = check_move(current, furthest, target)
        if move is not Move.ADVANCE:
            continue
        new_furthest = target if target.rank > furthest.rank else furthest
        assert new_furthest.rank >= furthest.rank
        paid += rewards_crossed(furthest, new_furthest)
        current, furthest = target, new_furthest
    assert len(paid) == len(set(paid)), "each stage reward is paid at most once"
    if current is Stage.ORDER_CANCELLED:
        assert furthest.rank >= Stage.ORDER.rank


def test_the_delivery_reward_is_withdrawn_only_while_it_is_pending() -> None:
    delivered = NOW - timedelta(days=13)
    assert reverse_on_cancel(delivered, NOW, 14)
    assert not reverse_on_cancel(delivered, NOW + timedelta(days=1), 14)
    assert not reverse_on_cancel(None, NOW, 14)


# --- fraud and fairness -----------------------------------------------------------------------


def test_owners_cannot_recommend_themselves_by_chat_user_or_phone() -> None:
    assert refusal(lead(source=Source.LINK, friend_user_id=1)) is Refusal.SELF_USER
    assert refusal(lead(friend_phone=OWNER_PHONE)) is Refusal.SELF_PHONE
    assert refusal(lead(source=Source.LINK, friend_user_id=2)) is None


def test_at_most_five_friends_a_day_are_submitted_in_chat() -> None:
    assert refusal(lead(submitted_today=DAILY_SUBMISSIONS - 1)) is None
    assert refusal(lead(submitted_today=DAILY_SUBMISSIONS)) is Refusal.DAILY_LIMIT
    link = lead(source=Source.LINK, submitted_today=DAILY_SUBMISSIONS, friend_user_id=9)
    assert refusal(link) is None, "friends who open the link themselves are not limited"


def test_a_friend_who_already_owns_one_earns_no_reward() -> None:
    assert no_reward_at_lead(lead(friend_is_owner=True), NOW) is NoReward.ALREADY_OWNER


def test_a_friend_recommended_in_the_last_90_days_earns_no_reward() -> None:
    recent = lead(previous_lead_at=NOW - timedelta(days=90))
    older = lead(previous_lead_at=NOW - timedelta(days=91))
    assert no_reward_at_lead(recent, NOW) is NoReward.RECENT_LEAD
    assert no_reward_at_lead(older, NOW) is None


def test_staff_earn_no_referral_rewards() -> None:
    assert no_reward_at_lead(lead(referrer_is_staff=True), NOW) is NoReward.STAFF
    assert no_reward_at_payout(payout(referrer_is_staff=True)) is NoReward.STAFF


def test_ten_referrals_a_year_earn_rewards_and_a_rewarded_one_finishes_paying() -> None:
    assert no_reward_at_payout(payout(rewarded_this_year=YEARLY_REWARDED - 1)) is None
    full = payout(rewarded_this_year=YEARLY_REWARDED)
    assert no_reward_at_payout(full) is NoReward.YEARLY_LIMIT
    finishing = payout(rewarded_this_year=YEARLY_REWARDED, already_rewarded=True)
    assert no_reward_at_payout(finishing) is None, "its test drive counted: delivery pays too"


def test_a_friend_is_never_paid_for_twice() -> None:
    assert no_reward_at_payout(payout(friend_paid_before=True)) is NoReward.PAID_BEFORE


def test_a_car_the_owner_already_has_earns_nothing() -> None:
    assert no_reward_at_payout(payout(vehicle_of_referrer=True)) is NoReward.OWN_VEHICLE


def test_the_friends_welcome_gift_depends_on_the_friend_not_on_the_owners_limits() -> None:
    assert friend_perk_allowed(None)
    assert friend_perk_allowed(NoReward.YEARLY_LIMIT)
    assert friend_perk_allowed(NoReward.STAFF)
    assert not friend_perk_allowed(NoReward.ALREADY_OWNER)
    assert not friend_perk_allowed(NoReward.PAID_BEFORE)


phones = st.sampled_from([OWNER_PHONE, FRIEND_PHONE, "+66899990000"])


@settings(max_examples=150)
@given(
    source=st.sampled_from(list(Source)),
    friend_phone=phones,
    friend_user=st.one_of(st.none(), st.integers(1, 4)),
    submitted=st.integers(0, 8),
    is_owner=st.booleans(),
    previous_days=st.one_of(st.none(), st.integers(0, 200)),
    staff=st.booleans(),
)
def test_a_lead_is_refused_or_unrewarded_exactly_when_a_rule_says_so(
    source: Source,
    friend_phone: str,
    friend_user: int | None,
    submitted: int,
    is_owner: bool,
    previous_days: int | None,
    staff: bool,
) -> None:
    facts = lead(
        source=source,
        friend_phone=friend_phone,
        friend_user_id=friend_user,
        referrer_user_ids=frozenset({1, 2}),
        submitted_today=submitted,
        friend_is_owner=is_owner,
        previous_lead_at=None if previous_days is None else NOW - timedelta(days=previous_days),
        referrer_is_staff=staff,
    )
    is_self = friend_phone == OWNER_PHONE or friend_user in (1, 2)
    over_limit = source is Source.CHAT and submitted >= DAILY_SUBMISSIONS
    assert (refusal(facts) is not None) == (is_self or over_limit)
    recent = previous_days is not None and previous_days <= 90
    assert (no_reward_at_lead(facts, NOW) is not None) == (is_owner or recent or staff)


@settings(max_examples=100)
@given(
    rewarded=st.booleans(),
    count=st.integers(0, 20),
    paid_before=st.booleans(),
    staff=st.booleans(),
    own=st.booleans(),
)
def test_a_stage_pays_only_when_no_payout_rule_objects(
    rewarded: bool, count: int, paid_before: bool, staff: bool, own: bool
) -> None:
    facts = payout(
        already_rewarded=rewarded,
        rewarded_this_year=count,
        friend_paid_before=paid_before,
        referrer_is_staff=staff,
        vehicle_of_referrer=own,
    )
    capped = not rewarded and count >= YEARLY_REWARDED
    assert (no_reward_at_payout(facts) is None) == (not (paid_before or staff or own or capped))


# --- numbers ----------------------------------------------------------------------------------


def test_conversion_is_the_share_of_the_stage_before() -> None:
    row = FunnelRow("TH", "TH-BKK-01", (10, 8, 4, 4, 1, 0))
    assert row.conversion(Stage.CONTACTED) == 0.8
    assert row.conversion(Stage.TEST_DRIVE_BOOKED) == 0.5
    assert row.conversion(Stage.LEAD) is None
    empty = FunnelRow("TH", "TH-CNX-01", (0,) * len(FUNNEL))
    assert empty.conversion(Stage.CONTACTED) is None
    both = total_row([row, FunnelRow("TH", "X", (2, 2, 2, 2, 2, 2), points_paid=500)])
    assert both.reached == (12, 10, 6, 6, 3, 2)
    assert both.points_paid == 500


# --- several changes told as one -----------------------------------------------------------


def test_changes_told_together_add_their_points_and_keep_the_latest_reason() -> None:
    when = datetime(2026, 12, 7, tzinfo=UTC)
    test_drive = StageRewards(paid=(Payout(TEST_DRIVE_RULE, 500),))
    delivered = StageRewards(paid=(Payout(DELIVERED_RULE, 3000, when),))
    both = test_drive.then(StageRewards()).then(delivered)
    assert both.paid == (Payout(TEST_DRIVE_RULE, 500), Payout(DELIVERED_RULE, 3000, when))
    assert (both.withdrawn, both.no_reward) == (0, None)
    refused = StageRewards(no_reward=NoReward.YEARLY_LIMIT)
    assert test_drive.then(refused).no_reward is NoReward.YEARLY_LIMIT


def test_a_delivery_reward_paid_and_withdrawn_together_is_neither_earned_nor_lost() -> None:
    paid = StageRewards(paid=(Payout(TEST_DRIVE_RULE, 500), Payout(DELIVERED_RULE, 3000)))
    cancelled = paid.then(StageRewards(withdrawn=3000))
    assert cancelled.paid == (Payout(TEST_DRIVE_RULE, 500),)
    assert cancelled.withdrawn == 0
    told_before = StageRewards().then(StageRewards(withdrawn=3000))
    assert told_before.withdrawn == 3000, "paid in an earlier import: the owner knew of it"
