"""Button codes of referrals (handlers/referrals*.py): the owner's side and the
dealer's sales staff."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.referrals import Stage
from handlers.codes import ButtonCode


@dataclass(frozen=True)
class ReferralsHome(ButtonCode, prefix="ref:home"):
    pass


@dataclass(frozen=True)
class InvitationQr(ButtonCode, prefix="ref:qr"):
    pass


@dataclass(frozen=True)
class ReferralRules(ButtonCode, prefix="ref:rules"):
    pass


@dataclass(frozen=True)
class MyReferrals(ButtonCode, prefix="ref:list"):
    page: int  # 0: the newest


# --- recommending a friend in chat ------------------------------------------------------


@dataclass(frozen=True)
class RecommendFriend(ButtonCode, prefix="ref:new"):
    pass


@dataclass(frozen=True)
class FriendModel(ButtonCode, prefix="ref:model"):
    model: str


@dataclass(frozen=True)
class FriendModelUndecided(ButtonCode, prefix="ref:nomodel"):
    pass


@dataclass(frozen=True)
class FriendDealer(ButtonCode, prefix="ref:dealer"):
    dealer: str


@dataclass(frozen=True)
class FriendAgreed(ButtonCode, prefix="ref:yes"):
    pass


@dataclass(frozen=True)
class FriendNotAskedYet(ButtonCode, prefix="ref:no"):
    pass


@dataclass(frozen=True)
class StopRecommending(ButtonCode, prefix="ref:stop"):
    pass


# --- the dealer's sales staff ------------------------------------------------------------


@dataclass(frozen=True)
class LeadCard(ButtonCode, prefix="rfs:show"):
    referral: int


@dataclass(frozen=True)
class MoveLead(ButtonCode, prefix="rfs:to"):
    referral: int
    stage: Stage


@dataclass(frozen=True)
class UndoLeadMove(ButtonCode, prefix="rfs:undo"):
    referral: int
    change: int  # the history line to take back: only while it is still the latest
