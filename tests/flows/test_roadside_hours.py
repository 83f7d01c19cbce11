"""Roadside help never promises a call nobody can make: outside the center's hours the
owner is sent to the 24-hour roadside number; and everyone is given the market's
emergency number for when they are in danger."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.data import load_reference
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import DEMO_BANGKOK, DEMO_DUBAI, linked, sent_to

DUBAI_STAFF_CHAT = -1001000000201


@pytest.mark.parametrize(
    ("market", "emergency"),
    [
        ("TH", "191"),
        ("AE", "999"),
        ("GB", "999"),
        ("DE", "112"),
        ("MX", "911"),
        ("SA", "911"),
        ("FR", "112"),
        ("IT", "112"),
        ("PL", "112"),
    ],
)
def test_every_market_has_its_emergency_number(market: str, emergency: str) -> None:
    assert load_reference().markets[market].emergency_phone == emergency


async def test_at_night_the_owner_is_sent_to_roadside_assistance_in_arabic(
    chat_factory: ChatFactory, app: App, clock: FixedClock
) -> None:
    ar = app.catalogs.translator("ar", "AE")
    clock.set(datetime(2026, 11, 23, 19, 30, tzinfo=UTC))  # 23:30 in Dubai: closed
    chat: Chat = await linked(chat_factory(user_id=7210, lang="ar"), DEMO_DUBAI)
    await chat.say("/sos")
    danger = ar._(
        "🚨 If you are in danger, call the emergency number {emergency} first.", emergency="999"
    )
    assert "الطوارئ" in danger
    assert danger in chat.text
    screens = await chat.say("@location 25.20,55.27")
    [staff] = sent_to(screens, DUBAI_STAFF_CHAT)
    told = "\n".join(s.text for s in screens if s.chat_id is None)
    center = app.reference.dealers["AE-DXB-01"].name
    closed = ar._(
        "{center} is closed now: we have sent them your location, but nobody there can "
        "call you before it opens. Please call the 24-hour roadside assistance at "
        "{roadside}: they can send help right away.",
        center=center,
        roadside=app.reference.markets["AE"].roadside_phone,
    )
    assert closed in told
    assert danger in told
    promise = ar._(
        "Help has been alerted: {center} will call you at {phone}.", center=center, phone=DEMO_DUBAI
    )
    assert promise not in told, "no call promised while the center is closed"
    assert ar._("Please call the owner now.") not in staff.text
    assert "https://maps.google.com/" in staff.text


async def test_in_opening_hours_the_center_calls_back_in_thai(
    chat_factory: ChatFactory, app: App, clock: FixedClock
) -> None:
    th = app.catalogs.translator("th", "TH")
    clock.set(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))  # 10:00 in Bangkok, a Monday
    chat: Chat = await linked(chat_factory(user_id=7220, lang="th"), DEMO_BANGKOK)
    await chat.say("/sos")
    screens = await chat.say("@location 13.76,100.57")
    told = "\n".join(s.text for s in screens if s.chat_id is None)
    center = app.reference.dealers["TH-BKK-01"].name
    assert (
        th._(
            "Help has been alerted: {center} will call you at {phone}.",
            center=center,
            phone=DEMO_BANGKOK,
        )
        in told
    )
    assert "191" in told
    [staff] = sent_to(screens, app.reference.dealers["TH-BKK-01"].staff_chat_id or 0)
    assert th._("Please call the owner now.") in staff.text


async def test_at_night_a_polish_owner_is_given_112_and_the_polish_roadside_number(
    chat_factory: ChatFactory, app: App, clock: FixedClock
) -> None:
    pl = app.catalogs.translator("pl", "PL")
    clock.set(datetime(2026, 12, 1, 22, 30, tzinfo=UTC))  # 23:30 in Warsaw: closed
    chat: Chat = await linked(chat_factory(user_id=7215, lang="pl"), "+48601234567")  # Piotr
    await chat.say("/sos")
    roadside = pl._(
        "🆘 24-hour roadside assistance ({country}): <b>{phone}</b>",
        country="Polska",
        phone="+48 800 287 287",
    )
    danger = pl._(
        "🚨 If you are in danger, call the emergency number {emergency} first.", emergency="112"
    )
    assert (roadside, danger) == (
        "🆘 Całodobowe assistance drogowe (Polska): <b>+48 800 287 287</b>",
        "🚨 Jeśli grozi Ci niebezpieczeństwo, najpierw zadzwoń pod numer alarmowy 112.",
    )
    assert roadside.replace("<b>", "").replace("</b>", "") in chat.text, "shown in bold"
    assert danger in chat.text
    screens = await chat.say("@location 52.23,21.01")
    told = "\n".join(s.text for s in screens if s.chat_id is None)
    closed = pl._(
        "{center} is closed now: we have sent them your location, but nobody there can "
        "call you before it opens. Please call the 24-hour roadside assistance at "
        "{roadside}: they can send help right away.",
        center="Aurora Warszawa Wola",
        roadside="+48 800 287 287",
    )
    assert closed in told
