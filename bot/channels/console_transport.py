"""Care messages for the console channel: printed, as a chat would show them. With a
`ScreenMemory` a message's buttons become its chat's last screen, so the owner's next
console run presses them with `#N`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from bot.channels.console import ScreenMemory, numbered_buttons
from bot.channels.text import message_lines
from bot.scheduler.announcements import Posted
from bot.scheduler.delivery import Delivery, Outcome
from bot.services.ports import ShownButtons
from handlers.types import Screen


class ConsoleTransport:
    channel = "console"

    def __init__(self, out: TextIO | None = None, memory: ScreenMemory | None = None) -> None:
        # sys.stdout as it is now, not at import: the CLI's test runner swaps it.
        self.out = out if out is not None else sys.stdout
        self.memory = memory

    async def deliver(self, chat_id: int, screens: Sequence[Screen]) -> Delivery:
        for screen in screens:
            print(f"[to chat {chat_id}]", file=self.out)
            for line in message_lines(screen):
                print(line, file=self.out)
            rows, pairs = numbered_buttons(screen)
            for row in rows:
                print(row, file=self.out)
            print("", file=self.out, flush=True)
            if pairs and self.memory is not None:
                before = await self.memory.last(chat_id)
                shown = ShownButtons((before.message_id if before else 0) + 1, pairs)
                await self.memory.remember(chat_id, shown)
        return Delivery(Outcome.SENT)

    # The group poster's (bot/scheduler/announcements.py): announcements to groups.

    async def post(self, chat_id: int, screen: Screen, pin: bool) -> Posted:
        await self.deliver(chat_id, [screen])
        if pin:
            print(f"(pinned in chat {chat_id})", file=self.out, flush=True)
        message_id = 1
        if self.memory is not None:
            last = await self.memory.last(chat_id)
            message_id = last.message_id if last is not None else 1
        return Posted(Delivery(Outcome.SENT), message_id, pinned=pin)

    async def edit(self, chat_id: int, message_id: int, screen: Screen) -> Delivery:
        print(f"[edited in chat {chat_id}]", file=self.out)
        for line in message_lines(screen):
            print(line, file=self.out)
        print("", file=self.out, flush=True)
        return Delivery(Outcome.SENT)
