"""A booking's life: which status may follow which, and what the history records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.booking import Booking, BookingStatus, InvalidTransition

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def booking() -> Booking:
    made = Booking(
        owner_id=1,
        vehicle_id=1,
        dealer_code="GB-LON-01",
        services=["maintenance"],
        starts_at=NOW + timedelta(days=2),
        ends_at=NOW + timedelta(days=2, hours=2),
        transport="wait",
        status=BookingStatus.REQUESTED,
        request_key="k",
        created_at=NOW,
        updated_at=NOW,
    )
    made.id = 7
    return made


def test_a_booking_goes_from_requested_to_completed_recording_each_step() -> None:
    made = booking()
    steps = [BookingStatus.CONFIRMED, BookingStatus.ARRIVED, BookingStatus.COMPLETED]
    changes = [made.change_status(s, actor="telegram:9", reason="", now=NOW) for s in steps]
    assert [(c.from_status, c.to_status) for c in changes] == [
        ("requested", "confirmed"),
        ("confirmed", "arrived"),
        ("arrived", "completed"),
    ]
    assert all(c.booking_id == 7 and c.actor == "telegram:9" for c in changes)


@pytest.mark.parametrize(
    ("path", "wanted"),
    [
        ([], BookingStatus.COMPLETED),
        ([BookingStatus.CANCELLED], BookingStatus.CONFIRMED),
        ([BookingStatus.CONFIRMED, BookingStatus.NO_SHOW], BookingStatus.ARRIVED),
        ([BookingStatus.CONFIRMED, BookingStatus.ARRIVED], BookingStatus.CANCELLED),
    ],
)
def test_impossible_transitions_are_refused(
    path: list[BookingStatus], wanted: BookingStatus
) -> None:
    made = booking()
    for status in path:
        made.change_status(status, actor="a", reason="", now=NOW)
    with pytest.raises(InvalidTransition):
        made.change_status(wanted, actor="a", reason="", now=NOW)


def test_moving_a_confirmed_booking_asks_the_center_again() -> None:
    made = booking()
    made.change_status(BookingStatus.CONFIRMED, actor="staff", reason="", now=NOW)
    later = made.starts_at + timedelta(days=1)
    change = made.move(later, later + timedelta(hours=2), 3, actor="owner", reason="", now=NOW)
    assert made.state is BookingStatus.REQUESTED
    assert (change.action, change.from_status, made.bay) == ("rescheduled", "confirmed", 3)


def test_a_closed_booking_cannot_move() -> None:
    made = booking()
    made.change_status(BookingStatus.CANCELLED, actor="owner", reason="plans", now=NOW)
    with pytest.raises(InvalidTransition):
        made.move(NOW, NOW, 1, actor="owner", reason="", now=NOW)
