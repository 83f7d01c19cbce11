"""Dealer staff and the audit trail of what they do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.domain.reference import Dealer


class Role(StrEnum):
    ADVISOR = "advisor"  # service advisor: bookings, visits, vouchers
    SALES = "sales"  # referral leads, test drives, trade-in
    MODERATOR = "moderator"  # owner-club groups and announcements
    MANAGER = "manager"  # everything at their dealer, points adjustments, reports
    ADMIN = "admin"  # brand CRM: every dealer


class ScopeProblem(StrEnum):
    """Why a role can't be given with this scope: only brand-wide roles (an admin, a
    manager of a whole market) may lack a dealer."""

    NEEDS_DEALER = "needs a dealer"  # advisors, sales, moderators work at one dealer
    NEEDS_DEALER_OR_MARKET = "needs a dealer or a market"  # a manager
    MARKET_ONLY_FOR_MANAGERS = "only managers are scoped to a market"
    DEALER_AND_MARKET = "a dealer or a market, not both"
    ADMIN_IS_BRAND_WIDE = "admins serve every market"


def scope_problem(role: Role, dealer_code: str | None, market: str | None) -> ScopeProblem | None:
    """None when `role` may be held with this dealer and market."""
    if role is Role.ADMIN:
        return None if market is None else ScopeProblem.ADMIN_IS_BRAND_WIDE
    if dealer_code is not None and market is not None:
        return ScopeProblem.DEALER_AND_MARKET
    if role is Role.MANAGER:
        return None if (dealer_code or market) else ScopeProblem.NEEDS_DEALER_OR_MARKET
    if market is not None:
        return ScopeProblem.MARKET_ONLY_FOR_MANAGERS
    return None if dealer_code is not None else ScopeProblem.NEEDS_DEALER


@dataclass(eq=False)
class StaffMember:
    channel: str
    user_id: int
    role: Role
    name: str
    added_at: datetime
    dealer_code: str | None = None  # None: admins, and managers of a whole market
    active: bool = True
    market: str | None = None  # a market manager's market (they have no dealer)
    id: int | None = None

    def may(self, *roles: Role) -> bool:
        """Managers and admins may do what any role may."""
        return self.active and (self.role in roles or self.role in (Role.MANAGER, Role.ADMIN))

    @property
    def in_scope(self) -> bool:
        """Whether the role's scope is one it may have (a member added before scopes
        were checked may lack a dealer: such a member may do nothing until fixed)."""
        return scope_problem(self.role, self.dealer_code, self.market) is None

    def serves(self, dealer: Dealer | None) -> bool:
        """May act for this dealer (None: the action is not tied to one dealer)."""
        if not self.in_scope:
            return False
        if self.role is Role.ADMIN or dealer is None:
            return True
        if self.dealer_code is not None:
            return self.dealer_code == dealer.code
        return self.market == dealer.market

    def serves_market(self, market: str, dealers: Mapping[str, Dealer]) -> bool:
        """May act for owners and vouchers of this market."""
        if not self.in_scope:
            return False
        if self.role is Role.ADMIN:
            return True
        if self.dealer_code is not None:
            own = dealers.get(self.dealer_code)
            return own is not None and own.market == market
        return self.market == market

    def dealer_codes(self, dealers: Mapping[str, Dealer]) -> list[str] | None:
        """The dealers this member works for (None: every dealer)."""
        if not self.in_scope:
            return []
        if self.role is Role.ADMIN:
            return None
        if self.dealer_code is not None:
            return [self.dealer_code]
        return [code for code, dealer in dealers.items() if dealer.market == self.market]


@dataclass(eq=False)
class AuditEntry:
    """Who did what to whom, when and why. Never edited, never deleted."""

    actor: str  # "telegram:12345" or "cli:<os user>"
    action: str
    target: str
    reason: str
    at: datetime
    details: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
