"""The Bot API calls that show one screen as new messages, in order: its text (cut at
paragraphs into messages of at most 4,096 characters), its attachment, then its photos
(one sendPhoto, or albums of up to ten). The pipeline
retries each call; the outbox transport leaves retrying to the sender."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.channels.telegram.port import Markup, TelegramPort
from bot.channels.text import split_paragraphs
from handlers.types import Screen

log = logging.getLogger(__name__)

ALBUM_LIMIT = 10  # sendMediaGroup takes 2 to 10 items
TEXT_LIMIT = 4096  # characters of a message; a longer text goes in pieces, cut at paragraphs


@dataclass(frozen=True, slots=True)
class Send:
    method: str  # the Bot API method, for the log
    call: Callable[[], Awaitable[None]]


def sends(port: TelegramPort, chat_id: int, screen: Screen) -> list[Send]:
    """The calls that show `screen` in `chat_id`. The markup rides on the attachment
    if there is one, else on the text, else on a lone photo (an album carries none)."""
    markup = Markup.of(screen)
    attachment = screen.attachment
    steps: list[Send] = []
    pieces = split_paragraphs(screen.text, TEXT_LIMIT)
    for number, piece in enumerate(pieces, start=1):
        # The markup rides on the last piece, so the buttons sit under the whole text.
        carried = markup if attachment is None and number == len(pieces) else None
        steps.append(
            Send("sendMessage", functools.partial(port.send_text, chat_id, piece, carried))
        )
    if attachment is not None:
        steps.append(
            Send("sendFile", functools.partial(port.send_file, chat_id, attachment, markup))
        )
    photo_markup = markup if not steps else None
    for album in albums(screen.photos):
        if len(album) == 1:
            call = functools.partial(port.send_photo, chat_id, album[0], photo_markup)
            steps.append(Send("sendPhoto", call))
        else:
            if photo_markup is not None:
                log.warning("an album can't carry buttons; a screen's markup was dropped")
            steps.append(Send("sendMediaGroup", functools.partial(port.send_album, chat_id, album)))
        photo_markup = None
    decision = screen.join_decision
    if decision is not None:
        method = "approveChatJoinRequest" if decision.approve else "declineChatJoinRequest"
        settle = port.settle_join_request
        steps.append(
            Send(
                method,
                functools.partial(settle, decision.chat_id, decision.user_id, decision.approve),
            )
        )
    return steps


def albums(file_ids: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Photos in albums of at most ten, in order (a lone photo is sent on its own)."""
    return [file_ids[i : i + ALBUM_LIMIT] for i in range(0, len(file_ids), ALBUM_LIMIT)]
