"""LINE's monthly push quota: replies are free, pushes count (one per push request
and recipient). We know the month's limit and use from the API, count our own pushes
in between, and pause pushing when the quota is used up: a critical log line, and
no push until the next look, when the plan may have been raised."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.channels.line.api import LineApi, LineError
from bot.clock import Clock

log = logging.getLogger(__name__)

LOOK_EVERY = timedelta(minutes=10)


class PushQuota:
    def __init__(self, api: LineApi, clock: Clock, look_every: timedelta = LOOK_EVERY) -> None:
        self.api = api
        self.clock = clock
        self.look_every = look_every
        self.limit: int | None = None
        self.used = 0
        self.paused_until: datetime | None = None
        self._looked_at: datetime | None = None

    async def allows_push(self) -> bool:
        """Whether a push may go now (looking at the API when the last look is old)."""
        now = self.clock.now()
        if self.paused_until is not None and now < self.paused_until:
            return False
        if self._looked_at is None or now - self._looked_at >= self.look_every:
            await self._look(now)
        if self.limit is not None and self.used >= self.limit:
            self.exhausted()
            return False
        return True

    def counted(self) -> None:
        """A push was accepted."""
        self.used += 1

    def exhausted(self) -> None:
        """LINE said the month's messages are used up (or our count says so)."""
        now = self.clock.now()
        if self.paused_until is None or now >= self.paused_until:
            log.critical(
                "LINE push quota exhausted (%s of %s used this month): pushes paused; "
                "replies still go out. Raise the plan in LINE Official Account Manager.",
                self.used,
                self.limit if self.limit is not None else "?",
            )
        self.paused_until = now + self.look_every
        self._looked_at = None  # look again when the pause ends

    def seconds_paused(self) -> float:
        if self.paused_until is None:
            return 0.0
        return max((self.paused_until - self.clock.now()).total_seconds(), 0.0)

    async def _look(self, now: datetime) -> None:
        try:
            quota = await self.api.quota()
        except LineError as error:
            log.warning("LINE quota look-up failed: %s", error.description)
            return
        self.limit, self.used, self._looked_at = quota.limit, quota.used, now
