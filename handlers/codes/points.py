"""Button codes of points, rewards and vouchers (handlers/points.py, rewards.py,
vouchers.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.loyalty import RewardCategory
from handlers.codes import ButtonCode


@dataclass(frozen=True)
class PointsHome(ButtonCode, prefix="pts:home"):
    pass


@dataclass(frozen=True)
class PointsHistory(ButtonCode, prefix="pts:hist"):
    page: int  # 0: the newest movements


@dataclass(frozen=True)
class HowToEarn(ButtonCode, prefix="pts:earn"):
    pass


@dataclass(frozen=True)
class RewardCategories(ButtonCode, prefix="rw:cats"):
    pass


@dataclass(frozen=True)
class RewardsIn(ButtonCode, prefix="rw:cat"):
    category: RewardCategory
    page: int


@dataclass(frozen=True)
class ShowReward(ButtonCode, prefix="rw:show"):
    reward: str  # its key in the owner's market


@dataclass(frozen=True)
class AskToRedeem(ButtonCode, prefix="rw:ask"):
    reward: str


@dataclass(frozen=True)
class ConfirmRedeem(ButtonCode, prefix="rw:ok"):
    reward: str
    request: str  # one per confirm button: a second tap redeems nothing more


@dataclass(frozen=True)
class MyVouchers(ButtonCode, prefix="vc:list"):
    pass


@dataclass(frozen=True)
class ShowVoucher(ButtonCode, prefix="vc:show"):
    voucher: int


@dataclass(frozen=True)
class AskToCancelVoucher(ButtonCode, prefix="vc:ask"):
    voucher: int


@dataclass(frozen=True)
class CancelVoucher(ButtonCode, prefix="vc:cancel"):
    voucher: int
