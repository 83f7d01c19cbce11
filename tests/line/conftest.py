"""LINE end to end: the bot's LINE channel (the SDK, the webhook, the flows) against
the fake LINE platform in tests/fakes/line_api.py, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from bot.app import App
from bot.channels.line.events import CHANNEL
from bot.channels.line.sending import SendPolicy
from bot.channels.line.serving import LineDeps, LineParts, LineSettings, add_line_routes, build_line
from bot.channels.text import html_to_text
from bot.domain.reference import Reference
from tests.fakes.line_api import SECRET, TOKEN, FakeLine, LineUser

PUBLIC_URL = "https://bot.example.test"
FAST = SendPolicy(attempts=3, base_delay=0.01, max_retry_after=2.0)


def line_user(name: str, language: str) -> LineUser:
    return LineUser("U" + secrets.token_hex(16), name, language)


@dataclasses.dataclass
class LineBot:
    """The bot's LINE side, served on a local port the fake posts to."""

    app: App
    line: FakeLine
    parts: LineParts
    runner: web.AppRunner
    base_url: str

    async def settle(self) -> None:
        await self.parts.channel.idle()

    async def number(self, address: str, *, group: bool = False) -> int:
        """The int flows know this LINE user or group by."""
        async with self.app.database.uow() as uow:
            number = await uow.addresses.number(
                CHANNEL, address, group=group, now=self.app.clock.now()
            )
            await uow.commit()
        return number


StartLine = Callable[..., Awaitable[LineBot]]


@pytest.fixture
async def line() -> AsyncIterator[FakeLine]:
    async with FakeLine() as fake:
        yield fake


@pytest.fixture
async def start_line(app: App, line: FakeLine) -> AsyncIterator[StartLine]:
    started: list[LineBot] = []

    async def start(
        *, reference: Reference | None = None, public_url: str | None = PUBLIC_URL
    ) -> LineBot:
        bot_app = dataclasses.replace(app, reference=reference) if reference else app
        deps = LineDeps(
            settings=LineSettings(
                channel_secret=SECRET,
                access_token=TOKEN,
                api_base=line.base_url,
                data_api_base=line.base_url,
                public_url=public_url,
            ),
            dispatcher=bot_app.dispatcher(),
            uow_factory=app.database.uow,
            clock=app.clock,
            policy=FAST,
        )
        parts = build_line(deps)
        server = web.Application()
        add_line_routes(server, deps, parts)
        runner = web.AppRunner(server, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        line.webhook_url = f"{base}/webhook/line"
        bot = LineBot(bot_app, line, parts, runner, base)
        started.append(bot)
        return bot

    yield start
    for bot in started:
        await bot.parts.close()
        await bot.runner.cleanup()


@pytest.fixture
async def bot(start_line: StartLine) -> LineBot:
    return await start_line()


@dataclasses.dataclass
class LinePerson:
    """Someone writing to the bot on LINE; each step waits until the bot has answered."""

    bot: LineBot
    user: LineUser
    group: str | None = None
    mark: int = 0

    @property
    def chat(self) -> str:
        return self.group or self.user.id

    @property
    def line(self) -> FakeLine:
        return self.bot.line

    async def _post(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        self.mark = len(self.line.messages_to(self.chat))
        assert await self.line.post(event) == 200
        await self.bot.settle()
        return self.answer

    @property
    def answer(self) -> list[dict[str, Any]]:
        """The messages the bot sent this chat since the last step."""
        return self.line.messages_to(self.chat)[self.mark :]

    @property
    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.answer)

    async def follow(self) -> list[dict[str, Any]]:
        return await self._post(self.line.event(self.user, "follow"))

    async def say(self, text: str) -> list[dict[str, Any]]:
        return await self._post(self.line.text(self.user, text, group=self.group))

    async def share_location(self, lat: float, lon: float) -> list[dict[str, Any]]:
        return await self._post(self.line.location(self.user, lat, lon, group=self.group))

    async def tap(
        self, prefix: str, nth: int = 0, *, among: list[dict[str, Any]] | None = None
    ) -> list[dict[str, Any]]:
        """Press the `nth` button (quick reply or flex) whose postback starts with `prefix`."""
        codes = [
            c
            for c in postbacks(among if among is not None else self.answer)
            if c.startswith(prefix)
        ]
        assert len(codes) > nth, f"no button {prefix!r} in {postbacks(self.answer)}"
        return await self._post(self.line.postback(self.user, codes[nth], group=self.group))


def postbacks(messages: list[dict[str, Any]]) -> list[str]:
    """The postback data of every button in these messages, in order."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            action = node.get("action")
            if isinstance(action, dict) and action.get("type") == "postback":
                found.append(str(action["data"]))
            for key, value in node.items():
                if key != "action":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(messages)
    return found


def plain(messages: list[dict[str, Any]]) -> str:
    return "\n".join(html_to_text(m.get("text", "")) for m in messages)
