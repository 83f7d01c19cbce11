"""How Telegram updates become events, parsed by either library (no server needed),
and how commands and language codes are read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiogram.types
import pytest
import telegram

from bot.channels.telegram.commands import telegram_language_code
from bot.channels.telegram.updates import events_from_update
from bot.channels.text import parse_command
from handlers.types import ChatKind, Contact, Event, EventKind, Location
from tests.fakes.bot_api import FakeBotAPI, TgChat, TgUser


def _ptb_update(data: dict[str, Any]) -> telegram.Update:
    return telegram.Update.de_json(data, telegram.Bot("123456:TEST"))


# How each library parses update JSON into its Update object.
PARSERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "aiogram": aiogram.types.Update.model_validate,
    "ptb": _ptb_update,
}


def sample_updates() -> dict[str, dict[str, Any]]:
    """One update of each kind, as the fake server builds them (no server needed)."""
    fake = FakeBotAPI()
    ana = TgUser(6001, "Ana", "pt-br")
    club = TgChat(-100777)
    return {
        "command": fake.command(ana, "Start", "club", mention="ownerbot_test_bot"),
        "other_bot": fake.command(ana, "help", chat=club, mention="another_bot"),
        "text": fake.user_text(ana, "hello <b>there</b>"),
        "group_text": fake.user_text(ana, "hi all", chat=club),
        "contact": fake.contact(ana, "+66812345678", ana.id),
        "location": fake.location(ana, 13.75, 100.5),
        "photo": fake.photo(ana, ["small", "medium", "large"], caption="my car"),
        "press": fake.press(ana, "menu:home", 41),
        "joined": fake.member_joined(
            club,
            TgUser(6002, "Bo", "th"),
            TgUser(6003, "HelperBot", is_bot=True),
            TgUser(6004, "Cy"),
        ),
    }


@pytest.mark.parametrize("runtime", sorted(PARSERS))
def test_every_kind_of_update_becomes_the_right_events(runtime: str) -> None:
    parse = PARSERS[runtime]
    updates = sample_updates()

    def events(name: str) -> list[Event]:
        return events_from_update(parse(updates[name]), "ownerbot_test_bot")

    [command] = events("command")
    assert (command.kind, command.command, command.text) == (EventKind.COMMAND, "start", "club")
    assert command.channel == "telegram"
    assert command.update_id == str(updates["command"]["update_id"])
    assert (command.user_id, command.chat_id, command.chat_kind) == (6001, 6001, ChatKind.PRIVATE)
    assert (command.language_code, command.first_name) == ("pt-br", "Ana")
    assert events("other_bot") == []
    [text] = events("text")
    assert (text.kind, text.text) == (EventKind.TEXT, "hello <b>there</b>")
    [group_text] = events("group_text")
    assert (group_text.chat_kind, group_text.chat_id) == (ChatKind.GROUP, -100777)
    [contact] = events("contact")
    assert contact.contact == Contact("+66812345678", 6001)
    [location] = events("location")
    assert location.location == Location(13.75, 100.5)
    [photo] = events("photo")
    assert (photo.kind, photo.photo_id, photo.text) == (EventKind.PHOTO, "large", "my car")
    [press] = events("press")
    assert (press.kind, press.button, press.message_id) == (EventKind.BUTTON, "menu:home", 41)
    joined = events("joined")
    uid = updates["joined"]["update_id"]
    assert [(e.kind, e.user_id, e.update_id) for e in joined] == [
        (EventKind.MEMBER_JOINED, 6002, f"{uid}.0"),
        (EventKind.MEMBER_JOINED, 6004, f"{uid}.1"),
    ]
    assert joined[0].chat_id == -100777
    assert joined[0].language_code == "th"


def test_telegram_gets_two_letter_language_codes() -> None:
    assert telegram_language_code("pt_BR") == "pt"
    assert telegram_language_code("zh_Hans") == "zh"
    assert telegram_language_code("th") == "th"


def test_commands_are_read_with_the_bot_name_and_arguments() -> None:
    assert parse_command("/Start@OwnerBot club", "ownerbot") == ("start", "club")
    assert parse_command("/help@otherbot", "ownerbot") == ("", "")
    assert parse_command("/points", "ownerbot") == ("points", "")
    assert parse_command("hello /start", "ownerbot") is None
