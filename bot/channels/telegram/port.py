"""What a runtime supplies: the Bot API calls we make, in one library's terms, and
the library-independent `Markup` it turns into its own reply markup."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.channels.telegram.errors import Failure
from handlers.types import Attachment, Button, RequestButton, Screen

CommandList = list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Markup:
    """The markup of one message, independent of the library."""

    buttons: tuple[tuple[Button, ...], ...] = ()
    keyboard: tuple[tuple[RequestButton, ...], ...] = ()
    remove_keyboard: bool = False
    force_reply: bool = False  # selective: for the people the message mentions

    @property
    def inline(self) -> bool:
        """Only inline keyboards survive an edit."""
        return not self.keyboard and not self.remove_keyboard and not self.force_reply

    @classmethod
    def of(cls, screen: Screen) -> Markup | None:
        if screen.buttons:
            return cls(buttons=screen.buttons)
        if screen.keyboard:
            return cls(keyboard=screen.keyboard)
        if screen.remove_keyboard:
            return cls(remove_keyboard=True)
        if screen.force_reply:
            return cls(force_reply=True)
        return None


class TelegramPort(Protocol):
    """The Bot API calls the pipeline and the start-up need, in one library's terms."""

    async def get_username(self) -> str: ...
    async def delete_webhook(self) -> None: ...
    async def set_webhook(self, url: str, secret: str) -> None: ...

    async def send_text(self, chat_id: int, text: str, markup: Markup | None) -> None: ...
    async def edit_text(
        self, chat_id: int, message_id: int, text: str, markup: Markup | None
    ) -> None: ...
    async def send_file(
        self, chat_id: int, attachment: Attachment, markup: Markup | None
    ) -> None: ...
    async def send_photo(self, chat_id: int, file_id: str, markup: Markup | None) -> None:
        """A photo already on Telegram, by its file id."""
        ...

    async def send_album(self, chat_id: int, file_ids: Sequence[str]) -> None:
        """2 to 10 photos already on Telegram, as one album (sendMediaGroup)."""
        ...

    async def post(self, chat_id: int, text: str, photo: str | None, markup: Markup | None) -> int:
        """An announcement's copy (a photo with the text as its caption); its message id."""
        ...

    async def edit_post(
        self, chat_id: int, message_id: int, text: str, photo: bool, markup: Markup | None
    ) -> None:
        """editMessageText, or editMessageCaption for a photo."""
        ...

    async def pin(self, chat_id: int, message_id: int) -> None:
        """pinChatMessage, without notifying the members a second time."""
        ...

    async def answer_callback(self, callback_id: str, text: str) -> None: ...
    async def settle_join_request(self, chat_id: int, user_id: int, approve: bool) -> None:
        """approveChatJoinRequest or declineChatJoinRequest."""
        ...

    async def bot_rights(self, chat_id: int) -> tuple[str, ...]:
        """The rights of ours the bot holds in a group (getChatMember on itself)."""
        ...

    async def set_commands(self, language_code: str | None, commands: CommandList) -> None: ...
    def classify(self, error: Exception) -> Failure: ...
    def with_paid_broadcast(self) -> TelegramPort:
        """The same port sending with allow_paid_broadcast (for the outbox sender)."""
        ...
