"""Committing a unit of work is the one way its domain events reach their subscribers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from bot.app import App
from bot.domain.events import DomainEvent
from bot.domain.owners import Owner
from bot.services.ports import UnitOfWork
from tests.conftest import NOW
from tests.fakes.uow import FakeApp


@dataclass(frozen=True)
class Pinged(DomainEvent):
    owner_id: int


@dataclass(frozen=True)
class Ponged(DomainEvent):
    owner_id: int


async def test_an_event_raised_then_committed_reaches_its_subscriber(empty_app: App) -> None:
    heard: list[tuple[DomainEvent, datetime]] = []

    async def on_ping(uow: UnitOfWork, event: Pinged, now: datetime) -> None:
        heard.append((event, now))

    empty_app.bus.subscribe(Pinged, on_ping)
    async with empty_app.database.uow() as uow:
        uow.events.append(Pinged(owner_id=7))
        await uow.commit()
        assert uow.events == []
    assert heard == [(Pinged(owner_id=7), NOW)]


async def test_events_a_subscriber_raises_are_handled_in_the_same_commit(empty_app: App) -> None:
    heard: list[DomainEvent] = []

    async def on_ping(uow: UnitOfWork, event: Pinged, now: datetime) -> None:
        heard.append(event)
        uow.events.append(Ponged(event.owner_id))

    async def on_pong(uow: UnitOfWork, event: Ponged, now: datetime) -> None:
        heard.append(event)
        uow.owners.add(Owner(market="TH", first_name="Pong", created_at=now))

    empty_app.bus.subscribe(Pinged, on_ping)
    empty_app.bus.subscribe(Ponged, on_pong)
    async with empty_app.database.uow() as uow:
        uow.events.append(Pinged(owner_id=1))
        await uow.commit()
    assert heard == [Pinged(1), Ponged(1)]
    async with empty_app.database.uow() as uow:
        assert await uow.owners.count() == 1  # the subscriber's write was committed


async def test_a_failing_subscriber_commits_nothing(empty_app: App) -> None:
    async def on_ping(uow: UnitOfWork, event: Pinged, now: datetime) -> None:
        raise RuntimeError("subscriber failed")

    empty_app.bus.subscribe(Pinged, on_ping)
    async with empty_app.database.uow() as uow:
        uow.owners.add(Owner(market="TH", first_name="Lost", created_at=NOW))
        uow.events.append(Pinged(owner_id=1))
        with pytest.raises(RuntimeError, match="subscriber failed"):
            await uow.commit()
    async with empty_app.database.uow() as uow:
        assert await uow.owners.count() == 0


async def test_the_fake_unit_of_work_publishes_on_commit_like_the_real_one(
    fake_app: FakeApp,
) -> None:
    heard: list[DomainEvent] = []

    async def on_ping(uow: UnitOfWork, event: Pinged, now: datetime) -> None:
        heard.append(event)
        uow.events.append(Ponged(event.owner_id))

    async def on_pong(uow: UnitOfWork, event: Ponged, now: datetime) -> None:
        heard.append(event)

    fake_app.bus.subscribe(Pinged, on_ping)
    fake_app.bus.subscribe(Ponged, on_pong)
    async with fake_app.database.uow() as uow:
        uow.events.append(Pinged(owner_id=3))
        await uow.commit()
        assert uow.events == []
    assert heard == [Pinged(3), Ponged(3)]
