"""Button codes of points, rewards and vouchers (handlers/points.py)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.codes import ButtonCode


@dataclass(frozen=True)
class PointsHome(ButtonCode, prefix="pts:home"):
    pass


@dataclass(frozen=True)
class RewardCategories(ButtonCode, prefix="rw:cats"):
    pass


@dataclass(frozen=True)
class MyVouchers(ButtonCode, prefix="vc:list"):
    pass
