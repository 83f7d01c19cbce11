"""End-to-end: a real Telegram runtime (aiogram or PTB) against the fake Bot API server.

The `runtime` fixture runs every test that starts a bot on aiogram and on PTB;
`start_bot` runs `run_telegram` in the test's event loop with fast timeouts and stops
it gracefully at the end.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import shutil
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from pydantic import SecretStr

from bot.app import App, telegram_deps
from bot.channels.runtime import run_telegram
from bot.channels.telegram.options import TelegramOptions
from bot.channels.telegram.retry import RetryPolicy
from bot.i18n import Catalogs
from handlers.codes import ButtonCode
from handlers.codes.booking import (
    ChooseCenter,
    ChooseDay,
    ChooseTime,
    ChooseTransport,
    ConfirmBooking,
    ServicesChosen,
    SkipMileage,
    SkipNotes,
)
from handlers.commands import command_menu
from tests.conftest import LOCALES
from tests.fakes.bot_api import SENDS, Call, FakeBotAPI, TgChat, TgUser

DEMO_BANGKOK = "+66812345678"  # สมชาย, an Aurora X7 (see bot/demo/data.py)

# Small timeouts and back-off so faults cost milliseconds, not seconds.
FAST = TelegramOptions(
    retry=RetryPolicy(attempts=3, base_delay=0.05, max_delay=0.2, max_retry_after=5),
    request_timeout=1.0,
    poll_timeout=1,
    max_concurrency=16,
    drain_timeout=3.0,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


RUNTIMES = ("aiogram", "ptb")


@pytest.fixture(params=RUNTIMES)
def runtime(request: pytest.FixtureRequest) -> str:
    """Every test that starts a bot runs on both runtimes."""
    return str(request.param)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        yield fake


@dataclasses.dataclass
class RunningBot:
    app: App
    api: FakeBotAPI
    task: asyncio.Task[None]
    stop_event: asyncio.Event

    async def stop(self) -> None:
        self.stop_event.set()
        await asyncio.wait_for(asyncio.shield(self.task), 15)


StartBot = Callable[..., Awaitable[RunningBot]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def telegram_app(
    app: App, api: FakeBotAPI, runtime: str, *, webhook: bool = False, secret: str = "s3cret-token"
) -> App:
    """The test's app, pointed at the fake server."""
    update: dict[str, Any] = {
        "telegram_bot_token": SecretStr(api.token),
        "telegram_api_base": api.base_url,
        "runtime": runtime,
    }
    if webhook:
        port = free_port()
        update |= {
            "webhook_url": f"http://127.0.0.1:{port}/telegram/hook",
            "webhook_secret": SecretStr(secret),
            "webhook_listen": "127.0.0.1",
            "webhook_port": port,
        }
    return dataclasses.replace(app, settings=app.settings.model_copy(update=update))


RUNTIME_MODULES = {"aiogram": "bot.channels.aiogram_runtime", "ptb": "bot.channels.ptb_runtime"}


@pytest.fixture
async def start_bot(app: App, api: FakeBotAPI, runtime: str) -> AsyncIterator[StartBot]:
    running: list[RunningBot] = []

    async def start(
        *,
        webhook: bool = False,
        options: TelegramOptions = FAST,
        catalogs: Catalogs | None = None,
    ) -> RunningBot:
        # The first start in a process imports the library: done here, before the
        # clock below starts (on a busy machine, or a first run that compiles the
        # library's bytecode, the import alone took longer than any wait for the bot).
        importlib.import_module(RUNTIME_MODULES[runtime])
        bot_app = telegram_app(app, api, runtime, webhook=webhook)
        if catalogs is not None:
            bot_app = dataclasses.replace(bot_app, catalogs=catalogs)
        stop = asyncio.Event()
        task = asyncio.create_task(run_telegram(telegram_deps(bot_app), options=options, stop=stop))
        bot = RunningBot(bot_app, api, task, stop)
        running.append(bot)
        ready = (lambda: api.webhook.get("url")) if webhook else (lambda: api.polls)
        await api.wait_for(lambda: ready() or task.done(), within=30)
        if task.done():
            task.result()  # raises what stopped it
        return bot

    yield start
    for bot in running:
        await bot.stop()


LONDON = "GB-LON-01"


@pytest.fixture
def staff_chat(app: App) -> int:
    """The London center's staff group."""
    chat = app.reference.dealers[LONDON].staff_chat_id
    assert chat is not None
    return chat


@pytest.fixture
async def bot(start_bot: StartBot) -> RunningBot:
    """A bot on long polling."""
    return await start_bot()


# --- reading what the bot sent ----------------------------------------------------------


def markup_of(call: Call) -> dict[str, Any]:
    return call.params.get("reply_markup") or {}


def button_data(call: Call, label_part: str) -> str:
    for row in markup_of(call).get("inline_keyboard", []):
        for button in row:
            if label_part in button["text"]:
                return str(button["callback_data"])
    raise AssertionError(f"no button with {label_part!r} in {markup_of(call)}")


