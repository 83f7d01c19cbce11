"""No double booking: races, moves and random traffic on SQLite (tests/pg: PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from bot.domain.booking import Booking
from bot.services import booking as booking_service
from bot.services.booking import SlotTaken
from tests.booking_scenarios import (
    RACE_START,
    book_for,
    check_race,
    dst_slots_on_the_database,
    make_owners,
    race_for_the_last_free_slot,
    random_bookings_never_overlap,
)


async def test_twenty_owners_racing_for_the_last_free_slot_book_it_once(app: App) -> None:
    check_race(await race_for_the_last_free_slot(app, racers=20))


async def test_daylight_saving_slots_are_stored_and_held_in_utc(app: App) -> None:
    await dst_slots_on_the_database(app)


async def test_random_bookings_moves_and_cancellations_never_overlap(app: App) -> None:
    await random_bookings_never_overlap(app, seed=1, bookings=40)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2, 8))
async def test_long_random_booking_traffic_never_overlaps(app: App, seed: int) -> None:
    await random_bookings_never_overlap(app, seed=seed, bookings=150)


@pytest.mark.slow
async def test_a_hundred_owners_racing_book_the_last_slot_once(app: App) -> None:
    check_race(await race_for_the_last_free_slot(app, racers=100), racers=100)


async def test_moving_onto_a_taken_time_keeps_the_booking_where_it_was(app: App) -> None:
    one, two = await make_owners(app, 2, first=300)
    later = RACE_START + timedelta(hours=2)
    mine = await book_for(app, one, RACE_START)
    assert isinstance(mine, Booking)
    for n in range(4):  # fill every bay two hours later
        extra = await make_owners(app, 1, first=310 + n)
        assert isinstance(await book_for(app, extra[0], later), Booking)
    async with app.database.uow() as uow:
        booking = await uow.bookings.get(mine.id or 0)
        assert booking is not None
        with pytest.raises(SlotTaken) as taken:
            await booking_service.reschedule(
                uow, app.reference, booking, later, actor="t", now=app.clock.now()
            )
        assert len(taken.value.alternatives) == booking_service.ALTERNATIVES
        await uow.commit()
    async with app.database.uow() as uow:
        booking = await uow.bookings.get(mine.id or 0)
        assert booking is not None
        assert booking.starts_at == RACE_START
        assert await uow.reservations.held_by(booking.id or 0) == [(1, RACE_START)]
    del two


async def test_moving_frees_the_old_time_for_someone_else_in_the_same_step(app: App) -> None:
    owners = await make_owners(app, 5, first=400)
    for owner_id in owners[:4]:  # every bay at 09:30
        assert isinstance(await book_for(app, owner_id, RACE_START), Booking)
    async with app.database.uow() as uow:
        first = (await uow.bookings.of_owner(owners[0]))[0]
        await booking_service.reschedule(
            uow,
            app.reference,
            first,
            RACE_START + timedelta(hours=3),
            actor="t",
            now=app.clock.now(),
        )
        await uow.commit()
    assert isinstance(await book_for(app, owners[4], RACE_START), Booking)
