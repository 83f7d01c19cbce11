"""Button codes of /mydata and /forget (handlers/privacy.py)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.codes import ButtonCode


@dataclass(frozen=True)
class ExportMyData(ButtonCode, prefix="priv:export"):
    pass


@dataclass(frozen=True)
class AskToErase(ButtonCode, prefix="priv:ask"):
    pass


@dataclass(frozen=True)
class EraseMyData(ButtonCode, prefix="priv:erase"):
    pass


@dataclass(frozen=True)
class KeepMyData(ButtonCode, prefix="priv:keep"):
    pass
