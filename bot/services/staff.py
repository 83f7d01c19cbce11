"""Staff roles (checked on every staff action) and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.reference import Dealer
from bot.domain.staff import AuditEntry, Role, ScopeProblem, StaffMember, scope_problem
from bot.services.ports import UnitOfWork


class NotStaff(Exception):
    """The person is not staff, or lacks the role, or works at another dealer."""


class LacksRole(NotStaff):
    """Staff, but their role doesn't allow this (a sales member and a managers' command)."""

    def __init__(self, member: StaffMember) -> None:
        super().__init__(member.role)
        self.member = member


class OutOfScope(ValueError):
    """A role given without the scope it needs (an advisor without a dealer)."""

    def __init__(self, why: ScopeProblem) -> None:
        super().__init__(why.value)
        self.why = why


async def add_staff(
    uow: UnitOfWork,
    *,
    channel: str,
    user_id: int,
    role: Role,
    name: str,
    dealer_code: str | None,
    actor: str,
    now: datetime,
    market: str | None = None,
) -> StaffMember:
    """Add someone, or change the role and scope of someone already on staff. Only
    brand-wide roles may lack a dealer: an admin, or a manager of `market`
    (OutOfScope otherwise)."""
    problem = scope_problem(role, dealer_code, market)
    if problem is not None:
        raise OutOfScope(problem)
    member = await uow.staff.by_user(channel, user_id)
    if member is None:
        member = StaffMember(
            channel=channel,
            user_id=user_id,
            role=role,
            name=name,
            dealer_code=dealer_code,
            market=market,
            added_at=now,
        )
        uow.staff.add(member)
    else:
        member.role, member.name, member.dealer_code, member.market, member.active = (
            role,
            name,
            dealer_code,
            market,
            True,
        )
    audit(
        uow,
        actor,
        "staff.add",
        f"staff:{channel}:{user_id}",
        "",
        now,
        role=role,
        dealer=dealer_code,
        market=market,
    )
    return member


async def require_staff(
    uow: UnitOfWork, channel: str, user_id: int, *roles: Role, dealer: Dealer | None = None
) -> StaffMember:
    """The staff member behind this chat user, if they may act for `dealer` (or, with
    none, at all: a member whose scope is out of bounds may not); else NotStaff
    (LacksRole when they are active staff whose role doesn't allow it)."""
    member = await active_staff(uow, channel, user_id)
    if member is None or not member.serves(dealer):
        raise NotStaff
    if not member.may(*roles):
        raise LacksRole(member)
    return member


async def active_staff(uow: UnitOfWork, channel: str, user_id: int) -> StaffMember | None:
    """The active staff member behind this chat user, if any."""
    member = await uow.staff.by_user(channel, user_id)
    return member if member is not None and member.active else None


def audit(
    uow: UnitOfWork,
    actor: str,
    action: str,
    target: str,
    reason: str,
    now: datetime,
    **details: Any,
) -> None:
    uow.audit.add(
        AuditEntry(
            actor=actor, action=action, target=target, reason=reason, at=now, details=details
        )
    )


def actor_id(channel: str, user_id: int) -> str:
    return f"{channel}:{user_id}"
