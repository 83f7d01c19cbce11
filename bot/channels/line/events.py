"""A LINE webhook body, read into typed events, and those into the flows' `Event`s.

LINE's event objects (https://developers.line.biz, "Webhook event objects") are read
here by hand, not through the SDK's models: we need seven kinds and a few fields of
each, and an event we don't understand must be skipped, never fail the batch.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from handlers.types import ChatKind, Event, EventKind, Location

log = logging.getLogger(__name__)

CHANNEL = "line"
KINDS = ("message", "postback", "follow", "unfollow", "join", "leave", "memberJoined")
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,64})(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True)
class LineEvent:
    """One webhook event, reduced to what we act on."""

    kind: str  # one of KINDS
    event_id: str  # webhookEventId: the same on a redelivery
    redelivery: bool
    chat: str  # the user's id in a one-to-one chat, else the group's or room's
    group: bool
    user: str | None  # who did it (None: a group event with no user)
    reply_token: str | None
    timestamp_ms: int
    text: str = ""
    data: str = ""  # a postback's data: our button code
    message_kind: str = ""  # text, location, image, sticker, ...
    message_id: str = ""
    latitude: float | None = None
    longitude: float | None = None

    @property
    def queue_key(self) -> str:
        """Events of one chat are handled in order, one at a time."""
        return self.chat


def read_events(payload: Mapping[str, Any]) -> list[LineEvent]:
    """The events of a webhook body we understand; the others are logged and skipped."""
    events = payload.get("events")
    if not isinstance(events, list):
        return []
    read: list[LineEvent] = []
    for raw in events:
        try:
            event = _read(raw)
        except (KeyError, TypeError, ValueError):
            log.warning("a LINE webhook event could not be read; skipped")
            continue
        if event is not None:
            read.append(event)
    return read


def _read(raw: Any) -> LineEvent | None:
    if not isinstance(raw, dict) or raw.get("type") not in KINDS:
        return None
    source = raw["source"]
    source_type = source["type"]
    if source_type == "user":
        chat, group = str(source["userId"]), False
    elif source_type == "group":
        chat, group = str(source["groupId"]), True
    elif source_type == "room":
        chat, group = str(source["roomId"]), True
    else:
        return None
    user = source.get("userId")
    context = raw.get("deliveryContext") or {}
    fields: dict[str, Any] = {
        "kind": raw["type"],
        "event_id": str(raw["webhookEventId"]),
        "redelivery": bool(context.get("isRedelivery", False)),
        "chat": chat,
        "group": group,
        "user": str(user) if user else None,
        "reply_token": raw.get("replyToken"),
        "timestamp_ms": int(raw.get("timestamp", 0)),
    }
    if raw["type"] == "message":
        message = raw["message"]
        fields |= {"message_kind": str(message["type"]), "message_id": str(message["id"])}
        if message["type"] == "text":
            fields["text"] = str(message["text"])
        elif message["type"] == "location":
            fields |= {
                "latitude": float(message["latitude"]),
                "longitude": float(message["longitude"]),
            }
    elif raw["type"] == "postback":
        fields["data"] = str(raw["postback"]["data"])
    return LineEvent(**fields)


@dataclass(frozen=True)
class Speaker:
    """Who an event is from, as flows know them."""

    user_id: int
    chat_id: int
    language_code: str = ""  # from the LINE profile
    first_name: str = ""  # the LINE display name


def flow_event(event: LineEvent, speaker: Speaker, *, photo_id: str = "") -> Event | None:
    """The flows' event for a LINE event; None for what flows don't handle (unfollow,
    join and leave are the channel's own business; stickers and the like are ignored)."""
    base: dict[str, Any] = {
        "channel": CHANNEL,
        "update_id": event.event_id,
        "user_id": speaker.user_id,
        "chat_id": speaker.chat_id,
        "chat_kind": ChatKind.GROUP if event.group else ChatKind.PRIVATE,
        "language_code": speaker.language_code,
        "first_name": speaker.first_name,
    }
    if event.kind == "follow":
        # Added as a friend (or unblocked): greeted like /start, in the profile's language.
        return Event(kind=EventKind.COMMAND, command="start", **base)
    if event.kind == "postback":
        return Event(kind=EventKind.BUTTON, button=event.data, **base)
    if event.kind != "message":
        return None
    if event.message_kind == "location":
        assert event.latitude is not None
        assert event.longitude is not None
        where = Location(event.latitude, event.longitude)
        return Event(kind=EventKind.LOCATION, location=where, **base)
    if event.message_kind == "image" and photo_id:
        return Event(kind=EventKind.PHOTO, photo_id=photo_id, **base)
    if event.message_kind != "text":
        return None
    command = _COMMAND.match(event.text.strip())
    if command is None:
        return Event(kind=EventKind.TEXT, text=event.text, **base)
    name, args = command.groups()
    return Event(kind=EventKind.COMMAND, command=name.lower(), text=(args or "").strip(), **base)
