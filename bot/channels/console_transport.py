"""Care messages for the console channel: printed, as a chat would show them."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from bot.channels.text import message_lines
from bot.scheduler.sender import Delivery, Outcome
from handlers.types import Screen


class ConsoleTransport:
    channel = "console"

    def __init__(self, out: TextIO | None = None) -> None:
        # sys.stdout as it is now, not at import: the CLI's test runner swaps it.
        self.out = out if out is not None else sys.stdout

    async def deliver(self, chat_id: int, screens: Sequence[Screen]) -> Delivery:
        for screen in screens:
            print(f"[to chat {chat_id}]", file=self.out)
            for line in message_lines(screen):
                print(line, file=self.out)
            labels = [b.label for row in screen.buttons for b in row]
            if labels:
                print("  " + "   ".join(f"[{label}]" for label in labels), file=self.out)
            print("", file=self.out, flush=True)
        return Delivery(Outcome.SENT)
