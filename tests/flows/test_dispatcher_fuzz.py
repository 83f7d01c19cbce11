"""Random event sequences against the dispatcher: it never crashes and never shows one
owner's data to another person, whatever codes and ids the client sends."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import build_app
from bot.clock import FixedClock
from bot.config import Settings
from handlers.types import ChatKind, Contact, Event, EventKind, Location, Screen
from tests.conftest import NOW, check_screen_limits, sqlite_url
from tests.flows.helpers import DEMO_BANGKOK, DEMO_LONDON

USERS = {
    1: DEMO_BANGKOK,  # linked to สมชาย in Bangkok
    2: DEMO_LONDON,  # linked to Oliver in London
    3: None,  # never linked
}
# What user 2 and 3 must never see about user 1, and vice versa.
SECRETS = {
    1: ("สมชาย", "ใจดี", "812345678", "Kittisak", "812223333"),  # and whom he recommended
    2: ("Oliver", "Smith", "7911123456"),
}

COMMANDS = [
    "start",
    "menu",
    "help",
    "settings",
    "language",
    "stop",
    "mydata",
    "forget",
    "points",
    "book",
    "bookings",
    "sos",
    "refer",
    "leads",
    "nope",
]
PREFIXES = [
    "menu",
    "car",
    "set",
    "priv",
    "lang",
    "cs",
    "reg",
    "help",
    "pts",
    "bk",
    "ref",
    "rfs",
    "sos",
    "bks",
    "tv",
    "zz",
]
ACTIONS = [
    "home",
    "list",
    "km",
    "tg",
    "win",
    "export",
    "ask",
    "erase",
    "keep",
    "set",
    "svc",
    "mkt",
    "market",
    "model",
    "start",
    "veh",
    "svc",
    "svok",
    "ctr",
    "cal",
    "day",
    "tm",
    "ok",
    "rs",
    "cx",
    "cxr",
    "acc",
    "mv",
    "pt",
    "done",
    "no",
    "new",
    "qr",
    "to",
    "show",
    "yes",
    "dealer",
]
ARGS = [
    "",
    "1",
    "2",
    "3",
    "999999999999",
    "-1",
    "svc",
    "mkt",
    "y",
    "n",
    "TH",
    "X7",
    "de",
    "9",
    "20",
    "abc",
    "skip",
    "plans",
    "TH-BKK-01",
    "GB-LON-01",
    "202612",
    "20261201",
    "20261201T0300",
    "202612010300",
    "inspection",
    "delivered",
    "TH-BKK-01",
]


@st.composite
def button_codes(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.text(max_size=80))  # garbage, even over 64 bytes
    parts = [draw(st.sampled_from(PREFIXES)), draw(st.sampled_from(ACTIONS))]
    parts += draw(st.lists(st.sampled_from(ARGS), max_size=3))
    return ":".join(parts)


@st.composite
def events(draw: st.DrawFn) -> Event:
    user = draw(st.sampled_from(sorted(USERS)))
    kind = draw(st.sampled_from(list(EventKind)))
    fields: dict[str, object] = {}
    if kind is EventKind.COMMAND:
        fields = {"command": draw(st.sampled_from(COMMANDS)), "text": draw(st.text(max_size=20))}
    elif kind is EventKind.TEXT:
        fields = {
            "text": draw(
                st.one_of(st.text(max_size=40), st.sampled_from(["1", "12500", "2025-01-01"]))
            )
        }
    elif kind is EventKind.BUTTON:
        fields = {"button": draw(button_codes()), "message_id": 1}
    elif kind is EventKind.CONTACT:
        # Telegram vouches that a contact carrying the sender's own user id holds the
        # sender's own number; anything else may be any number at all.
        phone = draw(st.sampled_from([DEMO_BANGKOK, DEMO_LONDON, "+15555550100", "garbage"]))
        owner = draw(st.sampled_from([user + 100, None]))
        if draw(st.booleans()):
            phone, owner = USERS[user] or "+66899990000", user
        fields = {"contact": Contact(phone, owner)}
    elif kind is EventKind.LOCATION:
        fields = {"location": Location(13.7, 100.5)}
    chat_kind = draw(st.sampled_from([ChatKind.PRIVATE, ChatKind.PRIVATE, ChatKind.GROUP]))
    return Event(
        channel="fuzz",
        update_id="",
        user_id=user,
        chat_id=user if chat_kind is ChatKind.PRIVATE else -100,
        kind=kind,
        chat_kind=chat_kind,
        language_code=draw(st.sampled_from(["en", "th", "ar", "", "xx"])),
        first_name="<b>Fuzz</b>",
        **fields,  # type: ignore[arg-type]
    )


async def _play(db: Path, sequence: list[Event]) -> None:
    app = build_app(Settings(database_url=sqlite_url(db)), FixedClock(NOW))
    dispatcher = app.dispatcher()
    try:
        for user, phone in USERS.items():  # link users 1 and 2 first
            if phone:
                await dispatcher.handle(_contact(user, phone, f"link-{user}"))
        for number, event in enumerate(sequence):
            event = _renumber(event, number)
            screens = await dispatcher.handle(event)
            _assert_safe(event, screens)
    finally:
        await app.close()


def _renumber(event: Event, number: int) -> Event:
    from dataclasses import replace

    return replace(event, update_id=str(number))


def _contact(user: int, phone: str, update_id: str) -> Event:
    return Event(
        channel="fuzz",
        update_id=update_id,
        user_id=user,
        chat_id=user,
        kind=EventKind.CONTACT,
        contact=Contact(phone, user),
    )


def _assert_safe(event: Event, screens: list[Screen] | tuple[Screen, ...] | object) -> None:
    assert isinstance(screens, list | tuple)
    check_screen_limits(screens)
    for screen in screens:
        text = screen.text + (screen.attachment.caption if screen.attachment else "")
        assert "something went wrong" not in text.lower(), (event, text)
        body = text + (
            screen.attachment.data.decode("utf-8", errors="ignore") if screen.attachment else ""
        )
        for owner_user, secrets in SECRETS.items():
            if owner_user != event.user_id:
                for secret in secrets:
                    assert secret not in body, (event, secret)
        assert "<b>Fuzz</b>" not in text, "user-supplied names must be escaped"


def _run(template: Path, tmp: Path, sequence: list[Event]) -> None:
    db = tmp / "fuzz.db"
    shutil.copy(template, db)
    try:
        asyncio.run(_play(db, sequence))
    finally:
        db.unlink(missing_ok=True)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(events(), min_size=1, max_size=12))
def test_random_events_never_crash_or_leak(
    seeded_template: Path, tmp_path: Path, sequence: list[Event]
) -> None:
    _run(seeded_template, tmp_path, sequence)


@pytest.mark.slow
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(events(), min_size=1, max_size=30))
def test_long_random_conversations_never_crash_or_leak(
    seeded_template: Path, tmp_path: Path, sequence: list[Event]
) -> None:
    _run(seeded_template, tmp_path, sequence)
