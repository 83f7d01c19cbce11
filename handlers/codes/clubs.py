"""Button codes of linking a group as an owners' club (handlers/clubs.py)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.codes import ButtonCode


@dataclass(frozen=True)
class ClubMarket(ButtonCode, prefix="club:mkt"):
    market: str


@dataclass(frozen=True)
class ClubLanguage(ButtonCode, prefix="club:lang"):
    locale: str


@dataclass(frozen=True)
class ClubLanguagesChosen(ButtonCode, prefix="club:lok"):
    pass


@dataclass(frozen=True)
class ClubModel(ButtonCode, prefix="club:mdl"):
    model: str  # "" for every model


@dataclass(frozen=True)
class ClubInterest(ButtonCode, prefix="club:int"):
    interest: str  # an Interest value, or "" for none in particular


@dataclass(frozen=True)
class ClubAccess(ButtonCode, prefix="club:acc"):
    owners_only: bool


@dataclass(frozen=True)
class StopLinking(ButtonCode, prefix="club:stop"):
    pass
