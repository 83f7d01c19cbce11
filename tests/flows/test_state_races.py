"""Two people changing one thing at once, on SQLite (tests/pg: the same on PostgreSQL)."""

from __future__ import annotations

import pytest

from bot.app import App
from tests import race_scenarios as races

FAST = 3
SLOW = 50


async def test_a_second_desk_cannot_spend_a_used_voucher(app: App) -> None:
    await races.two_desks_take_one_voucher(app, FAST)


async def test_a_voucher_is_either_used_at_the_desk_or_cancelled_by_its_owner(app: App) -> None:
    await races.a_desk_and_the_owner_race_for_a_voucher(app, FAST)


async def test_confirm_and_decline_pressed_at_once_give_the_owner_one_answer(app: App) -> None:
    await races.confirm_and_decline_at_once(app, FAST)


async def test_a_desk_decline_and_an_owner_cancel_at_once_cancel_once(app: App) -> None:
    await races.the_desk_declines_while_the_owner_cancels(app, FAST)


@pytest.mark.slow
async def test_fifty_rounds_of_voucher_and_booking_races(app: App) -> None:
    await races.two_desks_take_one_voucher(app, SLOW)
    await races.a_desk_and_the_owner_race_for_a_voucher(app, SLOW)
    await races.confirm_and_decline_at_once(app, SLOW)
    await races.the_desk_declines_while_the_owner_cancels(app, SLOW)
    await races.two_staff_move_one_referral(app, SLOW)


async def test_two_staff_moving_one_referral_at_once_move_it_once(app: App) -> None:
    await races.two_staff_move_one_referral(app, FAST)
