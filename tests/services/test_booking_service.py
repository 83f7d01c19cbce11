"""Booking a slot, on a database without the demo (the booking window comes from the
owner's loyalty tier): one booking per slot unit, one per confirm token, only what the
owner may book, and a cancellation frees the slot."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.app import App
from bot.domain.booking import Booking, BookingStatus
from bot.domain.owners import Owner, Vehicle
from bot.domain.service_catalog import MAINTENANCE
from bot.domain.slots import Slot
from bot.services import booking as booking_service
from bot.services.booking import (
    AlreadyBooked,
    BookingRequest,
    NotBookable,
    SlotTaken,
    Unbookable,
)
from tests.builders import a_vehicle, an_owner
from tests.conftest import NOW

BANGKOK = "TH-BKK-01"
WANTED = NOW + timedelta(days=3)


async def an_owner_with_a_car(app: App, market: str = "TH") -> tuple[Owner, Vehicle]:
    async with app.database.uow() as uow:
        owner = await an_owner(uow, market)
        vehicle = await a_vehicle(uow, owner, dealer=BANGKOK if market == "TH" else None)
        await uow.commit()
    return owner, vehicle


def minutes(app: App) -> int:
    return app.reference.catalog.duration((MAINTENANCE,), "X7")


async def first_free_start(app: App, owner: Owner) -> Slot:
    dealer = app.reference.dealers[BANGKOK]
    async with app.database.uow() as uow:
        window = await booking_service.window_days(uow, app.reference, owner.id or 0)
        slots = await booking_service.alternatives(
            uow, dealer, WANTED, minutes(app), NOW, window=window
        )
    return slots[0]


async def book(
    app: App, owner: Owner, vehicle: Vehicle, slot_start: datetime, key: str, center: str = BANGKOK
) -> Booking:
    assert owner.id is not None
    assert vehicle.id is not None
    async with app.database.uow() as uow:
        booking = await booking_service.book(
            uow,
            app.reference,
            owner,
            BookingRequest(
                owner_id=owner.id,
                vehicle_id=vehicle.id,
                dealer_code=center,
                services=(MAINTENANCE,),
                start=slot_start,
                transport="wait",
                request_key=key,
            ),
            actor="test",
            now=NOW,
        )
        await uow.commit()
    return booking


async def test_a_booked_slot_holds_its_bay_and_a_second_owner_is_offered_others(
    empty_app: App,
) -> None:
    first_owner, first_car = await an_owner_with_a_car(empty_app)
    slot = await first_free_start(empty_app, first_owner)
    bays = empty_app.reference.dealers[BANGKOK].bays
    booked = [
        await book(empty_app, *await an_owner_with_a_car(empty_app), slot.start, f"k{n}")
        for n in range(bays)
    ]
    assert sorted(b.bay for b in booked) == list(range(1, bays + 1))
    assert {b.status for b in booked} == {BookingStatus.REQUESTED}
    with pytest.raises(SlotTaken) as taken:
        await book(empty_app, first_owner, first_car, slot.start, "one-too-many")
    assert len(taken.value.alternatives) == booking_service.ALTERNATIVES
    assert slot.start not in [s.start for s in taken.value.alternatives]


async def test_the_same_confirm_token_twice_finds_the_first_booking(empty_app: App) -> None:
    owner, car = await an_owner_with_a_car(empty_app)
    slot = await first_free_start(empty_app, owner)
    first = await book(empty_app, owner, car, slot.start, "tap")
    with pytest.raises(AlreadyBooked) as again:
        await book(empty_app, owner, car, slot.start, "tap")
    assert again.value.booking.id == first.id


async def test_a_center_of_another_market_is_not_bookable(empty_app: App) -> None:
    owner, car = await an_owner_with_a_car(empty_app, "AE")
    slot = await first_free_start(empty_app, owner)
    with pytest.raises(NotBookable) as refused:
        await book(empty_app, owner, car, slot.start, "forged")
    assert refused.value.why is Unbookable.CENTER


async def test_a_cancelled_booking_frees_its_slot(empty_app: App) -> None:
    owner, car = await an_owner_with_a_car(empty_app)
    slot = await first_free_start(empty_app, owner)
    booking = await book(empty_app, owner, car, slot.start, "first")
    async with empty_app.database.uow() as uow:
        held = await uow.reservations.held_by(booking.id or 0)
        await booking_service.cancel(uow, booking, actor="test", reason="changed plans", now=NOW)
        await uow.commit()
    async with empty_app.database.uow() as uow:
        assert await uow.reservations.held_by(booking.id or 0) == []
        history = await uow.booking_changes.of_booking(booking.id or 0)
    unit = timedelta(minutes=empty_app.reference.dealers[BANGKOK].slot_minutes)
    units = minutes(empty_app) // int(unit.total_seconds() // 60)
    assert [h[1] for h in held] == [slot.start + n * unit for n in range(units)]
    assert [(c.action, c.to_status) for c in history] == [
        ("requested", BookingStatus.REQUESTED),
        ("cancelled", BookingStatus.CANCELLED),
    ]
