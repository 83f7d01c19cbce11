"""Our HTML (Telegram's parse mode) as WhatsApp writes it: *bold*, _italic_,
~strikethrough~, ```monospace```; links as "text (url)"; entities unescaped."""

from __future__ import annotations

import html
import re

_MARKS = {"b": "*", "strong": "*", "i": "_", "em": "_", "s": "~", "code": "```", "pre": "```"}
_PAIRED = re.compile(r"<(b|strong|i|em|s|code|pre)>(.*?)</\1>", re.DOTALL)
_LINK = re.compile(r'<a\s+href="([^"]*)"\s*>(.*?)</a>', re.DOTALL)
_OTHER_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def whatsapp_text(text: str) -> str:
    """The HTML of a screen, as WhatsApp formats text."""
    out = _LINK.sub(_link, text)
    previous = None
    while previous != out:  # nested tags: the inner pair first, then the outer
        previous = out
        out = _PAIRED.sub(_mark, out)
    return html.unescape(_OTHER_TAG.sub("", out))


def _mark(match: re.Match[str]) -> str:
    tag, inner = match.group(1), match.group(2)
    if not inner.strip():
        return inner
    mark = _MARKS[tag]
    # WhatsApp ignores a mark with a space inside it: keep the spaces outside.
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{mark}{inner.strip()}{mark}{trail}"


def _link(match: re.Match[str]) -> str:
    url, label = html.unescape(match.group(1)), match.group(2)
    return label if html.unescape(label) == url else f"{label} ({url})"


def plain(text: str, limit: int) -> str:
    """A label for a button or a list row: no marks, at most `limit` characters."""
    label = html.unescape(_OTHER_TAG.sub("", text)).strip()
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
