"""A WhatsApp webhook payload becomes `Event`s, and delivery reports of interest.

Payload: {"object": "whatsapp_business_account", "entry": [{"changes": [{"field":
"messages", "value": {"metadata": {"phone_number_id": ...}, "contacts": [{"wa_id",
"profile": {"name"}}], "messages": [...], "statuses": [...]}}]}]}. A person is their
WhatsApp number (wa_id, digits): it is the user and the private chat, and, verified by
the platform, the phone that links them to their membership.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.channels.opt_out import is_opt_out
from bot.channels.text import parse_command
from bot.channels.whatsapp.rendering import TEXT_REPLY
from handlers.types import Event, EventKind, Location

CHANNEL = "whatsapp"


@dataclass(frozen=True, slots=True)
class Failed:
    """A message of ours WhatsApp could not deliver (a "failed" status)."""

    wa_id: int
    code: int


def read_payload(
    payload: Mapping[str, Any], phone_number_id: str
) -> tuple[list[Event], list[Failed]]:
    """The events and delivery failures for our number in one webhook call."""
    events: list[Event] = []
    failures: list[Failed] = []
    for value in _values(payload, phone_number_id):
        names = {
            str(c.get("wa_id")): str((c.get("profile") or {}).get("name", ""))
            for c in _dicts(value.get("contacts"))
        }
        for message in _dicts(value.get("messages")):
            event = _event(message, names)
            if event is not None:
                events.append(event)
        for status in _dicts(value.get("statuses")):
            failure = _failure(status)
            if failure is not None:
                failures.append(failure)
    return events, failures


def _values(payload: Mapping[str, Any], phone_number_id: str) -> Iterator[Mapping[str, Any]]:
    if payload.get("object") != "whatsapp_business_account":
        return
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            metadata = value.get("metadata") or {}
            if str(metadata.get("phone_number_id", "")) == phone_number_id:
                yield value


def _dicts(items: object) -> list[Mapping[str, Any]]:
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _event(message: Mapping[str, Any], names: Mapping[str, str]) -> Event | None:
    sender = str(message.get("from", ""))
    wamid = str(message.get("id", ""))
    if not sender.isdigit() or not wamid:
        return None  # no number (a username-only sender): nothing to link or answer
    base: dict[str, Any] = {
        "channel": CHANNEL,
        "update_id": wamid,
        "user_id": int(sender),
        "chat_id": int(sender),
        "first_name": names.get(sender, ""),
        "verified_phone": f"+{sender}",
    }
    kind = message.get("type")
    if kind == "text":
        return _text_event(str((message.get("text") or {}).get("body", "")), base)
    if kind == "interactive":
        reply = _reply(message.get("interactive") or {})
        if reply is None:
            return None
        if reply.startswith(TEXT_REPLY):  # a reply-keyboard label: the text it says
            return Event(kind=EventKind.TEXT, text=reply[len(TEXT_REPLY) :], **base)
        return Event(kind=EventKind.BUTTON, button=reply, **base)
    if kind == "button":  # a template's quick reply
        payload = str((message.get("button") or {}).get("payload", ""))
        return Event(kind=EventKind.BUTTON, button=payload, **base) if payload else None
    if kind == "location":
        where = message.get("location") or {}
        try:
            spot = Location(float(where["latitude"]), float(where["longitude"]))
        except (KeyError, TypeError, ValueError):
            return None
        return Event(kind=EventKind.LOCATION, location=spot, **base)
    if kind == "image":
        image = message.get("image") or {}
        media_id = str(image.get("id", ""))
        caption = str(image.get("caption", ""))
        return Event(kind=EventKind.PHOTO, photo_id=media_id, text=caption, **base)
    return None  # audio, stickers, reactions ...: nothing a flow reads


def _text_event(text: str, base: Mapping[str, Any]) -> Event:
    if is_opt_out(text):
        return Event(kind=EventKind.COMMAND, command="stop", **base)
    parsed = parse_command(text, "")
    if parsed is not None and parsed[0]:
        return Event(kind=EventKind.COMMAND, command=parsed[0], text=parsed[1], **base)
    return Event(kind=EventKind.TEXT, text=text, **base)


def _reply(interactive: Mapping[str, Any]) -> str | None:
    kind = interactive.get("type")
    if kind in ("button_reply", "list_reply"):
        chosen = interactive.get(kind) or {}
        reply_id = chosen.get("id")
        return str(reply_id) if reply_id else None
    return None


def _failure(status: Mapping[str, Any]) -> Failed | None:
    recipient = str(status.get("recipient_id", ""))
    if status.get("status") != "failed" or not recipient.isdigit():
        return None
    errors = _dicts(status.get("errors"))
    code = errors[0].get("code") if errors else None
    return Failed(int(recipient), code) if isinstance(code, int) else None
