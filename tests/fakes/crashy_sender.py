"""A sender process for the crash test: delivers outbox messages to a file, and on the
Nth delivery writes it, reports "in flight" and hangs, waiting to be killed with -9.

    python -m tests.fakes.crashy_sender DATABASE_URL DELIVERIES_FILE HANG_AT
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.app import build_app
from bot.config import Settings
from bot.scheduler.sender import Delivery, Outcome, Sender
from handlers.care_messages import renderer_for
from handlers.types import Screen
from tests.fakes.transport import NoLimits


class FileTransport:
    channel = "console"

    def __init__(self, path: Path, hang_at: int) -> None:
        self.path = path
        self.hang_at = hang_at
        self.count = 0

    async def deliver(self, chat_id: int, screens: Sequence[Screen]) -> Delivery:
        self.count += 1
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"chat": chat_id, "text": screens[0].text}) + "\n")
        if self.count == self.hang_at:
            print("in flight", flush=True)
            await asyncio.sleep(3600)  # the message went out; the process dies before recording it
        return Delivery(Outcome.SENT)


async def main(url: str, deliveries: str, hang_at: int) -> None:
    app = build_app(Settings(database_url=url))
    sender = Sender(
        uow_factory=app.database.uow,
        reference=app.reference,
        transport=FileTransport(Path(deliveries), hang_at),
        limiter=NoLimits(),
        clock=app.clock,
        render=renderer_for(app.catalogs, app.reference, app.clock.now),
        concurrency=1,
    )
    while True:
        await sender.run_once()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
