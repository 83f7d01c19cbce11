"""Dealer staff and the audit trail of what they do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    ADVISOR = "advisor"  # service advisor: bookings, visits, vouchers
    SALES = "sales"  # referral leads, test drives, trade-in
    MODERATOR = "moderator"  # owner-club groups and announcements
    MANAGER = "manager"  # everything at their dealer, points adjustments, reports
    ADMIN = "admin"  # brand CRM: every dealer


@dataclass(eq=False)
class StaffMember:
    channel: str
    user_id: int
    role: Role
    name: str
    added_at: datetime
    dealer_code: str | None = None  # None: every dealer of the brand (admins)
    active: bool = True
    id: int | None = None

    def may(self, *roles: Role) -> bool:
        """Managers and admins may do what any role may."""
        return self.active and (self.role in roles or self.role in (Role.MANAGER, Role.ADMIN))

    def serves(self, dealer_code: str | None) -> bool:
        """May act for this dealer (None: the action is not tied to one dealer)."""
        return (
            dealer_code is None
            or self.role is Role.ADMIN
            or self.dealer_code is None
            or self.dealer_code == dealer_code
        )


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
