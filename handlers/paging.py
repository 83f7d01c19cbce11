"""One rule for long lists on every channel: a list of choices (a fleet owner's cars)
is shown a page at a time, with Back and Next, and a typed part of a VIN finds a car on
any page. A page keeps every platform within its limits (Telegram: 100 buttons a
message; WhatsApp: 10 rows a list, which its renderer pages further; LINE: 13 quick
replies). Long texts are the channels' rule: cut at paragraphs under each platform's
length (`bot.channels.text.split_paragraphs`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.domain.owners import Vehicle
from bot.i18n import Translator
from handlers.codes import ButtonCode, button
from handlers.types import Button

T = TypeVar("T")

PAGE_SIZE = 8  # choices a page
MIN_VIN_PART = 4  # characters of a VIN that find a car


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int  # from 0
    count: int  # pages in all
    first: int  # 1-based position of the first item
    total: int

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1


def page_of(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """Page `number` of `items` (a number out of range shows the nearest page)."""
    count = max((len(items) + size - 1) // size, 1)
    number = min(max(number, 0), count - 1)
    start = number * size
    return Page(items[start : start + size], number, count, start + 1, len(items))


def pager_row(t: Translator, page: Page[T], code_for: Callable[[int], ButtonCode]) -> list[Button]:
    """Back and Next, where there is a page to go to; nothing for a single page."""
    row: list[Button] = []
    if page.number > 0:
        row.append(button(t.pgettext("button", "⬅️ Back"), code_for(page.number - 1)))
    if page.number < page.count - 1:
        row.append(button(t.pgettext("button", "Next ➡️"), code_for(page.number + 1)))
    return row


def page_caption(t: Translator, page: Page[T]) -> str:
    """Where the page stands, and that a car can be found by its VIN; "" on one page."""
    if page.count <= 1:
        return ""
    return t._(
        "Cars {first}–{last} of {total}. Type part of a VIN to find a car.",
        first=page.first,
        last=page.last,
        total=page.total,
    )


def vehicles_matching(vehicles: Sequence[Vehicle], typed: str) -> list[Vehicle]:
    """The cars whose VIN contains what was typed (at least four letters or digits;
    case, spaces and dashes ignored)."""
    part = re.sub(r"[\s\-.]", "", typed).upper()
    if len(part) < MIN_VIN_PART or not part.isalnum():
        return []
    return [v for v in vehicles if v.vin and part in v.vin.upper()]
