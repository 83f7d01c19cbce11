"""Reading a typed answer as one of the choices a step offers.

People type instead of tapping: "x7", "manchester", "ไทย", "Brasil". `normalise` makes
typed text and labels comparable (case, accents and diacritics, digits of any script,
emoji and punctuation, spacing); `match_choice` then looks for one choice the text
names, in tiers from the surest to the loosest:

1. the text is a choice's label;
2. a label appears in the text as whole words ("I'd like the X7, please");
3. the text starts a label, or one of its words ("manch" for "...Manchester");
4. the text appears inside a label (three characters at least).

The first tier that finds anything decides: one choice is a match, several are
ambiguous (the step asks again rather than guess), none goes on to the next tier.
Thai and Chinese are written without spaces between words, so there any position
is a word boundary.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)

MIN_PREFIX = 2  # "x" alone names nothing
MIN_INSIDE = 3

# Letters people write either way: Arabic hamza seats and final forms, Turkish dotless i.
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ı": "i"})


def normalise(text: str) -> str:
    """Lower case, without accents or Arabic vowel marks, digits as 0-9, and anything
    that is not a letter or a digit (punctuation, emoji, symbols) as single spaces.
    Thai marks are kept: in Thai they are vowels and tones, not decoration."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        category = unicodedata.category(ch)
        if category == "Mn":
            if _thai(ch):
                out.append(ch)
            continue
        if category == "Nd":
            out.append(str(unicodedata.decimal(ch)))
        elif category == "Lm":
            continue  # Arabic tatweel, Thai repetition mark: no letter of their own
        elif category[0] in "LN":
            out.append(ch.casefold())
        else:
            out.append(" ")
    return " ".join("".join(out).translate(_FOLD).split())


@dataclass(frozen=True)
class Choice(Generic[T]):
    """One offered choice: the value it stands for and every label naming it."""

    value: T
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Match(Generic[T]):
    """What typed text named: `value` when exactly one choice; else the `candidates`
    it could mean (none, or several)."""

    value: T | None = None
    candidates: tuple[T, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.value is None and len(self.candidates) > 1


def match_choice(text: str, choices: Sequence[Choice[T]]) -> Match[T]:
    typed = normalise(text)
    if not typed:
        return Match()
    labelled = [(c.value, label) for c in choices for label in map(normalise, c.labels) if label]
    tiers = (
        [v for v, label in labelled if label == typed],
        _longest([(v, label) for v, label in labelled if contains_words(typed, label)]),
        [v for v, label in labelled if len(typed) >= MIN_PREFIX and _starts(label, typed)],
        [v for v, label in labelled if len(typed) >= MIN_INSIDE and typed in label],
    )
    for found in tiers:
        values = tuple(dict.fromkeys(found))
        if len(values) == 1:
            return Match(value=values[0], candidates=values)
        if values:
            return Match(candidates=values)
    return Match()


def _longest(found: list[tuple[T, str]]) -> list[T]:
    """Of the labels found in the text, the longest: "first service" over "service"."""
    if not found:
        return []
    longest = max(len(label) for _, label in found)
    return [v for v, label in found if len(label) == longest]


def contains_words(text: str, label: str) -> bool:
    """Whether `label` appears in `text` as whole words (both normalised)."""
    start = text.find(label)
    while start >= 0:
        end = start + len(label)
        if _boundary(text, start) and _boundary(text, end):
            return True
        start = text.find(label, start + 1)
    return False


def _starts(label: str, typed: str) -> bool:
    if label.startswith(typed):
        return True
    return any(word.startswith(typed) for word in label.split(" ")[1:])


def _boundary(text: str, at: int) -> bool:
    """Whether a word may begin or end at `at`: a space, an end of the text, or a
    script that does not separate words with spaces."""
    if at <= 0 or at >= len(text):
        return True
    before, after = text[at - 1], text[at]
    return before == " " or after == " " or _unspaced(before) or _unspaced(after)


def _thai(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"


def _unspaced(ch: str) -> bool:
    """Scripts written without spaces between words: Thai, Lao, Khmer, Myanmar, Han,
    kana."""
    return (
        "\u0e00" <= ch <= "\u0eff"
        or "\u1000" <= ch <= "\u109f"
        or "\u1780" <= ch <= "\u17ff"
        or "\u3040" <= ch <= "\u30ff"
        or "\u3400" <= ch <= "\u4dbf"
        or "\u4e00" <= ch <= "\u9fff"
    )
