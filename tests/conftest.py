"""Shared fixtures: a migrated SQLite database with the demo data, a fixed clock, and a
console chat to drive whole conversations."""

from __future__ import annotations

import io
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.app import App, build_app, prepare_database
from bot.channels.console import CHANNEL, ConsoleChannel
from bot.channels.console_files import AttachmentFolder
from bot.channels.text import html_to_text
from bot.clock import Clock, FixedClock
from bot.config import PROJECT_ROOT, Settings
from bot.data import load_reference
from bot.domain.reference import Reference
from bot.services.console_screens import ScreenMemory
from bot.services.ports import UnitOfWork
from handlers.codes import MAX_CODE_BYTES, ButtonCode
from handlers.types import Event, EventKind, Screen
from tests.fakes.uow import FakeApp

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
LOCALES = PROJECT_ROOT / "locales"


def _compile_catalogs() -> None:
    """`make test` compiles the catalogs; this keeps a bare `pytest` working too."""
    for po in LOCALES.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        with mo.open("wb") as out:
            write_mo(out, catalog)


_compile_catalogs()


@pytest.fixture(autouse=True)
def _logging_restored() -> Iterator[None]:
    """A test that runs the CLI sets the root logger to write to pytest's captured
    stderr, which is closed after the test: later tests on the same worker would log
    into a closed file ("Logging error" tracebacks). Put the root logger back."""
    import logging

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def _template(factory: pytest.TempPathFactory, name: str, *, seed_demo: bool) -> Path:
    """A migrated database (with the demo data if asked) that tests copy."""
    import asyncio

    path = factory.mktemp(name) / f"{name}.db"

    async def build() -> None:
        app = build_app(Settings(database_url=sqlite_url(path)), FixedClock(NOW))
        await prepare_database(app, seed_demo_if_empty=seed_demo)
        await app.close()

    asyncio.run(build())
    return path


async def _app_on_a_copy(template: Path, tmp_path: Path, clock: FixedClock) -> AsyncIterator[App]:
    path = tmp_path / "ownerbot.db"
    shutil.copy(template, path)
    # The care scheduler is tested on its own; here it would send into every runtime test.
    application = build_app(Settings(database_url=sqlite_url(path), care_scheduler=False), clock)
    yield application
    await application.close()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database with the demo data; each test gets a copy."""
    return _template(tmp_path_factory, "template", seed_demo=True)


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database with the shipped dealers and rewards and nobody in it."""
    return _template(tmp_path_factory, "empty", seed_demo=False)


@pytest.fixture
async def app(tmp_path: Path, seeded_template: Path, clock: FixedClock) -> AsyncIterator[App]:
    """An app on a copy of the demo database (flows, storage and the demo's own tests)."""
    async for application in _app_on_a_copy(seeded_template, tmp_path, clock):
        yield application


@pytest.fixture
async def empty_app(tmp_path: Path, empty_template: Path, clock: FixedClock) -> AsyncIterator[App]:
    """An app on a database without the demo data: tests build what they need."""
    async for application in _app_on_a_copy(empty_template, tmp_path, clock):
        yield application


@pytest.fixture
def fake_app(clock: FixedClock) -> FakeApp:
    """The services over a fake unit of work: no database, no demo."""
    return FakeApp.build(load_reference(), clock)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


class Opens(Protocol):
    def uow(self) -> UnitOfWork: ...


class Services(Protocol):
    """What service tests and their helpers use of an app: `App` on a database, or
    `tests.fakes.uow.FakeApp` in memory."""

    @property
    def reference(self) -> Reference: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def database(self) -> Opens: ...


async def commit_as_of(app: Services, uow: UnitOfWork, at: datetime) -> None:
    """Commit with the app's clock at `at`, so subscribers react as of that moment (a
    test replaying history); the clock goes back to where it was."""
    clock = app.clock
    assert isinstance(clock, FixedClock)
    before = clock.now()
    clock.set(at)
    try:
        await uow.commit()
    finally:
        clock.set(before)


def check_screen_limits(screens: Sequence[Screen]) -> None:
    """What Telegram would refuse must never leave a flow."""
    for screen in screens:
        assert len(screen.text) <= 4096, screen.text[:80]
        if screen.attachment is not None:
            assert len(screen.attachment.caption) <= 1024
        for row in screen.buttons:
            for button in row:
                assert len(button.code.encode()) <= MAX_CODE_BYTES, button.code
                assert button.label


