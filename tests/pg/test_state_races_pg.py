"""Two people changing one thing at once on PostgreSQL: separate connections, released
together, exactly one winner each round and a clear answer for the other."""

from __future__ import annotations

import pytest

from bot.app import App
from tests import race_scenarios as races

FAST = 5
SLOW = 50


async def test_a_second_desk_cannot_spend_a_used_voucher_on_postgres(pg_app: App) -> None:
    await races.two_desks_take_one_voucher(pg_app, FAST)


async def test_a_voucher_is_either_used_or_cancelled_never_both_on_postgres(pg_app: App) -> None:
    await races.a_desk_and_the_owner_race_for_a_voucher(pg_app, FAST)


async def test_confirm_and_decline_at_once_give_the_owner_one_answer_on_postgres(
    pg_app: App,
) -> None:
    await races.confirm_and_decline_at_once(pg_app, FAST)


async def test_a_desk_decline_and_an_owner_cancel_at_once_cancel_once_on_postgres(
    pg_app: App,
) -> None:
    await races.the_desk_declines_while_the_owner_cancels(pg_app, FAST)


async def test_two_staff_moving_one_referral_at_once_move_it_once_on_postgres(
    pg_app: App,
) -> None:
    await races.two_staff_move_one_referral(pg_app, FAST)


@pytest.mark.slow
async def test_fifty_rounds_of_each_race_on_postgres(pg_app: App) -> None:
    await races.two_desks_take_one_voucher(pg_app, SLOW)
    await races.a_desk_and_the_owner_race_for_a_voucher(pg_app, SLOW)
    await races.confirm_and_decline_at_once(pg_app, SLOW)
    await races.the_desk_declines_while_the_owner_cancels(pg_app, SLOW)
    await races.two_staff_move_one_referral(pg_app, SLOW)
