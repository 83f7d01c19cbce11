"""The durable deliveries and the chats that moved."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from bot.domain.care import OutboxStatus
from bot.domain.deliveries import DurableMessage
from storage import leases, tables
from storage.repositories.base import SessionBound, dialect

d = tables.deliveries.c
m = tables.chat_moves.c


class SqlDeliveries(SessionBound):
    def add(self, message: DurableMessage) -> None:
        self.session.add(message)

    @property
    def _postgres(self) -> bool:
        return dialect(self.session) == "postgresql"

    async def claim(self, now: datetime, lease: timedelta, limit: int, token: str) -> list[int]:
        due = or_(
            and_(d.status == OutboxStatus.PENDING, d.due_at <= now),
            and_(d.status == OutboxStatus.SENDING, d.lease_until < now),
        )
        claim = leases.Claim(now, lease, limit, token)
        return await leases.claim(self.session, tables.deliveries, due, claim, lock=self._postgres)

    async def extend(self, ids: Sequence[int], token: str, until: datetime) -> int:
        return await leases.extend(self.session, tables.deliveries, ids, token, until)

    async def leased(self, message_id: int, token: str) -> DurableMessage | None:
        return await leases.leased(
            self.session, DurableMessage, message_id, token, lock=self._postgres
        )

    async def waiting(self) -> Sequence[DurableMessage]:
        result = await self.session.execute(
            select(DurableMessage)
            .where(d.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
            .order_by(d.id)
        )
        return result.scalars().all()


class SqlChatMoves(SessionBound):
    async def record(self, channel: str, old_chat_id: int, new_chat_id: int, now: datetime) -> None:
        if old_chat_id == new_chat_id:
            return
        await self.session.execute(
            tables.chat_moves.delete().where(m.channel == channel, m.old_chat_id == old_chat_id)
        )
        await self.session.execute(
            tables.chat_moves.insert().values(
                channel=channel, old_chat_id=old_chat_id, new_chat_id=new_chat_id, moved_at=now
            )
        )

    async def current(self, channel: str, chat_id: int) -> int:
        seen = {chat_id}
        while True:
            moved = await self.session.scalar(
                select(m.new_chat_id).where(m.channel == channel, m.old_chat_id == chat_id)
            )
            if moved is None or moved in seen:  # a loop would be a bug: stop at it
                return chat_id
            seen.add(int(moved))
            chat_id = int(moved)
