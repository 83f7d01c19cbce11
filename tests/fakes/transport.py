"""A fake chat transport for sender tests: records what was delivered, and answers
with whatever outcomes a test scripts (429, 403, network errors)."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.channels.text import html_to_text
from bot.scheduler.sender import Delivery, Outcome
from handlers.types import Screen


@dataclass
class Sent:
    chat_id: int
    text: str


@dataclass
class FakeTransport:
    channel: str = "console"
    sent: list[Sent] = field(default_factory=list)
    script: deque[Delivery] = field(default_factory=deque)

    def fail_next(self, *deliveries: Delivery) -> None:
        self.script.extend(deliveries)

    async def deliver(self, chat_id: int, screens: Sequence[Screen]) -> Delivery:
        if self.script:
            outcome = self.script.popleft()
            if outcome.outcome is not Outcome.SENT:
                return outcome
        self.sent.append(Sent(chat_id, "\n".join(html_to_text(s.text) for s in screens)))
        return Delivery(Outcome.SENT)

    def to(self, chat_id: int) -> list[str]:
        return [s.text for s in self.sent if s.chat_id == chat_id]


class NoLimits:
    """A limiter that never waits (the limiter has its own tests)."""

    paused: float = 0.0

    async def acquire(self, chat_id: int) -> None:
        return None

    def pause(self, seconds: float) -> None:
        self.paused = max(self.paused, seconds)
