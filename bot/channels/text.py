"""Plain-text rendering for channels without markup (the console): our HTML as text,
and a screen's message as a terminal shows it."""

from __future__ import annotations

import html
import re

from handlers.types import Screen

_TAG = re.compile(r"</?(b|i|u|s|code|pre|a)(\s[^>]*)?>")
# Directional isolates (U+2066-U+2069) are for renderers that lay out mixed scripts, as
# Telegram's apps do; a terminal does not, and may show them as boxes.
_ISOLATES = dict.fromkeys(range(0x2066, 0x206A))


def html_to_text(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


def message_lines(screen: Screen) -> list[str]:
    """The text (without directional isolates), the attachment, the photos and the
    request for a reply; buttons and keyboards are the caller's (the console numbers
    them to be pressed)."""
    lines: list[str] = []
    if screen.text:
        lines.append(html_to_text(screen.text).translate(_ISOLATES))
    if screen.attachment is not None:
        a = screen.attachment
        caption = f": {html_to_text(a.caption)}" if a.caption else ""
        lines.append(f"📎 {a.filename} ({len(a.data)} bytes){caption}")
    lines.extend(f"[photo: {file_id}]" for file_id in screen.photos)
    if screen.force_reply:
        lines.append("(reply to this message)")
    return lines


def split_paragraphs(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut between paragraphs where it
    can, else between lines, else between words, else anywhere. For platforms that
    cap a message's length (WhatsApp 4,096, an interactive body 1,024; LINE 5,000)."""
    if len(text) <= limit:
        return [text] if text else []
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut > 0:
                break
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return [p for p in pieces if p]


_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]+))?(?:\s+(.*))?$", re.DOTALL)


def parse_command(text: str, bot_username: str) -> tuple[str, str] | None:
    """(command, args) for `/cmd@bot args`; None if not a command; ("", "") when it is
    addressed to another bot."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    name, addressee, args = match.groups()
    if addressee and addressee.lower() != bot_username.lower():
        return ("", "")
    return name.lower(), (args or "").strip()
