"""Seats and the waitlist on the in-memory fakes: who moves up when a seat frees, with
and without the Co-creators' priority, and what saying yes twice or again does."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.club_events import RsvpStatus
from bot.domain.loyalty import Tier
from bot.services import club_events
from tests.builders import an_owner
from tests.builders.loyalty import a_loyalty_account
from tests.event_races import an_event
from tests.fakes.uow import FakeApp


async def _event(app: FakeApp, capacity: int, co_creators_first: bool) -> int:
    return await an_event(app, capacity, co_creators_first=co_creators_first)


async def _owners(app: FakeApp, *tiers: Tier) -> list[int]:
    ids = []
    async with app.database.uow() as uow:
        for tier in tiers:
            owner = await an_owner(uow, "AE")
            await a_loyalty_account(uow, owner, tier=tier)
            ids.append(owner.id or 0)
        await uow.commit()
    return ids


async def _yes(app: FakeApp, event: int, owner: int) -> club_events.Answer:
    async with app.database.uow() as uow:
        _e, answer = await club_events.answer_yes(uow, event, owner, app.clock.now())
        await uow.commit()
    return answer


async def _no(app: FakeApp, event: int, owner: int) -> int | None:
    async with app.database.uow() as uow:
        _e, promoted = await club_events.answer_no(uow, event, owner, app.clock.now())
        await uow.commit()
    return promoted.owner_id if promoted else None


async def test_a_co_creator_moves_up_first_when_the_event_gives_them_priority(
    fake_app: FakeApp,
) -> None:
    event = await _event(fake_app, capacity=1, co_creators_first=True)
    seated, explorer, co_creator = await _owners(
        fake_app, Tier.EXPLORER, Tier.EXPLORER, Tier.CO_CREATOR
    )
    assert (await _yes(fake_app, event, seated)).rsvp.status is RsvpStatus.GOING
    assert (await _yes(fake_app, event, explorer)).position == 1
    fake_app.clock.advance(timedelta(minutes=5))
    assert (await _yes(fake_app, event, co_creator)).position == 1, "ahead of the explorer"
    assert await _no(fake_app, event, seated) == co_creator


async def test_without_priority_the_earliest_on_the_waitlist_moves_up(fake_app: FakeApp) -> None:
    event = await _event(fake_app, capacity=1, co_creators_first=False)
    seated, explorer, co_creator = await _owners(
        fake_app, Tier.EXPLORER, Tier.EXPLORER, Tier.CO_CREATOR
    )
    await _yes(fake_app, event, seated)
    await _yes(fake_app, event, explorer)
    fake_app.clock.advance(timedelta(minutes=5))
    assert (await _yes(fake_app, event, co_creator)).position == 2
    assert await _no(fake_app, event, seated) == explorer


async def test_saying_yes_twice_keeps_the_place_and_leaving_the_waitlist_promotes_nobody(
    fake_app: FakeApp,
) -> None:
    event = await _event(fake_app, capacity=1, co_creators_first=False)
    seated, waiting = await _owners(fake_app, Tier.EXPLORER, Tier.COMPANION)
    first = await _yes(fake_app, event, seated)
    again = await _yes(fake_app, event, seated)
    assert again.rsvp.checkin_code == first.rsvp.checkin_code
    assert (await _yes(fake_app, event, waiting)).position == 1
    assert await _no(fake_app, event, waiting) is None
    assert await _no(fake_app, event, seated) is None, "nobody left to move up"
