"""Button codes of the main menu, help and "My car" (handlers/menu.py)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.codes import ButtonCode


@dataclass(frozen=True)
class MainMenu(ButtonCode, prefix="menu:home"):
    pass


@dataclass(frozen=True)
class HelpHome(ButtonCode, prefix="help:home"):
    pass


@dataclass(frozen=True)
class MyCars(ButtonCode, prefix="car:list"):
    pass


@dataclass(frozen=True)
class MyCarsPage(ButtonCode, prefix="car:page"):
    """Another page of a fleet owner's cars."""

    page: int


@dataclass(frozen=True)
class UpdateOdometer(ButtonCode, prefix="car:km"):
    vehicle: int


@dataclass(frozen=True)
class ConfirmOdometer(ButtonCode, prefix="car:kmok"):
    """The surprising reading held for this vehicle is right."""

    vehicle: int


@dataclass(frozen=True)
class RetypeOdometer(ButtonCode, prefix="car:kmre"):
    vehicle: int
