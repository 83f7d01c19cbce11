"""Per-chat order across worker processes on PostgreSQL (the `ChatTurns` port).

A row in `update_inbox` says "this chat's update N reached a worker and is not handled
yet". A worker about to handle update N of a chat first waits while an earlier row of
that chat exists, so the chat's updates are handled one after another in update id
order whichever worker received them. A row older than the hold is ignored (its worker
died or hangs: the chat must not stall for it) and swept later. Times are the
database server's (`clock_timestamp()`), so the workers' clocks need not agree.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

# A row nobody finished (its worker died) is swept this long after it arrived.
SWEEP_AFTER = "10 minutes"

_ARRIVED = text(
    "INSERT INTO update_inbox (channel, chat_id, update_id, received_at) "
    "VALUES (:channel, :chat, :update, clock_timestamp()) ON CONFLICT DO NOTHING"
)
_EARLIER = text(
    "SELECT EXISTS (SELECT 1 FROM update_inbox WHERE channel = :channel AND chat_id = :chat "
    "AND update_id < :update AND received_at > clock_timestamp() - make_interval(secs => :hold))"
)
_DONE = text(
    "DELETE FROM update_inbox WHERE channel = :channel AND chat_id = :chat "
    f"AND (update_id = :update OR received_at < clock_timestamp() - interval '{SWEEP_AFTER}')"
)


class SqlChatTurns:
    def __init__(self, engine: AsyncEngine) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("per-chat turns across workers need PostgreSQL")
        self.engine = engine

    async def arrived(self, channel: str, chat_id: int, update_id: int) -> bool:
        async with self.engine.begin() as connection:
            noted = await connection.execute(
                _ARRIVED, {"channel": channel, "chat": chat_id, "update": update_id}
            )
        return bool(getattr(noted, "rowcount", 0))

    async def earlier_waiting(
        self, channel: str, chat_id: int, update_id: int, hold_seconds: float
    ) -> bool:
        async with self.engine.connect() as connection:
            found = await connection.scalar(
                _EARLIER,
                {"channel": channel, "chat": chat_id, "update": update_id, "hold": hold_seconds},
            )
            await connection.rollback()
        return bool(found)

    async def done(self, channel: str, chat_id: int, update_id: int) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(
                _DONE, {"channel": channel, "chat": chat_id, "update": update_id}
            )
