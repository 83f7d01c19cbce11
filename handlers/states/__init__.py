"""Typed conversation state: a step enum and a data class per flow.

A flow declares where a chat can stand as a `StrEnum` (values are stored, so they
never change: "bk.mileage") and what it has gathered so far as a dataclass that
subclasses `FlowData`:

    class BookingStep(StrEnum):
        MILEAGE = "bk.mileage"

    @dataclass
    class BookingDraft(FlowData):
        vehicle: int
        services: list[str] = field(default_factory=list)

    ctx.enter(BookingStep.MILEAGE, BookingDraft(vehicle=7))
    draft = ctx.draft(BookingDraft)

The data is stored as JSON with the conversation. Reading it back checks every field
against its declared type; data that doesn't fit (written by an older version, or
for another flow) raises `StaleState`, which the dispatcher treats like a stale
button: the flow ends politely instead of failing.

Field types: `int`, `str`, `bool`, `float`, `date`, aware `datetime`, string-valued
enums, `list[...]` of those, and `X | None`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from enum import Enum
from typing import Any, Self


class StaleState(ValueError):
    """Stored conversation data that no longer fits the flow's declared shape."""


class FlowData:
    """Base of a flow's typed conversation data; subclasses are dataclasses."""

    def to_json(self) -> dict[str, Any]:
        hints = typing.get_type_hints(type(self))
        return {
            f.name: _dump(getattr(self, f.name), hints[f.name])
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
        }

    @classmethod
    def from_json(cls, data: typing.Mapping[str, Any]) -> Self:
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.name not in data:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    raise StaleState(f"{cls.__name__} lacks {f.name}")
                continue
            values[f.name] = _load(data[f.name], hints[f.name], f"{cls.__name__}.{f.name}")
        return cls(**values)


def _dump(value: Any, kind: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        (item,) = typing.get_args(kind) or (Any,)
        return [_dump(v, item) for v in value]
    return value


def _load(raw: Any, kind: Any, where: str) -> Any:
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        if raw is None:
            return None
        if len(options) != 1:
            raise TypeError(f"{where}: only `X | None` unions are supported")
        return _load(raw, options[0], where)
    if origin is list:
        (item,) = typing.get_args(kind)
        if not isinstance(raw, list):
            raise StaleState(f"{where} is not a list")
        return [_load(v, item, where) for v in raw]
    if kind is bool:
        if not isinstance(raw, bool):
            raise StaleState(f"{where} is not a flag")
        return raw
    if kind is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise StaleState(f"{where} is not a whole number")
        return raw
    if kind is float:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise StaleState(f"{where} is not a number")
        return float(raw)
    if kind is str:
        if not isinstance(raw, str):
            raise StaleState(f"{where} is not text")
        return raw
    try:
        if kind is datetime:
            moment = datetime.fromisoformat(raw)
            if moment.tzinfo is None:
                raise StaleState(f"{where} is a naive time")
            return moment
        if kind is date:
            return date.fromisoformat(raw)
        if isinstance(kind, type) and issubclass(kind, Enum):
            return kind(raw)
    except (TypeError, ValueError) as error:
        raise StaleState(f"{where} does not read as {kind!r}") from error
    raise TypeError(f"{where}: flow data can't hold {kind!r}")


__all__ = ["FlowData", "StaleState"]
