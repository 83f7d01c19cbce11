"""Announcements to several groups through the fake Bot API server, on both runtimes'
ports: every group gets each copy once, never more than twenty a minute per group (the
sender's limiter, on a virtual clock so the test does not wait minutes), pinned where
the bot may pin, and a correction edits every group message in place (a photo's
caption too)."""

from __future__ import annotations

import asyncio
import types
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest

from bot.app import App
from bot.channels.telegram.outbox import TelegramTransport
from bot.channels.telegram.port import TelegramPort
from bot.clock import FixedClock
from bot.domain.announcements import Announcement, Audience, ClubAudience, PostStatus
from bot.domain.clubs import Club
from bot.scheduler import limits
from bot.scheduler.announcements import AnnouncementPoster
from bot.scheduler.delivery import Transports
from bot.scheduler.limits import InProcessLimiter
from bot.services import announcements
from tests.fakes.bot_api import FakeBotAPI

GROUPS = (-1002000000701, -1002000000702, -1002000000703)
NO_PIN_RIGHT = GROUPS[2]
COPIES = 25  # announcements, each to every group: more than twenty a minute would allow


@asynccontextmanager
async def aiogram_port(api: FakeBotAPI) -> AsyncIterator[TelegramPort]:
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    from bot.channels.aiogram_runtime import AiogramPort

    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url), timeout=5)
    try:
        yield AiogramPort(Bot(api.token, session=session))
    finally:
        await session.close()


@asynccontextmanager
async def ptb_port(api: FakeBotAPI) -> AsyncIterator[TelegramPort]:
    from telegram import Bot

    from bot.channels.ptb_runtime import PtbPort

    bot = Bot(api.token, base_url=f"{api.base_url.rstrip('/')}/bot")
    await bot.initialize()
    try:
        yield PtbPort(bot)
    finally:
        await bot.shutdown()


class VirtualTime:
    """The limiter's clock and sleep: a sleep moves the clock on at once."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


class Recording:
    """The limiter, noting the (virtual) moment each group send was let through."""

    def __init__(self, inner: InProcessLimiter, time: VirtualTime) -> None:
        self.inner, self.time = inner, time
        self.let_through: dict[int, list[float]] = {}

    async def acquire(self, chat_id: int) -> None:
        await self.inner.acquire(chat_id)
        self.let_through.setdefault(chat_id, []).append(self.time.now)

    def pause(self, seconds: float) -> None:
        self.inner.pause(seconds)


@pytest.fixture
def virtual_time(monkeypatch: pytest.MonkeyPatch) -> VirtualTime:
    time = VirtualTime()
    monkeypatch.setattr(limits, "time", types.SimpleNamespace(monotonic=time.monotonic))
    monkeypatch.setattr(
        limits, "asyncio", types.SimpleNamespace(sleep=time.sleep, Lock=asyncio.Lock)
    )
    return time


async def _clubs(app: App, clock: FixedClock) -> None:
    async with app.database.uow() as uow:
        for chat_id in GROUPS:
            uow.clubs.add(
                Club(
                    channel="telegram",
                    chat_id=chat_id,
                    market="AE",
                    languages="ar,en",
                    linked_by="test",
                    linked_at=clock.now(),
                )
            )
        await uow.commit()


async def _announce(app: App, clock: FixedClock, number: int, photo: str | None = None) -> int:
    announcement = Announcement(
        texts={"ar": f"إعلان رقم {number}", "en": f"Announcement {number}"},
        audience=Audience(clubs=ClubAudience(chats=GROUPS)).to_json(),
        buttons=[],
        created_by="test",
        created_at=clock.now(),
        photo=photo,
        pin=True,
    )
    async with app.database.uow() as uow:
        await announcements.create(uow, app.reference, announcement, now=clock.now())
        await uow.commit()
    assert announcement.id is not None
    return announcement.id


@pytest.mark.parametrize("port_of", [aiogram_port, ptb_port], ids=["aiogram", "ptb"])
async def test_announcements_to_several_groups_keep_twenty_a_minute_pin_and_edit(
    app: App,
    api: FakeBotAPI,
    clock: FixedClock,
    virtual_time: VirtualTime,
    port_of: Callable[[FakeBotAPI], AsyncIterator[TelegramPort]],
) -> None:
    await _clubs(app, clock)
    api.bot_rights[NO_PIN_RIGHT] = {"can_invite_users": True}  # may post, may not pin
    first = await _announce(app, clock, 1, photo="AgACAgQAAxkBAAIBf2")
    for number in range(2, COPIES + 1):
        await _announce(app, clock, number)
    limiter = Recording(InProcessLimiter(chat_interval=0.0), virtual_time)
    async with port_of(api) as port:  # type: ignore[attr-defined]
        poster = AnnouncementPoster(
            uow_factory=app.database.uow,
            reference=app.reference,
            catalogs=app.catalogs,
            transports=Transports(TelegramTransport(port)),
            limiter=lambda _channel: limiter,
            clock=clock,
        )
        report = await poster.run_once()
        assert (report.posted, report.failed) == (COPIES * len(GROUPS), 0)
        assert await poster.run_once() == type(report)(), "each copy once"

        for chat_id in GROUPS:
            sent = [c for c in api.sent_to(chat_id) if c.ok]
            assert [c.method for c in sent] == ["sendPhoto"] + ["sendMessage"] * (COPIES - 1)
            assert sent[1].params["text"] == "إعلان رقم 2\n\n———\n\nAnnouncement 2"
            moments = limiter.let_through[chat_id]
            assert len(moments) == COPIES
            assert all(
                later - earlier >= 60.0
                for earlier, later in zip(moments, moments[20:], strict=False)
            ), "at most twenty in any minute"
        assert virtual_time.now - 1000.0 >= 60.0, "the twenty-first copy waited"
        assert sorted(api.pinned) == sorted(GROUPS[:2])
        assert all(len(api.pinned[chat_id]) == COPIES for chat_id in GROUPS[:2])

        async with app.database.uow() as uow:
            await announcements.correct(
                uow, first, {"en": "Announcement 1, corrected"}, actor="test", now=clock.now()
            )
            await announcements.correct(
                uow, 2, {"ar": "إعلان رقم 2 (مصحّح)"}, actor="test", now=clock.now()
            )
            await uow.commit()
        clock.advance(timedelta(minutes=1))
        edited = await poster.run_once()
    assert edited.edited == 2 * len(GROUPS)
    for chat_id in GROUPS:
        captions = [c for c in api.calls_to("editMessageCaption") if c.chat_id == chat_id]
        assert [c.params["caption"] for c in captions] == [
            "إعلان رقم 1\n\n———\n\nAnnouncement 1, corrected"
        ]
        [text] = api.edits_in(chat_id)
        assert text.params["text"] == "إعلان رقم 2 (مصحّح)\n\n———\n\nAnnouncement 2"
    async with app.database.uow() as uow:
        posts = await uow.announcement_posts.of_announcement(2)
        report_of_first = await announcements.report(uow, first)
    for post in posts:  # the message each group shows now, under the id that was kept
        assert post.message_id is not None
        assert api.message(post.chat_id, post.message_id)["text"].startswith("إعلان رقم 2 (مصحّح)")
    assert {p.chat_id: (p.status, p.pinned) for p in posts} == {
        GROUPS[0]: (PostStatus.SENT, True),
        GROUPS[1]: (PostStatus.SENT, True),
        NO_PIN_RIGHT: (PostStatus.SENT, False),
    }
    assert report_of_first.groups == {"sent": 3}
