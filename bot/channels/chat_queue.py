"""Per-chat order for channels whose updates arrive by webhook (WhatsApp, LINE):
each chat's items are handled one at a time in arrival order, different chats at once
(up to `max_concurrency`). Nothing raises out of `submit`: a failed item is logged."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")


class ChatQueue(Generic[Item]):
    def __init__(
        self,
        work: Callable[[Item], Awaitable[None]],
        *,
        max_concurrency: int = 64,
        drain_timeout: float = 10.0,
    ) -> None:
        self.work = work
        self.drain_timeout = drain_timeout
        self._queues: dict[Hashable, deque[Item]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(max_concurrency)

    def submit(self, chat: Hashable, item: Item) -> None:
        queue = self._queues.get(chat)
        if queue is not None:
            queue.append(item)
            return
        queue = self._queues[chat] = deque([item])
        worker = asyncio.create_task(self._drain(chat, queue))
        self._workers.add(worker)
        worker.add_done_callback(self._workers.discard)

    @property
    def busy(self) -> bool:
        return bool(self._workers)

    async def idle(self) -> None:
        """Wait until every item taken so far is handled (tests, shutdown)."""
        while self._workers:
            await asyncio.gather(*set(self._workers), return_exceptions=True)

    async def close(self) -> None:
        """Finish the items already taken (up to drain_timeout), then stop."""
        if not self._workers:
            return
        _done, pending = await asyncio.wait(set(self._workers), timeout=self.drain_timeout)
        for worker in pending:
            worker.cancel()
        if pending:
            log.warning("shutdown: %d chats still busy were cancelled", len(pending))
            await asyncio.gather(*pending, return_exceptions=True)

    async def _drain(self, chat: Hashable, queue: deque[Item]) -> None:
        try:
            while queue:
                async with self._slots:
                    try:
                        await self.work(queue[0])
                    except asyncio.CancelledError:
                        raise
                    except Exception:
                        log.exception("a chat's update failed; dropped")
                queue.popleft()
        finally:
            self._queues.pop(chat, None)
