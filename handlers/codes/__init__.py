"""Typed button codes, in the spirit of aiogram's `CallbackData`.

A code is a frozen dataclass that subclasses `ButtonCode` and names its route with
`prefix="flow:action"`. Its fields are packed after the prefix, separated by ":",
and checked against Telegram's 64-byte limit when packed:

    @dataclass(frozen=True)  # not slots=True: that builds the class twice
    class HistoryPage(ButtonCode, prefix="pts:hist"):
        page: int

    HistoryPage(3).pack() == "pts:hist:3"

Codes come back from the client and may be forged or stale: `unpack` validates every
field against its declared type and raises `BadCode`, which the dispatcher answers
with one localized "no longer valid". Ids inside a code still have to be checked
against the person who pressed the button (see `handlers.errors.NotYours`).

Field types: `int` (0 .. 2**63-1), `str` (letters, digits and `_.+-`), `bool`,
any `enum.Enum` with string values, `date` (YYYYMMDD) and aware `datetime` (UTC, to
the minute).
"""

from __future__ import annotations

import dataclasses
import re
import typing
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, ClassVar, Self

from handlers.types import Button

MAX_CODE_BYTES = 64  # Telegram's callback_data limit
_PART = re.compile(r"^[A-Za-z0-9_.+\-]*$")
_PREFIX = re.compile(r"^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$")
_MINUTE = "%Y%m%d%H%M"
_DAY = "%Y%m%d"


class BadCode(ValueError):
    """A button code we did not issue, or no longer understand."""


class ButtonCode:
    """Base of every button code: declare fields on a frozen dataclass subclass."""

    prefix: ClassVar[str]
    _by_prefix: ClassVar[dict[str, type[ButtonCode]]] = {}
    _types: ClassVar[tuple[tuple[str, Any], ...] | None]

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not _PREFIX.match(prefix):
            raise ValueError(f"button prefix {prefix!r} must read 'flow:action'")
        if prefix in ButtonCode._by_prefix:
            raise ValueError(f"button prefix {prefix!r} is declared twice")
        ButtonCode._by_prefix[prefix] = cls
        cls.prefix = prefix
        cls._types = None  # resolved on first use: the dataclass decorator runs later

    @classmethod
    def _field_types(cls) -> tuple[tuple[str, Any], ...]:
        if cls._types is None:
            hints = typing.get_type_hints(cls)
            cls._types = tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))  # type: ignore[arg-type]
        return cls._types

    def pack(self) -> str:
        """The code as sent to the platform; raises ValueError when it can't be sent."""
        parts = [self.prefix]
        for name, kind in self._field_types():
            part = _encode(getattr(self, name), kind)
            if not _PART.match(part):
                raise ValueError(
                    f"{type(self).__name__}.{name}={part!r} has characters codes may not carry"
                )
            parts.append(part)
        code = ":".join(parts)
        if len(code.encode()) > MAX_CODE_BYTES:
            raise ValueError(f"button code over {MAX_CODE_BYTES} bytes: {code!r}")
        return code

    @classmethod
    def unpack(cls, raw: str) -> Self:
        """Parse `raw` as this code, or raise BadCode."""
        if len(raw.encode()) > MAX_CODE_BYTES:
            raise BadCode("oversized code")
        parts = raw.split(":")
        if ":".join(parts[:2]) != cls.prefix:
            raise BadCode(f"not a {cls.prefix} code")
        values = parts[2:]
        kinds = cls._field_types()
        if len(values) != len(kinds):
            raise BadCode(f"{cls.prefix} takes {len(kinds)} fields, got {len(values)}")
        decoded = {
            name: _decode(value, kind) for (name, kind), value in zip(kinds, values, strict=True)
        }
        return cls(**decoded)


def button(label: str, code: ButtonCode) -> Button:
    """An inline button that sends `code` when pressed."""
    return Button(label, code.pack())


def route_key(raw: str) -> str:
    """The prefix a raw code is routed by ("flow:action"), or BadCode."""
    if not raw or len(raw.encode()) > MAX_CODE_BYTES:
        raise BadCode("empty or oversized code")
    parts = raw.split(":")
    if len(parts) < 2 or not all(_PART.match(p) for p in parts):
        raise BadCode("malformed code")
    return f"{parts[0]}:{parts[1]}"


def code_type(prefix: str) -> type[ButtonCode] | None:
    """The declared code class for a prefix (for the glossary and tests)."""
    return ButtonCode._by_prefix.get(prefix)


def all_code_types() -> dict[str, type[ButtonCode]]:
    return dict(ButtonCode._by_prefix)


def _encode(value: object, kind: Any) -> str:
    if kind is bool:
        return "1" if value else "0"
    if kind is int:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
            raise ValueError(f"not a button id: {value!r}")
        return str(value)
    if kind is str:
        return str(value)
    if kind is datetime:
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"not an aware datetime: {value!r}")
        return value.astimezone(UTC).strftime(_MINUTE)
    if kind is date:
        assert isinstance(value, date)
        return value.strftime(_DAY)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return str(kind(value).value)
    raise TypeError(f"button codes can't carry {kind!r}")


def _decode(raw: str, kind: Any) -> Any:
    try:
        if kind is bool:
            if raw not in ("0", "1"):
                raise BadCode("not a flag")
            return raw == "1"
        if kind is int:
            if not raw.isdigit() or len(raw) > 19 or int(raw) >= 2**63:
                raise BadCode("not an id")
            return int(raw)
        if kind is str:
            if not _PART.match(raw):
                raise BadCode("bad characters")
            return raw
        if kind is datetime:
            if len(raw) != 12 or not raw.isdigit():
                raise BadCode("not a time")
            return datetime.strptime(raw, _MINUTE).replace(tzinfo=UTC)
        if kind is date:
            if len(raw) != 8 or not raw.isdigit():
                raise BadCode("not a day")
            return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        if isinstance(kind, type) and issubclass(kind, Enum):
            return kind(raw)
    except ValueError as error:  # an enum or calendar value that does not exist
        if isinstance(error, BadCode):
            raise
        raise BadCode(f"not a {kind!r}") from error
    raise TypeError(f"button codes can't carry {kind!r}")


__all__ = [
    "MAX_CODE_BYTES",
    "BadCode",
    "ButtonCode",
    "all_code_types",
    "button",
    "code_type",
    "route_key",
]
