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
