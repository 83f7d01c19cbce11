"""When the word that an event was called off may go out: it is about a seat the owner
took, so it needs no consent; it waits for the owner's morning unless the morning
would leave too little time before the event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.care import (
    CATEGORY_OF,
    CapState,
    CarePolicy,
    Decision,
    Recipient,
    Rule,
    Verdict,
    Window,
    decide,
)

ZONE = "Asia/Bangkok"  # UTC+7; messages between 09:00 and 20:00
NIGHT = datetime(2026, 12, 11, 16, 0, tzinfo=UTC)  # 23:00 in Bangkok
MORNING = datetime(2026, 12, 12, 2, 0, tzinfo=UTC)  # 09:00 the next day


def decided(starts_at: datetime, *, consent_service: bool = True) -> Decision:
    owner = Recipient(
        erased=False,
        reachable=True,
        consent_service=consent_service,
        consent_marketing=False,
        zone=ZONE,
        window=Window(9, 20),
    )
    return decide(
        category=CATEGORY_OF[Rule.EVENT_CANCELLED],
        recipient=owner,
        now=NIGHT,
        expires_at=starts_at,
        caps=CapState(0, 0, None, None),
        policy=CarePolicy(),
        rule=Rule.EVENT_CANCELLED,
    )


def test_an_event_called_off_the_night_before_it_starts_is_told_at_once() -> None:
    assert decided(MORNING + timedelta(hours=1)).verdict is Verdict.SEND


def test_an_event_called_off_days_ahead_waits_for_the_owners_morning() -> None:
    later = decided(MORNING + timedelta(days=3))
    assert (later.verdict, later.at) == (Verdict.LATER, MORNING)


def test_owners_who_declined_service_messages_are_still_told() -> None:
    assert decided(MORNING + timedelta(hours=1), consent_service=False).verdict is Verdict.SEND
