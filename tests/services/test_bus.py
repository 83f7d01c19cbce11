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


@pytest.fixture(params=["database", "fake"])
def services(request: pytest.FixtureRequest) -> App | FakeApp:
    """The same rules for the SQL unit of work and the fake one."""
    fixture = "empty_app" if request.param == "database" else "fake_app"
    found: App | FakeApp = request.getfixturevalue(fixture)
    return found


async def test_an_event_raised_then_committed_reaches_its_subscriber(
    services: App | FakeApp,
) -> None:
    heard: list[tuple[DomainEvent, datetime]] = []

    async def on_ping(uow: UnitOfWork, event: Pinged, now: datetime) -> None:
        heard.append((event, now))

    services.bus.subscribe(Pinged, on_ping)
    async with services.database.uow() as uow:
        uow.events.append(Pinged(owner_id=7))
        await uow.commit()
        assert uow.events == []
    assert heard == [(Pinged(owner_id=7), NOW)]


async def test_events_a_subscriber_raises_are_handled_in_the_same_commit(
    services: App | FakeApp,
) -> None:
    heard: list[DomainEvent] = []

    async def on_ping(uow: UnitOfWork, event: Pinged, now: datetime) -> None:
        heard.append(event)
        uow.events.append(Ponged(event.owner_id))

    async def on_pong(uow: UnitOfWork, event: Ponged, now: datetime) -> None:
        heard.append(event)
        uow.owners.add(Owner(market="TH", first_name="Pong", created_at=now))

    services.bus.subscribe(Pinged, on_ping)
    services.bus.subscribe(Ponged, on_pong)
    async with services.database.uow() as uow:
        uow.events.append(Pinged(owner_id=1))
        await uow.commit()
    assert heard == [Pinged(1), Ponged(1)]
    async with services.database.uow() as uow:
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
