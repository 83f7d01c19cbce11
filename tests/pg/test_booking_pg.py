"""No double booking on PostgreSQL: real concurrent transactions, the same invariants."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.domain.booking import BookingStatus
from bot.domain.events import VisitCompleted
from tests.booking_scenarios import (
    check_race,
    dst_slots_on_the_database,
    race_for_the_last_free_slot,
    random_bookings_never_overlap,
)
from tests.conftest import Chat
from tests.flows.helpers import (
    DEMO_BANGKOK,
    book_visit,
    bookings_of,
    double_tap,
    linked,
)
from tests.staff import make_staff


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


async def test_an_owner_books_and_staff_complete_the_visit_on_postgres(pg_app: App) -> None:
    completed: list[VisitCompleted] = []

    async def on_visit(uow: object, event: VisitCompleted, now: datetime) -> None:
        completed.append(event)

    pg_app.bus.subscribe(VisitCompleted, on_visit)
    owner = Chat(pg_app, user_id=9300, lang="th")
    await linked(owner, DEMO_BANGKOK)
    screens = await book_visit(owner, center="TH-BKK-01")
    await make_staff(pg_app, 9301, dealer="TH-BKK-01")
    staff_chat = pg_app.reference.dealers["TH-BKK-01"].staff_chat_id
    staff = Chat(pg_app, user_id=9301, lang="th", group_chat_id=staff_chat)
    assert len(staff.receive(screens)) == 1
    await staff.tap("bks:ok:")
    [booked] = await bookings_of(pg_app, DEMO_BANGKOK)
    assert isinstance(pg_app.clock, FixedClock)
    pg_app.clock.set(booked.starts_at)  # the owner arrives on the day
    await staff.tap("bks:arr:")
    await staff.tap("bks:done:")
    await staff.say("4,500.50")
    [booking] = [
        b for b in await bookings_of(pg_app, DEMO_BANGKOK) if b.status == BookingStatus.COMPLETED
    ]
    assert [e.invoice_minor for e in completed] == [450050]
    assert completed[0].currency == "THB"
    del booking


async def test_two_taps_arriving_together_on_two_workers_book_once(pg_app: App) -> None:
    chat = Chat(pg_app, user_id=9400, lang="en")
    await linked(chat, DEMO_BANGKOK)
    await chat.say("/book")
    await chat.tap("bk:km")
    await chat.tap("bk:svok")
    await chat.tap("bk:ctr:TH-BKK-01")
    await chat.tap("bk:day:")
    await chat.tap("bk:tm:")
    await chat.tap("bk:tr:wait")
    await chat.tap("bk:nt")
    [confirm] = chat.codes("bk:ok:")
    results = await double_tap(pg_app, 9400, confirm)
    texts = [s.text for screens in results for s in screens]
    assert not any("Something went wrong" in text for text in texts)
    assert sum("already made" in text for text in texts) == 1
    assert sum(s.attachment is not None for screens in results for s in screens) == 1
    mine = [b for b in await bookings_of(pg_app, DEMO_BANGKOK) if b.request_key == confirm[6:]]
    assert len(mine) == 1
