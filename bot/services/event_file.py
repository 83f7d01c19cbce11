"""An event described in a TOML file (`ownerbot events create FILE.toml`), checked
against the reference data before anything is stored. See examples/event.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.club_events import ClubEvent
from bot.domain.reference import Reference
from bot.domain.text import clean_text
from bot.services.ports import UnitOfWork
from bot.services.staff import audit

DEFAULT_HOURS = 2  # an event's length when the file or the wizard doesn't say


class EventFileError(ValueError):
    """What is wrong with the file, said so the person who wrote it can fix it."""


@dataclass(frozen=True)
class EventSpec:
    event: ClubEvent
    club_chat: int | None


def read_event(data: bytes, reference: Reference, *, actor: str, now: datetime) -> EventSpec:
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise EventFileError(f"not a TOML file: {error}") from error
    market = reference.markets.get(str(raw.get("market", "")))
    if market is None:
        raise EventFileError(f"market must be one of {', '.join(sorted(reference.markets))}")
    model = raw.get("model")
    if model is not None and model not in reference.models:
        raise EventFileError(f"unknown model {model!r}")
    zone = str(raw.get("timezone", market.timezone))
    try:
        local = datetime.fromisoformat(str(raw["starts"]))
        starts = (local if local.tzinfo else local.replace(tzinfo=ZoneInfo(zone))).astimezone(
            ZoneInfo("UTC")
        )
        hours = float(raw.get("hours", DEFAULT_HOURS))
        capacity = int(raw["capacity"])
    except (KeyError, ValueError) as error:
        raise EventFileError(f"starts (local date and time), capacity: {error}") from error
    if starts <= now:
        raise EventFileError("the event must start in the future")
    if capacity <= 0 or hours <= 0:
        raise EventFileError("capacity and hours must be positive")
    place = _table(raw, "place")
    try:
        latitude, longitude = float(place["latitude"]), float(place["longitude"])
    except (KeyError, ValueError) as error:
        raise EventFileError(f"place needs a latitude and a longitude: {error}") from error
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise EventFileError("the place's latitude or longitude is out of range")
    texts = _texts(_table(raw, "text"), market.languages)
    club = raw.get("club")
    event = ClubEvent(
        market=market.code,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        timezone=zone,
        place=clean_text(str(place.get("name", ""))),
        latitude=latitude,
        longitude=longitude,
        capacity=capacity,
        texts=texts,
        created_at=now,
        created_by=actor,
        co_creators_first=bool(raw.get("co_creators_first", False)),
        model=str(model) if model else None,
    )
    return EventSpec(event, int(club) if club is not None else None)


def _table(raw: dict[str, Any], name: str) -> dict[str, Any]:
    value = raw.get(name)
    if not isinstance(value, dict):
        raise EventFileError(f"[{name}] is missing")
    return value


def _texts(raw: dict[str, Any], languages: tuple[str, ...]) -> dict[str, Any]:
    texts: dict[str, Any] = {}
    for locale, body in raw.items():
        if locale not in languages:
            raise EventFileError(f"[text.{locale}]: the market speaks {', '.join(languages)}")
        if not isinstance(body, dict) or not str(body.get("title", "")).strip():
            raise EventFileError(f"[text.{locale}] needs a title")
        texts[locale] = {
            "title": clean_text(str(body["title"])),
            "description": clean_text(str(body.get("description", ""))),
        }
    if languages[0] not in texts:
        raise EventFileError(f"[text.{languages[0]}] is needed: the market's default language")
    return texts


def spec_from_wizard(
    reference: Reference,
    *,
    market: str,
    titles: dict[str, str],
    starts: datetime,
    place: str,
    latitude: float,
    longitude: float,
    capacity: int,
    co_creators_first: bool,
    club_chat: int | None,
    actor: str,
    now: datetime,
) -> EventSpec:
    """The staff wizard's answers as the same event a file describes, checked the same
    way (handlers/events_wizard.py); then `create_event`."""
    home = reference.market(market)
    if starts <= now:
        raise EventFileError("the event must start in the future")
    if capacity <= 0:
        raise EventFileError("capacity and hours must be positive")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise EventFileError("the place's latitude or longitude is out of range")
    texts = _texts({code: {"title": title} for code, title in titles.items()}, home.languages)
    event = ClubEvent(
        market=home.code,
        starts_at=starts,
        ends_at=starts + timedelta(hours=DEFAULT_HOURS),
        timezone=home.timezone,
        place=clean_text(place),
        latitude=latitude,
        longitude=longitude,
        capacity=capacity,
        texts=texts,
        created_at=now,
        created_by=actor,
        co_creators_first=co_creators_first,
    )
    return EventSpec(event, club_chat)


async def create_event(uow: UnitOfWork, spec: EventSpec, now: datetime) -> ClubEvent:
    """Store the event, tied to its club when the file names a linked one."""
    event = spec.event
    if spec.club_chat is not None:
        club = next((c for c in await uow.clubs.linked() if c.chat_id == spec.club_chat), None)
        if club is None or club.market != event.market:
            raise EventFileError(f"no club of {event.market} is linked in chat {spec.club_chat}")
        event.club_id = club.id
    uow.club_events.add(event)
    await uow.flush()
    audit(uow, event.created_by, "event.create", f"event:{event.id}", "", now)
    return event
