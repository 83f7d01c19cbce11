"""Dealer staff and the audit trail."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import or_, select

from bot.domain.staff import AuditEntry, StaffMember
from storage import tables
from storage.repositories.base import SqlRepository


class SqlStaffRepository(SqlRepository[StaffMember]):
    async def by_user(self, channel: str, user_id: int) -> StaffMember | None:
        c = tables.staff.c
        result = await self.session.execute(
            select(StaffMember).where(c.channel == channel, c.user_id == user_id)
        )
        return result.scalar_one_or_none()

    async def all(self) -> Sequence[StaffMember]:
        result = await self.session.execute(select(StaffMember).order_by(tables.staff.c.id))
        return result.scalars().all()


class SqlAuditLog(SqlRepository[AuditEntry]):
    async def about(self, target: str) -> Sequence[AuditEntry]:
        c = tables.audit_log.c
        result = await self.session.execute(
            select(AuditEntry).where(c.target == target).order_by(c.at, c.id)
        )
        return result.scalars().all()

    async def concerning(
        self, targets: Collection[str], actors: Collection[str]
    ) -> Sequence[AuditEntry]:
        c = tables.audit_log.c
        result = await self.session.execute(
            select(AuditEntry)
            .where(or_(c.target.in_(list(targets)), c.actor.in_(list(actors))))
            .order_by(c.at, c.id)
        )
        return result.scalars().all()
