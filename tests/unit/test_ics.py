"""The calendar file sent with a booking (RFC 5545)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.domain.ics import CalendarEvent, calendar_file, escape_text, fold

EVENT = CalendarEvent(
    uid="booking-7@ownerbot",
    stamp=datetime(2026, 11, 23, 10, 0, 5, tzinfo=UTC),
    start=datetime(2027, 3, 1, 2, 0, tzinfo=UTC),
    end=datetime(2027, 3, 1, 4, 0, tzinfo=UTC),
    summary="Aurora Motors service: Brake check, Tyre change",
    location="Aurora Rama IX Bangkok, 999 Rama IX Road; Huai Khwang",
    description="บริการ " * 30 + "\nline two",
)


def test_the_calendar_file_has_the_required_properties_in_utc() -> None:
    text = calendar_file(EVENT).decode()
    unfolded = text.replace("\r\n ", "")
    lines = unfolded.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert "UID:booking-7@ownerbot" in lines
    assert "DTSTAMP:20261123T100005Z" in lines
    assert "DTSTART:20270301T020000Z" in lines
    assert "DTEND:20270301T040000Z" in lines
    assert "SUMMARY:Aurora Motors service: Brake check\\, Tyre change" in lines
    assert "LOCATION:Aurora Rama IX Bangkok\\, 999 Rama IX Road\\; Huai Khwang" in lines
    assert lines[-2:] == ["END:VCALENDAR", ""]


def test_every_line_ends_with_crlf_and_fits_75_octets() -> None:
    data = calendar_file(EVENT)
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode()  # folding never splits a UTF-8 character


def test_text_values_are_escaped() -> None:
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    assert "DESCRIPTION:" in calendar_file(EVENT).decode().replace("\r\n ", "")
    assert "\\nline two" in calendar_file(EVENT).decode().replace("\r\n ", "")


def test_folding_keeps_the_text() -> None:
    line = "SUMMARY:" + "ก" * 60
    assert fold(line).replace("\r\n ", "") == line


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        calendar_file(
            CalendarEvent(
                uid="x",
                stamp=datetime(2026, 1, 1),
                start=EVENT.start,
                end=EVENT.end,
                summary="x",
            )
        )


def test_a_cancellation_is_the_same_event_cancelled_with_a_later_sequence() -> None:
    published = calendar_file(EVENT).decode().replace("\r\n ", "").split("\r\n")
    cancelled = calendar_file(replace(EVENT, sequence=2, cancelled=True)).decode()
    lines = cancelled.replace("\r\n ", "").split("\r\n")
    assert "METHOD:PUBLISH" in published
    assert "STATUS:CANCELLED" not in published
    assert "METHOD:CANCEL" in lines
    assert "STATUS:CANCELLED" in lines
    assert "UID:booking-7@ownerbot" in lines
    assert "SEQUENCE:2" in lines
    assert lines.index("BEGIN:VEVENT") < lines.index("STATUS:CANCELLED") < lines.index("END:VEVENT")