class Chat:
    """A person talking to the bot through the console channel."""

    def __init__(
        self,
        app: App,
        *,
        user_id: int,
        lang: str = "",
        name: str = "",
        group_chat_id: int | None = None,
        remember: bool = False,
        files: Path | None = None,
    ) -> None:
        """`group_chat_id`: this person speaks in a group (a dealer's staff chat).
        `remember`: chats' last screens are kept in the database, as the `ownerbot
        console` command keeps them (a new Chat is then a new console process).
        `files`: attachments are saved in this folder (`--files`)."""
        self.out = io.StringIO()
        clock = app.clock if isinstance(app.clock, FixedClock) else None
        self.console = ConsoleChannel(
            app.dispatcher(),
            user_id=user_id,
            language_code=lang,
            first_name=name,
            clock=clock,
            out=self.out,
            echo=True,
            group_chat_id=group_chat_id,
            memory=ScreenMemory(app.database.uow, app.clock) if remember else None,
            files=AttachmentFolder(files) if files is not None else None,
        )
        self.chat_id = self.console.chat_id
        self.screens: list[Screen] = []

    def receive(self, screens: Sequence[Screen]) -> list[Screen]:
        """Show this chat what others' updates posted to it (a staff card, an owner's
        notice), so its buttons can be pressed next."""
        mine = [s for s in screens if s.chat_id == self.chat_id]
        for screen in mine:
            self.console.show(screen)
        if mine:
            self.screens = mine
        return mine

    async def say(self, line: str) -> list[Screen]:
        screens = list(await self.console.say(line))
        check_screen_limits(screens)
        self.screens = screens
        return screens

    async def press(self, label_part: str) -> list[Screen]:
        await self.console.recall()
        labels = self.console.button_labels
        matches = [i for i, label in enumerate(labels, 1) if label_part in label]
        assert matches, f"no button with {label_part!r} in {labels}"
        return await self.say(f"#{matches[0]}")

    async def tap(self, code_prefix: str, nth: int = 0) -> list[Screen]:
        """Press the `nth` button whose callback code starts with `code_prefix` (codes
        don't change with the language, labels do)."""
        await self.console.recall()
        codes = self.console.button_codes
        matches = [i for i, code in enumerate(codes, 1) if code.startswith(code_prefix)]
        assert len(matches) > nth, f"no button {code_prefix!r} in {codes}"
        return await self.say(f"#{matches[nth]}")

    async def press_code(self, code: str | ButtonCode) -> list[Screen]:
        """Press a button carrying `code` that is not on the last screen: one from an old
        message, or a forged one (a raw string may be anything at all)."""
        console = self.console
        event = Event(
            channel=CHANNEL,
            update_id=f"press-{secrets.token_hex(6)}",
            user_id=console.user_id,
            chat_id=console.chat_id,
            kind=EventKind.BUTTON,
            chat_kind=console.chat_kind,
            language_code=console.language_code,
            first_name=console.first_name,
            button=code if isinstance(code, str) else code.pack(),
            message_id=1,
        )
        screens = list(await console.dispatcher.handle(event))
        for screen in screens:
            console.show(screen)
        check_screen_limits(screens)
        self.screens = screens
        return screens

    def codes(self, prefix: str = "") -> list[str]:
        return [c for c in self.console.button_codes if c.startswith(prefix)]

    @property
    def text(self) -> str:
        """What the person reads on the last answer (markup removed)."""
        return "\n".join(html_to_text(s.text) for s in self.screens)

    @property
    def html(self) -> str:
        """The last answer as sent, markup and escaping included."""
        return "\n".join(s.text for s in self.screens)

    @property
    def transcript(self) -> str:
        return self.out.getvalue()


class ChatFactory(Protocol):
    def __call__(self, user_id: int = 5001, lang: str = "en", name: str = "") -> Chat: ...


@pytest.fixture
def chat_factory(app: App) -> ChatFactory:
    def make(user_id: int = 5001, lang: str = "en", name: str = "") -> Chat:
        return Chat(app, user_id=user_id, lang=lang, name=name)

    return make
