"""The shape of Telegram objects, as both aiogram and python-telegram-bot expose them
(the same attribute names: `update.message.from_user.language_code`, ...)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class TgUser(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def is_bot(self) -> bool: ...
    @property
    def first_name(self) -> str: ...
    @property
    def language_code(self) -> str | None: ...
    @property
    def username(self) -> str | None: ...


class TgChat(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def type(self) -> str: ...


class TgContact(Protocol):
    @property
    def phone_number(self) -> str: ...
    @property
    def user_id(self) -> int | None: ...


class TgLocation(Protocol):
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...


class TgPhotoSize(Protocol):
    @property
    def file_id(self) -> str: ...


class TgMessageRef(Protocol):
    """A message a button sits on (it may be too old to read: only id and chat)."""

    @property
    def message_id(self) -> int: ...
    @property
    def chat(self) -> TgChat: ...


class TgMessage(TgMessageRef, Protocol):
    @property
    def from_user(self) -> TgUser | None: ...
    @property
    def text(self) -> str | None: ...
    @property
    def caption(self) -> str | None: ...
    @property
    def contact(self) -> TgContact | None: ...
    @property
    def location(self) -> TgLocation | None: ...
    @property
    def photo(self) -> Sequence[TgPhotoSize] | None: ...
    @property
    def new_chat_members(self) -> Sequence[TgUser] | None: ...
    @property
    def reply_to_message(self) -> TgMessage | None: ...

    @property
    def migrate_to_chat_id(self) -> int | None:
        """In the old group: it became a supergroup with this id."""
        ...

    @property
    def migrate_from_chat_id(self) -> int | None:
        """In the new supergroup: the group it was."""
        ...


class TgCallbackQuery(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def from_user(self) -> TgUser: ...
    @property
    def data(self) -> str | None: ...
    @property
    def message(self) -> TgMessageRef | None: ...


class TgChatJoinRequest(Protocol):
    @property
    def chat(self) -> TgChat: ...
    @property
    def from_user(self) -> TgUser: ...


class TgChatMember(Protocol):
    """The rights (`can_invite_users`, ...) are attributes of administrators only."""

    @property
    def status(self) -> object: ...  # a string, or the library's enum of strings


class TgChatMemberUpdated(Protocol):
    @property
    def chat(self) -> TgChat: ...
    @property
    def from_user(self) -> TgUser: ...
    @property
    def new_chat_member(self) -> TgChatMember: ...


class TgUpdate(Protocol):
    @property
    def update_id(self) -> int: ...
    @property
    def message(self) -> TgMessage | None: ...
    @property
    def callback_query(self) -> TgCallbackQuery | None: ...
    @property
    def chat_join_request(self) -> TgChatJoinRequest | None: ...
    @property
    def my_chat_member(self) -> TgChatMemberUpdated | None: ...
