"""An announcement described in a TOML file (`ownerbot announce FILE.toml`), checked
against the reference data before anything is stored. See examples/announcement.toml
and the README's "Announcements"."""

from __future__ import annotations

import tomllib
from datetime import datetime
from typing import Any

from bot.domain.announcements import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    Announcement,
    AnnouncementButton,
    Audience,
    ButtonKind,
    ClubAudience,
    OwnerAudience,
)
from bot.domain.care import Segment
from bot.domain.clubs import Interest
from bot.domain.loyalty import Tier
from bot.domain.reference import Reference
from bot.domain.text import clean_text
from bot.i18n import SHIPPED_LOCALES
from bot.services.announcements import AnnouncementError


def read_announcement(
    data: bytes, reference: Reference, *, actor: str, now: datetime
) -> Announcement:
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise AnnouncementError(f"not a TOML file: {error}") from error
    photo = str(raw["photo"]).strip() if raw.get("photo") else None
    texts = read_texts(raw.get("text"), CAPTION_LIMIT if photo else TEXT_LIMIT)
    send_at = raw.get("send_at")
    if send_at is not None:
        try:
            moment = datetime.fromisoformat(str(send_at))
        except ValueError as error:
            raise AnnouncementError(f"send_at: {error}") from error
        if moment.tzinfo is not None:
            raise AnnouncementError(
                "send_at is a local time (each recipient's own zone): leave out the offset"
            )
        send_at = moment.strftime("%Y-%m-%dT%H:%M")
    return Announcement(
        texts=texts,
        audience=_audience(raw.get("audience"), reference).to_json(),
        buttons=[b.to_json() for b in _buttons(raw.get("button", []))],
        created_by=actor,
        created_at=now,
        photo=photo,
        send_at_local=send_at,
        pin=bool(raw.get("pin", False)),
    )


def read_texts(raw: object, limit: int) -> dict[str, str]:
    if not isinstance(raw, dict) or not raw:
        raise AnnouncementError('[text] needs the text in at least one language (ar = "...")')
    texts: dict[str, str] = {}
    for locale, body in raw.items():
        if locale not in SHIPPED_LOCALES:
            raise AnnouncementError(f"[text]: {locale} is not a language the bot speaks")
        text = clean_text(str(body)).strip()
        if not text:
            raise AnnouncementError(f"[text] {locale} is empty")
        if len(text) > limit:
            raise AnnouncementError(f"[text] {locale} is longer than {limit} characters")
        texts[locale] = text
    return texts


def _audience(raw: object, reference: Reference) -> Audience:
    if not isinstance(raw, dict) or not ({"clubs", "owners"} & set(raw)):
        raise AnnouncementError("[audience.clubs] and/or [audience.owners] is needed")
    clubs = owners = None
    if "clubs" in raw:
        part = _table(raw["clubs"], "audience.clubs")
        clubs = ClubAudience(
            markets=_markets(part, reference),
            languages=_choices(part, "languages", SHIPPED_LOCALES),
            models=_choices(part, "models", tuple(reference.models)),
            dealers=_choices(part, "dealers", tuple(reference.dealers)),
            interests=_choices(part, "interests", tuple(i.value for i in Interest)),
            chats=tuple(int(chat) for chat in part.get("chats", [])),
        )
    if "owners" in raw:
        part = _table(raw["owners"], "audience.owners")
        owners = OwnerAudience(
            markets=_markets(part, reference),
            tiers=_choices(part, "tiers", tuple(t.value for t in Tier)),
            models=_choices(part, "models", tuple(reference.models)),
            segments=_choices(part, "segments", tuple(s.value for s in Segment)),
            languages=_choices(part, "languages", SHIPPED_LOCALES),
        )
    return Audience(clubs=clubs, owners=owners)


def _table(raw: object, name: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise AnnouncementError(f"[{name}] must be a table")
    return raw


def _markets(part: dict[str, Any], reference: Reference) -> tuple[str, ...]:
    return _choices(part, "markets", tuple(reference.markets))


def _choices(part: dict[str, Any], name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    values = part.get(name, [])
    if not isinstance(values, list):
        raise AnnouncementError(f"{name} must be a list, for example {name} = [...]")
    for value in values:
        if str(value) not in allowed:
            raise AnnouncementError(f"{name}: {value!r} is not one of {', '.join(allowed)}")
    return tuple(str(value) for value in values)


def _buttons(raw: object) -> list[AnnouncementButton]:
    if not isinstance(raw, list):
        raise AnnouncementError("buttons are [[button]] tables")
    buttons = []
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise AnnouncementError(f"button {number} must be a table")
        try:
            kind = ButtonKind(str(entry.get("kind")))
        except ValueError as error:
            kinds = ", ".join(k.value for k in ButtonKind)
            raise AnnouncementError(f"button {number}: kind is one of {kinds}") from error
        if kind is ButtonKind.LINK:
            url = str(entry.get("url", ""))
            if not url.startswith("https://"):
                raise AnnouncementError(f"button {number}: a link needs an https:// url")
            labels = entry.get("label", {})
            if not isinstance(labels, dict) or not labels:
                raise AnnouncementError(f'button {number}: label = {{ en = "..." }} per language')
            clean = {str(k): clean_text(str(v)).strip()[:40] for k, v in labels.items()}
            buttons.append(AnnouncementButton(kind, url=url, labels=clean))
        elif kind is ButtonKind.RSVP:
            try:
                event = int(entry["event"])
            except (KeyError, ValueError) as error:
                raise AnnouncementError(
                    f"button {number}: event = N (the event's number)"
                ) from error
            buttons.append(AnnouncementButton(kind, event_id=event))
        else:
            buttons.append(AnnouncementButton(kind))
    return buttons
