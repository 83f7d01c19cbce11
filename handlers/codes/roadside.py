"""Button codes of roadside help and trade-in valuation (handlers/roadside.py)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.codes import ButtonCode


@dataclass(frozen=True)
class RoadsideHome(ButtonCode, prefix="sos:home"):
    pass


@dataclass(frozen=True)
class ValueMyCar(ButtonCode, prefix="tv:start"):
    pass


@dataclass(frozen=True)
class ValueThisCar(ButtonCode, prefix="tv:veh"):
    vehicle: int


@dataclass(frozen=True)
class ValueCarsPage(ButtonCode, prefix="tv:page"):
    """Another page of a fleet owner's cars to value."""

    page: int


@dataclass(frozen=True)
class SkipTradeInMileage(ButtonCode, prefix="tv:km"):
    pass


@dataclass(frozen=True)
class TradeInPhotosDone(ButtonCode, prefix="tv:done"):
    pass


@dataclass(frozen=True)
class ConfirmTradeInMileage(ButtonCode, prefix="tv:kmok"):
    pass


@dataclass(frozen=True)
class RetypeTradeInMileage(ButtonCode, prefix="tv:kmre"):
    pass
