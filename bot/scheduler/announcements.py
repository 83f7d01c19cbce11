"""The group poster: posts each group's copy of an announcement when it is due, pins
it when asked, and edits it in place after a correction, within Telegram's limits (the
outbox sender's limiter: twenty messages a minute per group, one a second per chat).

Claims are fenced like the outbox's (a lease with a token, renewed by a heartbeat
while a send is slow), so two posters never post one copy while both are alive. The
message id Telegram gives each copy is kept: that is what a correction edits.
Owners' copies are not here: they are care outbox rows (bot/services/announcements.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from bot.clock import Clock
from bot.domain.announcements import Announcement, AnnouncementPost, PostStatus
from bot.domain.reference import Reference
from bot.i18n import Catalogs, Translator
from bot.scheduler.delivery import Delivery, Outcome, Transports
from bot.scheduler.leases import heartbeat, new_token
from bot.scheduler.limits import RateLimiter
from bot.services import announcements
from bot.services.ports import UnitOfWorkFactory
from handlers.care_messages.announcement import group_copy
from handlers.types import Screen

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # network failures before a copy is given up


@dataclass(frozen=True)
class Posted:
    delivery: Delivery
    message_id: int | None = None
    pinned: bool = False


@runtime_checkable
class GroupPoster(Protocol):
    """A channel's way to post to a group and change the post later."""

    channel: str

    async def post(self, chat_id: int, screen: Screen, pin: bool) -> Posted:
        """Send the copy (a photo carries the text as its caption); pin it when asked
        (a refused pin does not fail the post)."""
        ...

    async def edit(self, chat_id: int, message_id: int, screen: Screen) -> Delivery: ...


@dataclass
class PostReport:
    posted: int = 0
    edited: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0

    @property
    def total(self) -> int:
        return self.posted + self.edited + self.retried + self.failed + self.lost


