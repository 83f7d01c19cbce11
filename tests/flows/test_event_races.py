"""The last seat of an event on SQLite: the write gate and BEGIN IMMEDIATE let exactly
one of the owners asking at once have it; the others queue on the waitlist."""

from __future__ import annotations

from bot.app import App
from tests.event_races import race_for_the_last_seat


async def test_the_last_seat_asked_for_by_twelve_owners_at_once_goes_to_one(
    empty_app: App,
) -> None:
    for round_ in range(3):
        race = await race_for_the_last_seat(empty_app, 12, first=round_ * 20)
        assert len(race.winners) == 1
        assert race.going == 3
        assert len(race.waiting) == 11
        assert race.positions == list(range(1, 12))
