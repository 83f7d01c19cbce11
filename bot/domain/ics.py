"""A calendar file (RFC 5545) for one booking, so owners can add it to their calendar.

Times are written in UTC (`...Z`), text values escaped (backslash, semicolon, comma,
newline), lines folded at 75 octets without splitting a UTF-8 character, and every
line ends with CRLF.

A cancelled visit is the same event (same UID) with the next SEQUENCE, STATUS:CANCELLED
and METHOD:CANCEL (RFC 5546): calendars that read the method remove it, the others show
it as cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

_LINE_OCTETS = 75


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    stamp: datetime
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    description: str = ""
    sequence: int = 0  # bump when the same event moves, so calendars update it
    cancelled: bool = False  # the visit is off: calendars remove (or strike) the event


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545, 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def utc_stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("calendar times must be aware")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets (continuations start
    with a space, which counts towards their 75)."""
    chunks: list[str] = []
    current = ""
    limit = _LINE_OCTETS
    for char in line:
        if len((current + char).encode()) > limit:
            chunks.append(current)
            current = char
            limit = _LINE_OCTETS - 1
        else:
            current += char
    chunks.append(current)
    return "\r\n ".join(chunks)


def calendar_file(event: CalendarEvent, product: str = "-//ownerbot//booking//EN") -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{product}",
        "CALSCALE:GREGORIAN",
        "METHOD:CANCEL" if event.cancelled else "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{utc_stamp(event.stamp)}",
        f"DTSTART:{utc_stamp(event.start)}",
        f"DTEND:{utc_stamp(event.end)}",
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.cancelled:
        lines.append("STATUS:CANCELLED")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines).encode()