class AnnouncementPoster:
    def __init__(
        self,
        *,
        uow_factory: UnitOfWorkFactory,
        reference: Reference,
        catalogs: Catalogs,
        transports: Transports,
        limiter: Callable[[str], RateLimiter],
        clock: Clock,
        lease: timedelta = timedelta(seconds=120),
        batch: int = 100,
    ) -> None:
        """`transports`: the channels served; those that can post to groups
        (`GroupPoster`) get their copies. `limiter(channel)`: the outbox sender's limiter
        of that channel, so group copies and care messages share one budget."""
        self.uow_factory = uow_factory
        self.reference = reference
        self.catalogs = catalogs
        self.transports = transports
        self.limiter = limiter
        self.clock = clock
        self.lease = lease
        self.batch = batch

    async def run_once(self) -> PostReport:
        report = PostReport()
        token = new_token()
        async with self.uow_factory() as uow:
            claimed = await uow.announcement_posts.claim(
                self.clock.now(), self.lease, self.batch, token
            )
            await uow.commit()
        if claimed:
            async with heartbeat(claimed, token, self.lease, self._renew):
                # Groups side by side; one group's copies in order (its limit is its own).
                by_chat: dict[tuple[str, int], list[int]] = {}
                async with self.uow_factory() as uow:
                    for post_id in claimed:
                        post = await uow.announcement_posts.leased(post_id, token)
                        if post is not None:
                            by_chat.setdefault((post.channel, post.chat_id), []).append(post_id)
                await asyncio.gather(*(self._group(ids, token, report) for ids in by_chat.values()))
        await self._refresh()
        return report

    async def _renew(self, ids: Sequence[int], token: str, lease: timedelta) -> int:
        async with self.uow_factory() as uow:
            held = await uow.announcement_posts.extend(ids, token, self.clock.now() + lease)
            await uow.commit()
        return held

    async def _group(self, ids: list[int], token: str, report: PostReport) -> None:
        for post_id in ids:
            try:
                outcome = await self._one(post_id, token)
            except Exception:
                log.exception("announcement copy %s failed unexpectedly", post_id)
                outcome = await self._settle(
                    post_id, token, Posted(Delivery(Outcome.NETWORK, detail="unexpected error"))
                )
            setattr(report, outcome, getattr(report, outcome) + 1)

    async def _one(self, post_id: int, token: str) -> str:
        async with self.uow_factory() as uow:
            post = await uow.announcement_posts.leased(post_id, token)
            if post is None:
                return "lost"
            announcement = await uow.announcements.get(post.announcement_id)
            chat_id = await uow.chat_moves.current(post.channel, post.chat_id)
            club = await uow.clubs.get(post.club_id) if post.club_id else None
        if announcement is None:
            return await self._settle(post_id, token, Posted(Delivery(Outcome.REJECTED)))
        screen = group_copy(
            self._translator(club.locales[0] if club and club.locales else None, announcement),
            announcement,
            tuple(code for code in post.locales.split(",") if code),
        )
        poster = self.transports.get(post.channel)
        if not isinstance(poster, GroupPoster):
            done = Posted(Delivery(Outcome.NETWORK, detail=f"{post.channel} is not served"))
            return await self._settle(post_id, token, done)
        await self.limiter(post.channel).acquire(chat_id)
        if post.message_id is None:
            done = await poster.post(chat_id, screen, announcement.pin)
        else:
            done = Posted(await poster.edit(chat_id, post.message_id, screen), post.message_id)
        return await self._settle(post_id, token, done, chat_id)

    def _translator(self, locale: str | None, announcement: Announcement) -> Translator:
        code = locale or next(iter(announcement.texts))
        return self.catalogs.translator(code)

    async def _settle(
        self, post_id: int, token: str, done: Posted, chat_id: int | None = None
    ) -> str:
        async with self.uow_factory() as uow:
            post = await uow.announcement_posts.leased(post_id, token)
            if post is None:
                return "lost"
            outcome = _apply(post, done, self.clock.now())
            if done.delivery.outcome is Outcome.MOVED and done.delivery.new_chat_id is not None:
                moved_from = chat_id if chat_id is not None else post.chat_id
                await uow.chat_moves.record(
                    post.channel, moved_from, done.delivery.new_chat_id, self.clock.now()
                )
            await uow.commit()
        return outcome

    async def _refresh(self) -> None:
        async with self.uow_factory() as uow:
            for announcement in await uow.announcements.unfinished():
                await announcements.refresh_status(uow, announcement)
            await uow.commit()


def _apply(post: AnnouncementPost, done: Posted, now: datetime) -> str:
    delivery = done.delivery
    editing = post.message_id is not None
    post.lease_until = None
    if delivery.outcome is Outcome.SENT:
        post.status, post.needs_edit, post.last_error = PostStatus.SENT, False, ""
        if not editing:
            post.message_id, post.sent_at = done.message_id, now
            post.pinned = done.pinned
        return "edited" if editing else "posted"
    if delivery.outcome in (Outcome.RETRY_AFTER, Outcome.CHAT_RETRY_AFTER, Outcome.MOVED):
        _again(post, now + timedelta(seconds=max(delivery.retry_after, 1.0)), delivery.detail)
        post.attempts = max(post.attempts - 1, 0)
        return "retried"
    if delivery.outcome in (Outcome.NETWORK, Outcome.PAUSED) and post.attempts < MAX_ATTEMPTS:
        _again(post, now + timedelta(seconds=min(30 * 2**post.attempts, 1800)), delivery.detail)
        return "retried"
    reason = f"gave up: {delivery.detail or delivery.outcome.value}"[:300]
    if editing:  # the copy stays as it was: the correction is what failed
        post.status, post.needs_edit, post.last_error = PostStatus.SENT, False, reason
    else:
        post.status, post.last_error = PostStatus.FAILED, reason
    log.warning("an announcement copy to a group was given up (%s)", reason)
    return "failed"


def _again(post: AnnouncementPost, at: datetime, reason: str) -> None:
    # An edit waits as a sent copy still marked for editing; a post waits as pending.
    post.status = PostStatus.SENT if post.message_id is not None else PostStatus.PENDING
    post.due_at = at
    post.last_error = reason[:300]
