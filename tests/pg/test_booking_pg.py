"""No double booking on PostgreSQL: real concurrent transactions, the same invariants."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.booking_scenarios import (
    check_race,
    dst_slots_on_the_database,
    race_for_the_last_free_slot,
    random_bookings_never_overlap,
)
from tests.conftest import Chat
from tests.flows.helpers import DEMO_BANGKOK, linked


async def test_twenty_owners_racing_for_the_last_free_slot_book_it_once(pg_app: App) -> None:
    check_race(await race_for_the_last_free_slot(pg_app, racers=20))


async def test_when_all_racers_read_the_slot_free_the_unique_constraint_picks_one(
    pg_app: App,
) -> None:
    result = await race_for_the_last_free_slot(pg_app, racers=20, interleave=True)
    check_race(result)
    assert result.refused_by_database == 19, "every loser was refused by the database"


async def test_daylight_saving_slots_are_stored_and_held_in_utc(pg_app: App) -> None:
    await dst_slots_on_the_database(pg_app)


async def test_random_bookings_moves_and_cancellations_never_overlap(pg_app: App) -> None:
    await random_bookings_never_overlap(pg_app, seed=1, bookings=40)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2, 6))
async def test_long_random_booking_traffic_never_overlaps(pg_app: App, seed: int) -> None:
    await random_bookings_never_overlap(pg_app, seed=seed, bookings=150)


async def test_an_owner_books_through_the_chat_on_postgres(pg_app: App) -> None:
    chat = Chat(pg_app, user_id=9300, lang="th")
    await linked(chat, DEMO_BANGKOK)
    await chat.say("/book")
    await chat.press("➡️")  # skip the odometer
    await chat.say("#" + str(len(chat.console.button_labels) - 1))  # continue
    assert chat.console.button_labels