async def next_send(api: FakeBotAPI, chat_id: int, after: int, within: float = 5.0) -> Call:
    """The first message sent to the chat after the first `after` ones."""
    sent = await api.wait_for(lambda: api.sent_to(chat_id)[after:], within)
    return sent[0]


@dataclasses.dataclass
class Person:
    """Someone talking to the bot through the fake server, in a private chat or in
    `group`. Each step waits for the bot's answer to it before the next one."""

    api: FakeBotAPI
    user: TgUser
    group: TgChat | None = None
    mark: int = 0  # the number of calls the server had seen before the last step

    @property
    def chat_id(self) -> int:
        return self.group.id if self.group is not None else self.user.id

    def answered(self) -> list[Call]:
        """What the bot sent or edited in this chat since the last step."""
        shown = (*SENDS, "editMessageText")
        return [
            c
            for c in self.api.calls[self.mark :]
            if c.ok and c.chat_id == self.chat_id and c.method in shown
        ]

    async def answer(self, within: float = 5.0) -> list[Call]:
        """All the bot's answer to the last step: at least one message, then quiet."""
        await self.api.wait_for(self.answered, within)
        await self.api.settle(quiet=0.1)
        return self.answered()

    def _step(self) -> None:
        self.mark = len(self.api.calls)

    async def command(self, name: str, args: str = "") -> list[Call]:
        self._step()
        self.api.command(self.user, name, args, chat=self.group)
        return await self.answer()

    async def say(self, text: str, *, reply_to: int | None = None) -> list[Call]:
        """Write `text`; `reply_to`: as a reply to that message of this chat."""
        self._step()
        self.api.user_text(self.user, text, chat=self.group, reply_to=reply_to)
        return await self.answer()

    async def share_contact(self, phone: str) -> list[Call]:
        self._step()
        self.api.contact(self.user, phone, self.user.id)
        return await self.answer()

    async def send_photo(self, file_id: str) -> list[Call]:
        self._step()
        self.api.photo(self.user, [f"{file_id}-thumb", file_id])
        return await self.answer()

    async def tap(self, button: type[ButtonCode], within: float = 5.0) -> list[Call]:
        """Press a button carrying a `button` code among those the bot showed in this
        chat since the last step (codes stay, labels are translated)."""
        code = (await self.api.wait_for(lambda: self._codes(button), within))[0]
        return await self.press(code)

    async def press(self, code: str) -> list[Call]:
        """Press the button carrying exactly `code` on the latest message showing it."""
        message_id = max(
            mid
            for (cid, mid), message in self.api.messages.items()
            if cid == self.chat_id and code in _codes_of(message.get("reply_markup") or {})
        )
        self._step()
        self.api.press(self.user, code, message_id, chat=self.group)
        return await self.answer()

    def _codes(self, button: type[ButtonCode]) -> list[str]:
        return [
            code
            for call in self.answered()
            for code in _codes_of(markup_of(call))
            if code == button.prefix or code.startswith(f"{button.prefix}:")
        ]


def _codes_of(markup: dict[str, Any]) -> list[str]:
    return [
        str(b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row
    ]


def thai_test_catalogs(tmp_path: Path) -> Catalogs:
    """The shipped catalogs, with a Thai one whose command descriptions are marked, so
    a test can tell Thai from English whatever the translators have done so far."""
    root = tmp_path / "locales"
    for mo in LOCALES.glob("*/LC_MESSAGES/messages.mo"):
        target = root / mo.relative_to(LOCALES)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(mo, target)
    catalog = Catalog(locale="th", domain="messages")
    for _command, description in command_menu(_SourceText()):  # type: ignore[arg-type]
        catalog.add(description, f"ไทย: {description}")
    with (root / "th" / "LC_MESSAGES" / "messages.mo").open("wb") as out:
        write_mo(out, catalog)
    return Catalogs(root)


class _SourceText:
    """Stands in for a Translator to read the English source strings."""

    def _(self, message: str, **_values: object) -> str:
        return message


# --- WhatsApp (tests/e2e/channels_kit.py) -------------------------------------------------


@pytest.fixture
async def wa() -> AsyncIterator[Any]:
    from tests.fakes.whatsapp_api import FakeWhatsApp

    async with FakeWhatsApp() as fake:
        yield fake


BOOKING_STEPS: tuple[type[ButtonCode], ...] = (
    SkipMileage,
    ServicesChosen,
    ChooseCenter,
    ChooseDay,
    ChooseTime,
    ChooseTransport,
    SkipNotes,
)


async def book_first_free_slot(owner: Person, phone: str) -> list[Call]:
    """The owner links by `phone` and books the first offered: center, day and time;
    the bot's answer to the confirmation."""
    await owner.command("start")
    await owner.share_contact(phone)
    await owner.command("book")
    for step in BOOKING_STEPS:
        await owner.tap(step)
    return await owner.tap(ConfirmBooking)
