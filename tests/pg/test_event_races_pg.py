"""The last seat of an event on PostgreSQL, with real concurrency: every racer on its
own connection, released together; the event's row lock (SELECT ... FOR UPDATE) lets
exactly one have the seat, in every round."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.event_races import race_for_the_last_seat


async def _rounds(app: App, rounds: int, racers: int) -> None:
    for round_ in range(rounds):
        race = await race_for_the_last_seat(app, racers, first=round_ * (racers + 2))
        assert len(race.winners) == 1, f"round {round_}: {race.winners}"
        assert race.going == 3
        assert len(race.waiting) == racers - 1
        assert race.positions == list(range(1, racers))


async def test_the_last_seat_asked_for_at_once_goes_to_exactly_one_owner(pg_app: App) -> None:
    await _rounds(pg_app, rounds=3, racers=12)


@pytest.mark.slow
async def test_fifty_rounds_of_the_last_seat_race_never_seat_two(pg_app: App) -> None:
    await _rounds(pg_app, rounds=50, racers=16)
