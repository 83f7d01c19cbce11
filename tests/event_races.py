"""The last seat of a club event, asked for by many owners at once: run on SQLite
(tests/flows) and on PostgreSQL (tests/pg) alike. Every racer has its own unit of work
(its own connection), and all are released together."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from bot.app import App
from bot.domain.club_events import ClubEvent, RsvpStatus
from bot.services import club_events
from tests.booking_scenarios import make_owners
from tests.conftest import Services


async def an_event(
    app: Services, capacity: int, *, market: str = "AE", co_creators_first: bool = False
) -> int:
    """An event in a week's time (on a database or on the fakes); its id."""
    now = app.clock.now()
    async with app.database.uow() as uow:
        event = ClubEvent(
            market=market,
            starts_at=now + timedelta(days=10),
            ends_at=now + timedelta(days=10, hours=3),
            timezone="Asia/Dubai",
            place="Hatta Dam",
            latitude=24.8,
            longitude=56.13,
            capacity=capacity,
            texts={"en": {"title": "Drive", "description": ""}},
            created_at=now,
            created_by="test",
            co_creators_first=co_creators_first,
        )
        uow.club_events.add(event)
        await uow.commit()
    assert event.id is not None
    return event.id


async def say_yes(app: App, event_id: int, owner_id: int) -> RsvpStatus:
    async with app.database.uow() as uow:
        _event, answer = await club_events.answer_yes(uow, event_id, owner_id, app.clock.now())
        await uow.commit()
        return answer.rsvp.status


@dataclass(frozen=True)
class SeatRace:
    winners: list[int]  # racers who got a seat
    waiting: list[int]
    going: int  # seats taken in the database afterwards
    positions: list[int]  # the waitlist places, in order


async def race_for_the_last_seat(app: App, racers: int, *, first: int) -> SeatRace:
    """Two of three seats are taken; `racers` owners ask for the last one at once."""
    event_id = await an_event(app, capacity=3)
    early = await make_owners(app, 2, market="AE", first=first)
    for owner in early:
        assert await say_yes(app, event_id, owner) is RsvpStatus.GOING
    owners = await make_owners(app, racers, market="AE", first=first + 2)
    start = asyncio.Event()

    async def racer(owner_id: int) -> RsvpStatus:
        await start.wait()
        return await say_yes(app, event_id, owner_id)

    tasks = [asyncio.create_task(racer(owner)) for owner in owners]
    await asyncio.sleep(0)
    start.set()
    outcomes = await asyncio.gather(*tasks)
    async with app.database.uow() as uow:
        going = await uow.rsvps.going(event_id)
        waiting = sorted(
            (r for r in await uow.rsvps.of_event(event_id) if r.status is RsvpStatus.WAITING),
            key=lambda r: (r.created_at, r.id or 0),
        )
        positions = []
        for rsvp in waiting:
            _event, answer = await club_events.answer_yes(
                uow, event_id, rsvp.owner_id, app.clock.now()
            )
            positions.append(answer.position)
    return SeatRace(
        winners=[o for o, s in zip(owners, outcomes, strict=True) if s is RsvpStatus.GOING],
        waiting=[o for o, s in zip(owners, outcomes, strict=True) if s is RsvpStatus.WAITING],
        going=going,
        positions=positions,
    )
