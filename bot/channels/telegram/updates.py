"""A Telegram update becomes zero or more `Event`s (and what we ask Telegram for)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.channels.telegram.objects import (
    TgCallbackQuery,
    TgChatJoinRequest,
    TgChatMember,
    TgChatMemberUpdated,
    TgMessage,
    TgUpdate,
)
from bot.channels.text import parse_command
from handlers.types import ChatKind, Contact, Event, EventKind, Location

CHANNEL = "telegram"  # both runtimes: update ids dedupe across them
ALLOWED_UPDATES = ("message", "callback_query", "chat_join_request", "my_chat_member")

# An administrator's rights in a group, as the Bot API names them.
ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
)

_CHAT_KINDS = {
    "private": ChatKind.PRIVATE,
    "group": ChatKind.GROUP,
    "supergroup": ChatKind.GROUP,
}


def events_from_update(update: TgUpdate, bot_username: str) -> list[Event]:
    """The events in one update; empty for what the flows don't handle."""
    uid = str(update.update_id)
    query = update.callback_query
    if query is not None:
        return [_button_event(uid, query)]
    if update.chat_join_request is not None:
        return _join_request_events(uid, update.chat_join_request)
    if update.my_chat_member is not None:
        return _bot_membership_events(uid, update.my_chat_member)
    message = update.message
    if message is None:
        return []
    chat_kind = _CHAT_KINDS.get(str(message.chat.type))
    if chat_kind is None:
        return []  # channels: we only post there
    if message.new_chat_members:
        return _member_events(uid, message, chat_kind)
    if message.migrate_to_chat_id is not None:
        return _migration_events(uid, message, message.migrate_to_chat_id)
    sender = message.from_user
    if sender is None:
        return []
    base = {
        "channel": CHANNEL,
        "user_id": sender.id,
        "chat_id": message.chat.id,
        "chat_kind": chat_kind,
        "language_code": sender.language_code or "",
        "first_name": sender.first_name or "",
    }
    event = _message_event(uid, message, bot_username, base)
    return [event] if event is not None else []


def _message_event(
    uid: str, message: TgMessage, bot_username: str, base: Mapping[str, Any]
) -> Event | None:
    if message.contact is not None:
        contact = Contact(message.contact.phone_number, message.contact.user_id)
        return Event(update_id=uid, kind=EventKind.CONTACT, contact=contact, **base)
    if message.location is not None:
        where = Location(message.location.latitude, message.location.longitude)
        return Event(update_id=uid, kind=EventKind.LOCATION, location=where, **base)
    if message.photo:
        return Event(
            update_id=uid,
            kind=EventKind.PHOTO,
            photo_id=message.photo[-1].file_id,  # Telegram lists sizes smallest first
            text=message.caption or "",
            **base,
        )
    text = message.text
    if text is None:
        return None
    parsed = parse_command(text, bot_username)
    if parsed is None:
        quoted = _quoted(message, bot_username)
        return Event(update_id=uid, kind=EventKind.TEXT, text=text, quoted=quoted, **base)
    command, args = parsed
    if not command:
        return None  # addressed to another bot
    return Event(update_id=uid, kind=EventKind.COMMAND, command=command, text=args, **base)


def _quoted(message: TgMessage, bot_username: str) -> str:
    """The text of the bot's message this one replies to; empty for anything else."""
    replied = message.reply_to_message
    author = replied.from_user if replied is not None else None
    if replied is None or author is None or not author.is_bot:
        return ""
    if (author.username or "").lower() != bot_username.lower():
        return ""  # another bot's message
    return replied.text or replied.caption or ""


def _button_event(uid: str, query: TgCallbackQuery) -> Event:
    sender = query.from_user
    message = query.message
    chat_id = message.chat.id if message is not None else sender.id
    chat_type = str(message.chat.type) if message is not None else "private"
    return Event(
        channel=CHANNEL,
        update_id=uid,
        user_id=sender.id,
        chat_id=chat_id,
        kind=EventKind.BUTTON,
        chat_kind=_CHAT_KINDS.get(chat_type, ChatKind.PRIVATE),
        button=query.data or "",
        language_code=sender.language_code or "",
        first_name=sender.first_name or "",
        message_id=message.message_id if message is not None else None,
    )


def _member_events(uid: str, message: TgMessage, chat_kind: ChatKind) -> list[Event]:
    people = [m for m in message.new_chat_members or () if not m.is_bot]
    return [
        Event(
            channel=CHANNEL,
            update_id=uid if len(people) == 1 else f"{uid}.{i}",
            user_id=member.id,
            chat_id=message.chat.id,
            kind=EventKind.MEMBER_JOINED,
            chat_kind=chat_kind,
            language_code=member.language_code or "",
            first_name=member.first_name or "",
        )
        for i, member in enumerate(people)
    ]


def _join_request_events(uid: str, request: TgChatJoinRequest) -> list[Event]:
    chat_kind = _CHAT_KINDS.get(str(request.chat.type))
    if chat_kind is not ChatKind.GROUP:
        return []
    person = request.from_user
    return [
        Event(
            channel=CHANNEL,
            update_id=uid,
            user_id=person.id,
            chat_id=request.chat.id,
            kind=EventKind.JOIN_REQUEST,
            chat_kind=chat_kind,
            language_code=person.language_code or "",
            first_name=person.first_name or "",
        )
    ]


def _bot_membership_events(uid: str, change: TgChatMemberUpdated) -> list[Event]:
    if _CHAT_KINDS.get(str(change.chat.type)) is not ChatKind.GROUP:
        return []
    member = change.new_chat_member
    return [
        Event(
            channel=CHANNEL,
            update_id=uid,
            user_id=change.from_user.id,
            chat_id=change.chat.id,
            kind=EventKind.BOT_MEMBERSHIP,
            chat_kind=ChatKind.GROUP,
            language_code=change.from_user.language_code or "",
            bot_status=_text(member.status),
            bot_rights=rights_of(member),
        )
    ]


def rights_of(member: TgChatMember) -> tuple[str, ...]:
    """The rights of ours an administrator holds (getChatMember's answer, or the
    member in a my_chat_member update); none for anyone else."""
    if _text(member.status) == "creator":
        return ADMIN_RIGHTS
    if _text(member.status) != "administrator":
        return ()
    return tuple(right for right in ADMIN_RIGHTS if getattr(member, right, False))


def _migration_events(uid: str, message: TgMessage, new_chat: int) -> list[Event]:
    sender = message.from_user
    return [
        Event(
            channel=CHANNEL,
            update_id=uid,
            user_id=sender.id if sender is not None else 0,
            chat_id=message.chat.id,
            kind=EventKind.CHAT_MIGRATED,
            chat_kind=ChatKind.GROUP,
            migrated_to=new_chat,
        )
    ]


def _text(value: object) -> str:
    """A library's enum of strings (PTB, aiogram) or a plain string, as the string."""
    return str(getattr(value, "value", value))
