"""The rules every rendered message follows, whatever its translation: placeholder values
escaped for Telegram's HTML, left-to-right values isolated in right-to-left text, one
full stop after a value that ends in one; and date fields as the locale writes them
(years in the locale's era, skeletons widened to the fields asked for).

`bot.i18n.Translator` applies them; tests/unit/test_render.py checks every catalog
entry against them.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import string
import unicodedata
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates


class Html(str):
    """A value that is already safe HTML and must not be escaped again."""

    __slots__ = ()


def escape(value: object) -> str:
    if isinstance(value, Html):
        return value
    return html.escape(str(value), quote=False)


class EraFormat(babel_dates.DateTimeFormat):
    """Babel's field formatting, with years shifted into the locale's era."""

    def __init__(self, value: dt.date | dt.time, locale: Locale, year_offset: int) -> None:
        super().__init__(value, locale)
        self.year_offset = year_offset

    def format_year(self, char: str, num: int) -> str:
        year = super().format_year(char, 4 if num == 2 else num)
        shifted = str(int(year) + self.year_offset) if self.year_offset else year
        return shifted[-2:] if num == 2 else shifted


def in_zone(value: dt.date | dt.datetime, zone: str | dt.tzinfo) -> dt.datetime:
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(12), tz)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(tz)


_PATTERN_FIELD = re.compile(r"'[^']*'|([a-zA-Z])\1*")
_TEXT_FIELDS = "EMLcG"


def widen(pattern: str, skeleton: str) -> str:
    """`pattern` with its text fields (weekday, month names) as wide as `skeleton`
    asks: "E" becomes "EEEE" for "yMMMMEEEEd"; numeric fields are left alone."""
    wanted = {m.group(0)[0]: len(m.group(0)) for m in _PATTERN_FIELD.finditer(skeleton)}

    def widen(match: re.Match[str]) -> str:
        field = match.group(0)
        letter = field[0]
        if match.group(1) is None or letter not in _TEXT_FIELDS:
            return field
        asked = wanted.get(letter) or wanted.get({"L": "M", "c": "E"}.get(letter, ""), 0)
        text_field = len(field) >= 3 or letter in "Ec"
        if text_field and asked > len(field) and asked >= 3:
            return letter * asked
        return field

    return _PATTERN_FIELD.sub(widen, pattern)


_FORMATTER = string.Formatter()
# A full stop right after a value, maybe behind closing tags ("<b>{date}</b>.").
_STOP_AFTER_VALUE = re.compile(r"^((?:</[a-z]+>)*)\.(?!\.)")
_ISOLATES = ("\u2066", "\u2067", "\u2068")
LEFT_TO_RIGHT_ISOLATE = "\u2066"
POP_DIRECTIONAL_ISOLATE = "\u2069"
_STRONG_RTL = frozenset({"R", "AL"})
# Within a number, what keeps it one run in right-to-left text (digits, separators).
_NUMBER_CLASSES = frozenset({"EN", "AN", "CS", "ET", "NSM", "BN"})


def fill(template: str, values: Mapping[str, object], rtl: bool = False) -> str:
    """`template` with its fields filled (escaped values; `Html` ones as they are).

    Two rules hold for every message, whatever the translation:
    - a value ending in a full stop (ru "14 мар. 2025 г.", es_MX "1:30 a.m.") is not
      followed by a second one from the sentence;
    - in right-to-left text a left-to-right value (a phone number, a code, a plate, a
      VIN, a Latin name) is isolated (U+2066 ... U+2069), so "+966 800 124 2000" is
      not shown backwards; numbers alone are left as they are."""
    if not values:
        return template
    safe = {key: escape(value) for key, value in values.items()}
    parts: list[str] = []
    after_stop = False
    for literal, field, spec, conversion in _FORMATTER.parse(template):
        if after_stop:
            literal = _STOP_AFTER_VALUE.sub(r"\1", literal, count=1)
        parts.append(literal)
        if field is None:
            break
        value, _key = _FORMATTER.get_field(field, (), safe)
        text = _FORMATTER.format_field(_FORMATTER.convert_field(value, conversion), spec or "")
        if rtl:
            text = isolate_left_to_right(text)
        parts.append(text)
        after_stop = text.rstrip(POP_DIRECTIONAL_ISOLATE).endswith(".")
    return "".join(parts)


def isolate_left_to_right(text: str) -> str:
    if not text or text.startswith(_ISOLATES) or "\n" in text:
        return text
    classes = {unicodedata.bidirectional(char) for char in text}
    if classes & _STRONG_RTL:
        return text  # a right-to-left word, or a value Babel marked (dates, money)
    if "L" not in classes and ("EN" not in classes or classes <= _NUMBER_CLASSES):
        return text  # no Latin letters, and digits only as one number
    return f"{LEFT_TO_RIGHT_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"
