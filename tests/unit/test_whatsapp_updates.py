"""What a WhatsApp webhook payload becomes: events for our number only, commands,
opt-out words, button and list replies, keyboard labels as text, locations, photos,
and delivery failures."""

from __future__ import annotations

from typing import Any

from bot.channels.whatsapp.updates import Failed, read_payload
from handlers.types import EventKind, Location
from tests.fakes.whatsapp_api import FakeWhatsApp, WaUser

ANA = WaUser("5592991234567", "Ana")
OURS = FakeWhatsApp()


def one(message: dict[str, Any]) -> Any:
    events, failures = read_payload(
        OURS.payload(ANA, {"id": "wamid.X1", **message}), "109876543210"
    )
    assert failures == []
    [event] = events
    return event


def reply(kind: str, reply_id: str) -> dict[str, Any]:
    chosen = {"id": reply_id, "title": reply_id[:20]}
    return {"type": "interactive", "interactive": {"type": kind, kind: chosen}}


def test_a_text_is_a_text_event_from_the_verified_number() -> None:
    event = one({"type": "text", "text": {"body": "oi"}})
    assert (event.kind, event.text, event.channel) == (EventKind.TEXT, "oi", "whatsapp")
    assert event.user_id == event.chat_id == 5592991234567
    assert event.verified_phone == "+5592991234567"
    assert event.first_name == "Ana"
    assert event.update_id == "wamid.X1"


def test_commands_and_opt_out_words() -> None:
    points = one({"type": "text", "text": {"body": "/points"}})
    assert (points.kind, points.command) == (EventKind.COMMAND, "points")
    stop = one({"type": "text", "text": {"body": "Parar"}})
    assert (stop.kind, stop.command) == (EventKind.COMMAND, "stop")


def test_button_and_list_replies_carry_our_codes_and_keyboard_labels_come_back_as_text() -> None:
    button = one(
        {
            "type": "interactive",
            "interactive": {
                "type": "button_reply",
                "button_reply": {"id": "pts:home", "title": "⭐"},
            },
        }
    )
    assert (button.kind, button.button) == (EventKind.BUTTON, "pts:home")
    row = one(
        {
            "type": "interactive",
            "interactive": {
                "type": "list_reply",
                "list_reply": {"id": "bk:day:20261125", "title": "25"},
            },
        }
    )
    assert (row.kind, row.button) == (EventKind.BUTTON, "bk:day:20261125")
    label = one(
        {
            "type": "interactive",
            "interactive": {
                "type": "button_reply",
                "button_reply": {"id": "txt:🌐 Idioma", "title": "🌐 Idioma"},
            },
        }
    )
    assert (label.kind, label.text) == (EventKind.TEXT, "🌐 Idioma")


def test_a_shared_location_and_a_photo() -> None:
    spot = one({"type": "location", "location": {"latitude": -3.1, "longitude": -60.02}})
    assert (spot.kind, spot.location) == (EventKind.LOCATION, Location(-3.1, -60.02))
    photo = one({"type": "image", "image": {"id": "media-7", "caption": "front"}})
    assert (photo.kind, photo.photo_id, photo.text) == (EventKind.PHOTO, "media-7", "front")


def test_other_numbers_and_unknown_types_give_nothing_and_failures_are_read() -> None:
    payload = OURS.payload(ANA, {"id": "wamid.X2", "type": "text", "text": {"body": "oi"}})
    assert read_payload(payload, "another-number-id") == ([], [])
    sticker = OURS.payload(ANA, {"id": "wamid.X3", "type": "sticker", "sticker": {}})
    assert read_payload(sticker, "109876543210") == ([], [])
    failed = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "metadata": {"phone_number_id": "109876543210"},
                            "statuses": [
                                {
                                    "status": "failed",
                                    "recipient_id": ANA.wa_id,
                                    "errors": [{"code": 131026}],
                                }
                            ],
                        },
                    }
                ]
            }
        ],
    }
    assert read_payload(failed, "109876543210") == ([], [Failed(5592991234567, 131026)])
