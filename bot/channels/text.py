"""Plain-text rendering of our HTML for channels without markup (the console)."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"</?(b|i|u|s|code|pre|a)(\s[^>]*)?>")


def html_to_text(text: str) -> str:
    return html.unescape(_TAG.sub("", text))
