"""Free text written by people, made safe to keep and to show.

One rule for every name, note and reason, typed in a chat or read from a file:
`clean_text` removes what no person means to write and what breaks storage or display
(a NUL is refused by PostgreSQL; an unclosed right-to-left override turns the digits
after it around), then composes the text (NFC) so that one name is stored one way.
Length limits are checked on the cleaned text. `isolate` keeps a person's words from
changing the direction of what stands beside them on a card.
"""

from __future__ import annotations

import unicodedata

_KEPT_CONTROLS = frozenset("\n\t")
_BIDI_CONTROLS = (
    0x061C,  # the Arabic letter mark
    0x200E,  # left-to-right mark
    0x200F,  # right-to-left mark
    *range(0x202A, 0x202F),  # embeddings and overrides, and their pop
    *range(0x2066, 0x206A),  # isolates, and their pop
)
_REMOVED: dict[int, None] = {
    code: None
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *_BIDI_CONTROLS]
    if chr(code) not in _KEPT_CONTROLS
}

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def clean_text(value: str) -> str:
    """`value` without control characters (C0 but newline and tab, DEL, C1) and
    bidirectional controls, in Unicode NFC."""
    if is_clean(value):
        return value
    return unicodedata.normalize("NFC", value.translate(_REMOVED))


def is_clean(value: str) -> bool:
    """Printable ASCII: nothing to remove or compose (most names, codes and numbers).
    Holds for a text exactly when it holds for each of its parts."""
    return value.isascii() and value.isprintable()


def isolate(value: str) -> str:
    """`value` as a directional island (U+2068 ... U+2069): whatever its script or
    controls, the numbers beside it keep their order. Empty stays empty."""
    return f"{FIRST_STRONG_ISOLATE}{value}{POP_DIRECTIONAL_ISOLATE}" if value else value
