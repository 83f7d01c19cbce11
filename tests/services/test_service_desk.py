"""The service desk on the fake unit of work: who may act on a booking, when a car can
be checked in or marked absent, and what completing a visit records and announces."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.domain.booking import BookingStatus, VisitSource
from bot.domain.events import VisitCompleted
from bot.domain.staff import Role
from bot.services import service_desk
from bot.services.ports import UnitOfWork
from bot.services.service_desk import TooEarly, VisitRefusal, VisitRefused
from bot.services.staff import NotStaff
from tests.builders import a_booking, a_staff_member, a_vehicle, an_owner
from tests.conftest import NOW
from tests.fakes.uow import FakeApp

VISIT = NOW + timedelta(days=2)  # 17:00 in Bangkok
CONFIRMED = BookingStatus.CONFIRMED


async def test_an_advisor_of_another_center_may_not_act_on_a_booking(fake_app: FakeApp) -> None:
    async with fake_app.database.uow() as uow:
        owner = await an_owner(uow, "TH")
        booking = await a_booking(uow, owner, await a_vehicle(uow, owner, dealer="TH-BKK-01"))
        elsewhere = await a_staff_member(uow, Role.ADVISOR, "TH-CNX-01")
        here = await a_staff_member(uow, Role.ADVISOR, "TH-BKK-01")
        assert booking.id is not None
        with pytest.raises(NotStaff):
            await service_desk.desk_booking(
                uow,
                fake_app.reference,
                channel="console",
                user_id=elsewhere.user_id,
                booking_id=booking.id,
            )
        member, found = await service_desk.desk_booking(
            uow, fake_app.reference, channel="console", user_id=here.user_id, booking_id=booking.id
        )
    assert (member, found) == (here, booking)


async def test_a_car_is_checked_in_from_the_day_of_its_visit_and_absent_from_its_time(
    fake_app: FakeApp,
) -> None:
    async with fake_app.database.uow() as uow:
        owner = await an_owner(uow, "TH")
        vehicle = await a_vehicle(uow, owner, dealer="TH-BKK-01")
        booking = await a_booking(
            uow, owner, vehicle, starts_at=VISIT, status=BookingStatus.CONFIRMED
        )
        member = await a_staff_member(uow, Role.ADVISOR, "TH-BKK-01")
        with pytest.raises(TooEarly):
            await service_desk.mark_arrived(uow, fake_app.reference, member, booking, NOW)
        with pytest.raises(TooEarly):
            await service_desk.mark_no_show(uow, member, booking, VISIT - timedelta(minutes=1))
        await service_desk.mark_no_show(uow, member, booking, VISIT)
    assert booking.status is BookingStatus.NO_SHOW


async def test_completing_a_visit_records_it_and_announces_it_on_commit(
    fake_app: FakeApp,
) -> None:
    heard: list[VisitCompleted] = []

    async def on_visit(uow: UnitOfWork, event: VisitCompleted, now: datetime) -> None:
        heard.append(event)

    fake_app.bus.subscribe(VisitCompleted, on_visit)
    async with fake_app.database.uow() as uow:
        owner = await an_owner(uow, "TH")
        vehicle = await a_vehicle(uow, owner, dealer="TH-BKK-01", mileage_km=30_100)
        booking = await a_booking(
            uow, owner, vehicle, starts_at=VISIT, status=BookingStatus.CONFIRMED
        )
        member = await a_staff_member(uow, Role.ADVISOR, "TH-BKK-01")
        await service_desk.mark_arrived(uow, fake_app.reference, member, booking, VISIT)
        visit = await service_desk.complete(
            uow, fake_app.reference, member, booking, 450_000, VISIT + timedelta(hours=2)
        )
        assert heard == [], "subscribers hear of it when the unit of work commits"
        await uow.commit()
        history = await uow.booking_changes.of_booking(booking.id or 0)
        audit = await uow.audit.about(f"booking:{booking.id}")
    assert (visit.source, visit.booking_id, visit.currency) == (
        VisitSource.BOOKING,
        booking.id,
        "THB",
    )
    assert (visit.visited_on, visit.mileage_km) == (date(2026, 11, 25), 30_100)
    assert [c.to_status for c in history] == [BookingStatus.ARRIVED, BookingStatus.COMPLETED]
    assert [e.action for e in audit] == ["booking.arrived", "booking.completed", "visit.record"]
    assert [(e.visit_id, e.booking_id, e.invoice_minor) for e in heard] == [
        (visit.id, booking.id, 450_000)
    ]


async def test_a_desk_visit_for_an_unknown_vin_is_refused_with_the_reason(
    fake_app: FakeApp,
) -> None:
    async with fake_app.database.uow() as uow:
        with pytest.raises(VisitRefused) as refused:
            await service_desk.record_desk_visit(
                uow,
                fake_app.reference,
                vin="LAUX7AAA1SC999999",
                dealer_code="TH-BKK-01",
                visited_on=NOW.date(),
                invoice_minor=100,
                mileage_km=None,
                services=["maintenance"],
                actor="test",
                now=NOW,
            )
    assert refused.value.why is VisitRefusal.UNKNOWN_VEHICLE
    assert str(refused.value) == "no vehicle with VIN LAUX7AAA1SC999999"
