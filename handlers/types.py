"""What flows receive (`Event`) and what they answer (`Screen`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.text import clean_text


class EventKind(StrEnum):
    COMMAND = "command"
    TEXT = "text"
    BUTTON = "button"
    CONTACT = "contact"
    LOCATION = "location"
    PHOTO = "photo"
    MEMBER_JOINED = "member_joined"
    JOIN_REQUEST = "join_request"  # someone asks to join a group (`user_id`, `chat_id`)
    BOT_MEMBERSHIP = "bot_membership"  # the bot's own status in a group changed
    CHAT_MIGRATED = "chat_migrated"  # a group became a supergroup: `migrated_to`


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class Contact:
    phone: str
    user_id: int | None  # None when the contact is not a Telegram user


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Event:
    """One platform update, reduced to what flows need. What people wrote (`text`,
    `first_name`) is cleaned on the way in (bot/domain/text.py)."""

    channel: str
    update_id: str
    user_id: int
    chat_id: int
    kind: EventKind
    chat_kind: ChatKind = ChatKind.PRIVATE
    text: str = ""  # the message text, or a command's arguments
    command: str = ""  # lower case, without "/" and "@botname"
    button: str = ""  # callback data of a pressed inline button
    contact: Contact | None = None
    location: Location | None = None
    photo_id: str = ""
    language_code: str = ""
    first_name: str = ""
    message_id: int | None = None  # the message a pressed button sits on
    # The sender's phone number (E.164) when the platform has verified it (WhatsApp):
    # it links the chat without asking for a contact.
    verified_phone: str = ""
    # The text of the bot's own message this one replies to (Telegram's
    # reply_to_message, when the bot sent it): a staff answer to a card, an owner's
    # follow-up to a relayed answer. Empty: not a reply to the bot.
    quoted: str = ""
    # Groups: the administrator rights the bot holds there, as the platform names them
    # (None: not known with this event), its status after a BOT_MEMBERSHIP change
    # ("administrator", "member", "left", "kicked"), and a migrated group's new id.
    bot_rights: tuple[str, ...] | None = None
    bot_status: str = ""
    migrated_to: int | None = None

    def __post_init__(self) -> None:
        # The one gate for what people type: no flow ever sees a control character.
        object.__setattr__(self, "text", clean_text(self.text))
        object.__setattr__(self, "first_name", clean_text(self.first_name))

    @property
    def is_private(self) -> bool:
        return self.chat_kind is ChatKind.PRIVATE


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: a callback `code` (at most 64 bytes) or a `url`."""

    label: str
    code: str = ""
    url: str = ""


class RequestKind(StrEnum):
    CONTACT = "contact"
    LOCATION = "location"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class RequestButton:
    """A reply-keyboard button: share contact, share location, or send its label."""

    label: str
    kind: RequestKind = RequestKind.TEXT


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    data: bytes
    kind: str = "document"  # or "photo"
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Template:
    """A message the platform approved beforehand, for when free-form ones are not
    allowed (WhatsApp, 24 hours after the person last wrote): its name, our locale
    code (the channel spells it its way) and the values of its numbered parameters."""

    name: str
    locale: str
    parameters: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class JoinDecision:
    """Approve or decline someone's request to join a group (Telegram's join requests)."""

    chat_id: int
    user_id: int
    approve: bool


@dataclass(frozen=True, slots=True)
class Screen:
    """One message to show. Text is HTML (Telegram's HTML parse mode).

    A screen carries at most one of inline `buttons`, a `keyboard` (reply keyboard),
    `remove_keyboard` or `force_reply`: Telegram attaches one markup per message.
    `photos` follow the text as messages of their own (an album carries no buttons).
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    keyboard: tuple[tuple[RequestButton, ...], ...] = ()
    remove_keyboard: bool = False
    # Ask for a reply to this message: in a group, Telegram's privacy mode shows a bot
    # only replies to its own messages. Selective: the people the message mentions.
    force_reply: bool = False
    attachment: Attachment | None = None
    photos: tuple[str, ...] = ()  # photos already on the platform, by their file ids
    edit: bool = False  # replace the message whose button was pressed
    chat_id: int | None = None  # another chat (a dealer's staff group); None: this chat
    # The channel of `chat_id` when it is not the event's: an owner on WhatsApp told of
    # a staff action in a Telegram group. None: the event's channel.
    channel: str | None = None
    toast: str = ""  # short notice on the pressed button
    # A care message's approved stand-in, sent instead of the text where a platform
    # allows only templates (the outbox sender decides; flows never set it).
    template: Template | None = None
    # Settle a join request in a group (no message; `text` is empty).
    join_decision: JoinDecision | None = None
