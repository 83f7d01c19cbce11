"""End-to-end: a real Telegram runtime (aiogram or PTB) against the fake Bot API server.

Each test file sets the `runtime` fixture; `start_bot` runs `run_telegram` in the
test's event loop with fast timeouts and stops it gracefully at the end. The
scenarios both runtimes must pass live here, so the two test files stay thin.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
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
from bot.channels.telegram.updates import events_from_update
from bot.i18n import SHIPPED_LOCALES, Catalogs
from handlers.commands import command_menu
from handlers.types import ChatKind, Contact, Event, EventKind, Location
from tests.conftest import LOCALES
from tests.fakes.bot_api import Call, FakeBotAPI, TgChat, TgUser

DEMO_BANGKOK = "+66812345678"  # สมชาย, an Aurora X7 (see bot/services/demo.py)

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


@pytest.fixture
async def start_bot(app: App, api: FakeBotAPI, runtime: str) -> AsyncIterator[StartBot]:
    running: list[RunningBot] = []

    async def start(
        *,
        webhook: bool = False,
        options: TelegramOptions = FAST,
        catalogs: Catalogs | None = None,
    ) -> RunningBot:
        bot_app = telegram_app(app, api, runtime, webhook=webhook)
        if catalogs is not None:
            bot_app = dataclasses.replace(bot_app, catalogs=catalogs)
        stop = asyncio.Event()
        task = asyncio.create_task(run_telegram(telegram_deps(bot_app), options=options, stop=stop))
        bot = RunningBot(bot_app, api, task, stop)
        running.append(bot)
        ready = (lambda: api.webhook.get("url")) if webhook else (lambda: api.polls)
        await api.wait_for(lambda: ready() or task.done(), within=10)
        if task.done():
            task.result()  # raises what stopped it
        return bot

    yield start
    for bot in running:
        await bot.stop()


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


# --- how updates become events (parsed by either library) ------------------------------


def sample_updates() -> dict[str, dict[str, Any]]:
    """One update of each kind, as the fake server builds them (no server needed)."""
    fake = FakeBotAPI()
    ana = TgUser(6001, "Ana", "pt-br")
    club = TgChat(-100777)
    return {
        "command": fake.command(ana, "Start", "club", mention="ownerbot_test_bot"),
        "other_bot": fake.command(ana, "help", chat=club, mention="another_bot"),
        "text": fake.user_text(ana, "hello <b>there</b>"),
        "group_text": fake.user_text(ana, "hi all", chat=club),
        "contact": fake.contact(ana, "+66812345678", ana.id),
        "location": fake.location(ana, 13.75, 100.5),
        "photo": fake.photo(ana, ["small", "medium", "large"], caption="my car"),
        "press": fake.press(ana, "menu:home", 41),
        "joined": fake.member_joined(
            club,
            TgUser(6002, "Bo", "th"),
            TgUser(6003, "HelperBot", is_bot=True),
            TgUser(6004, "Cy"),
        ),
    }


def check_events(parse: Callable[[dict[str, Any]], Any]) -> None:
    """`parse` turns update JSON into the library's Update object."""
    updates = sample_updates()

    def events(name: str) -> list[Event]:
        return events_from_update(parse(updates[name]), "ownerbot_test_bot")

    [command] = events("command")
    assert (command.kind, command.command, command.text) == (EventKind.COMMAND, "start", "club")
    assert command.channel == "telegram"
    assert command.update_id == str(updates["command"]["update_id"])
    assert (command.user_id, command.chat_id, command.chat_kind) == (6001, 6001, ChatKind.PRIVATE)
    assert (command.language_code, command.first_name) == ("pt-br", "Ana")
    assert events("other_bot") == []
    [text] = events("text")
    assert (text.kind, text.text) == (EventKind.TEXT, "hello <b>there</b>")
    [group_text] = events("group_text")
    assert (group_text.chat_kind, group_text.chat_id) == (ChatKind.GROUP, -100777)
    [contact] = events("contact")
    assert contact.contact == Contact("+66812345678", 6001)
    [location] = events("location")
    assert location.location == Location(13.75, 100.5)
    [photo] = events("photo")
    assert (photo.kind, photo.photo_id, photo.text) == (EventKind.PHOTO, "large", "my car")
    [press] = events("press")
    assert (press.kind, press.button, press.message_id) == (EventKind.BUTTON, "menu:home", 41)
    joined = events("joined")
    uid = updates["joined"]["update_id"]
    assert [(e.kind, e.user_id, e.update_id) for e in joined] == [
        (EventKind.MEMBER_JOINED, 6002, f"{uid}.0"),
        (EventKind.MEMBER_JOINED, 6004, f"{uid}.1"),
    ]
    assert joined[0].chat_id == -100777
    assert joined[0].language_code == "th"


# --- scenarios both runtimes must pass --------------------------------------------------


async def scenario_onboarding(api: FakeBotAPI) -> None:
    """/start -> contact keyboard; the demo owner's contact -> linked + consent buttons;
    Yes / No edit the consent message; then the menu."""
    alice = TgUser(5001, "Alice", "en")
    api.command(alice, "start")
    greeting = await next_send(api, alice.id, 0)
    assert greeting.params["parse_mode"] == "HTML"
    assert "owners' assistant" in greeting.params["text"]
    keyboard = markup_of(greeting)["keyboard"]
    assert keyboard[0][0]["request_contact"] is True

    api.command(alice, "language")  # English on purpose: the demo owner is Thai on file
    picker = await next_send(api, alice.id, 1)
    api.press(alice, button_data(picker, "English"), api.last_message_id(alice.id))
    await api.wait_for(lambda: api.edits_in(alice.id))
    await next_send(api, alice.id, 2)  # the phone request again

    api.contact(alice, DEMO_BANGKOK, alice.id)
    linked = await next_send(api, alice.id, 3)
    assert "Aurora X7" in linked.params["text"]
    assert markup_of(linked) == {"remove_keyboard": True}
    consent = await next_send(api, alice.id, 4)
    assert "service messages" in consent.params["text"]
    consent_id = api.last_message_id(alice.id)

    api.press(alice, button_data(consent, "Yes"), consent_id)
    marketing = (await api.wait_for(lambda: api.edits_in(alice.id)[1:]))[0]
    assert marketing.params["message_id"] == consent_id
    assert "news, offers" in marketing.params["text"]
    assert "news, offers" in api.message(alice.id, consent_id)["text"]

    api.press(alice, button_data(marketing, "No"), consent_id)
    done = (await api.wait_for(lambda: api.edits_in(alice.id)[2:]))[0]
    assert "all set" in done.params["text"]
    menu = await next_send(api, alice.id, 5)
    assert "What would you like to do?" in menu.params["text"]
    await api.settle()
    assert len(api.sent_to(alice.id)) == 6, "nothing sent twice"
    assert list(api.answered.values()) == [1, 1, 1], "each press answered exactly once"


async def scenario_command_menus(api: FakeBotAPI) -> None:
    await api.wait_for(lambda: len(api.commands) == 1 + len(SHIPPED_LOCALES))
    expected_codes = {None, "en", "es", "pt", "ru", "ar", "th", "id", "tr", "de", "zh"}
    assert set(api.commands) == expected_codes
    default = {c["command"]: c["description"] for c in api.commands[None]}
    thai = {c["command"]: c["description"] for c in api.commands["th"]}
    assert default["menu"] == "Main menu"
    assert thai["menu"] == "ไทย: Main menu"
    assert set(thai) == set(default)
    assert all(d.startswith("ไทย: ") for d in thai.values())
    assert api.commands["en"] == api.commands[None]


async def scenario_retry_after(api: FakeBotAPI) -> None:
    bob = TgUser(5002, "Bob", "en")
    api.fail_next("sendMessage", 429, retry_after=1)
    api.command(bob, "start")
    await next_send(api, bob.id, 0, within=8)
    failed, retried = [c for c in api.calls_to("sendMessage") if c.chat_id == bob.id]
    assert failed.status == 429
    assert retried.ok
    assert retried.at - failed.at >= 0.9, "waited retry_after before retrying"
    await api.settle()
    assert len(api.sent_to(bob.id)) == 1, "the message arrives once"


async def scenario_blocked(api: FakeBotAPI, app: App) -> None:
    carol, dave = TgUser(5003, "Carol", "en"), TgUser(5004, "Dave", "en")
    api.block(carol.id)
    api.command(carol, "start")
    await api.wait_for(lambda: [c for c in api.calls if c.status == 403])
    api.command(dave, "start")
    await next_send(api, dave.id, 0)
    await api.settle()
    async with app.database.uow() as uow:
        blocked = await uow.accounts.by_user("telegram", carol.id)
        fine = await uow.accounts.by_user("telegram", dave.id)
    assert blocked is not None
    assert blocked.unreachable_at is not None
    assert fine is not None
    assert fine.unreachable_at is None
    attempts = [c for c in api.calls if c.chat_id == carol.id and c.method == "sendMessage"]
    assert len(attempts) == 1, "no retry and no further sends to a chat that blocked us"


async def scenario_timeout(api: FakeBotAPI) -> None:
    erin, frank = TgUser(5005, "Erin", "en"), TgUser(5006, "Frank", "en")
    api.delay_next("sendMessage", 1.5, chat_id=erin.id)  # longer than request_timeout
    api.command(erin, "start")
    api.command(frank, "start")
    await next_send(api, frank.id, 0)
    await next_send(api, erin.id, 0, within=8)  # retried after the timeout
    api.command(erin, "help")
    await next_send(api, erin.id, 1)
    await api.settle()
    assert len(api.sent_to(erin.id)) == 2


async def scenario_duplicate(api: FakeBotAPI) -> None:
    gina = TgUser(5007, "Gina", "en")
    update = api.command(gina, "start")
    await next_send(api, gina.id, 0)
    api.resend(update)
    await api.wait_for(lambda: api.pending_updates == 0)
    api.command(gina, "help")  # a later update is still answered
    await next_send(api, gina.id, 1)
    await api.settle()
    assert len(api.sent_to(gina.id)) == 2, "the redelivered /start was answered once"


async def scenario_webhook(api: FakeBotAPI) -> None:
    hank = TgUser(5008, "Hank", "en")
    assert api.webhook["secret_token"] == "s3cret-token"
    assert api.calls_to("deleteWebhook") == []
    update = {
        "update_id": 77,
        "message": {
            "message_id": 1,
            "date": 1,
            "chat": {"id": hank.id, "type": "private", "first_name": hank.first_name},
            "from": hank.to_api(),
            "text": "/start",
        },
    }
    assert await api.post_to_webhook(update, secret_token="wrong") in (401, 403)
    assert await api.post_to_webhook(update, secret_token="") in (401, 403)
    await asyncio.sleep(0.2)
    assert api.sent_to(hank.id) == [], "a rejected call is never processed"
    assert await api.post_to_webhook(update) == 200
    await next_send(api, hank.id, 0)
    api.command(hank, "help")  # Telegram's own delivery, through the fake's webhook client
    await next_send(api, hank.id, 1)
    assert await api.post_to_webhook(update) == 200  # Telegram retrying a delivered update
    await api.settle()
    assert len(api.sent_to(hank.id)) == 2


async def scenario_html_escaped(api: FakeBotAPI) -> None:
    """A new owner's typed name comes back in a reply: as text, never as markup."""
    ivan = TgUser(5009, "Ivan", "en")
    api.command(ivan, "start")
    await next_send(api, ivan.id, 0)
    api.contact(ivan, "+525587654321", ivan.id)  # unknown: registration
    await next_send(api, ivan.id, 1)
    countries = await next_send(api, ivan.id, 2)
    api.press(ivan, button_data(countries, "Mexico"), api.last_message_id(ivan.id))
    await next_send(api, ivan.id, 3)
    api.user_text(ivan, "<b>Ivan&Co</b>")
    thanks = await next_send(api, ivan.id, 4)
    assert "&lt;b&gt;Ivan&amp;Co&lt;/b&gt;" in thanks.params["text"]
    assert "<b>Ivan" not in thanks.params["text"]
    assert "<b>Ivan&Co</b>" in api.message(ivan.id, api.last_message_id(ivan.id))["text"]


async def scenario_callbacks_answered(api: FakeBotAPI) -> None:
    jane = TgUser(5010, "Jane", "en")
    api.command(jane, "language")
    picker = await next_send(api, jane.id, 0)
    picker_id = api.last_message_id(jane.id)
    forged = api.press(jane, "zz:nonsense", picker_id)  # no such flow: a toast
    stale = api.press(jane, "cs:ans:service:1", picker_id)  # needs a linked owner: a new message
    good = api.press(jane, button_data(picker, "English"), picker_id)
    ids = [u["callback_query"]["id"] for u in (forged, stale, good)]
    await api.wait_for(lambda: all(i in api.answered for i in ids))
    await api.settle()
    assert [api.answered[i] for i in ids] == [1, 1, 1]
    answers = {c.params["callback_query_id"]: c.params for c in api.calls_to("answerCallbackQuery")}
    assert answers[ids[0]].get("text"), "the refusal is shown on the button"
    assert not answers[ids[2]].get("text")


async def scenario_wrong_token(
    api: FakeBotAPI, app: App, runtime: str, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "999999:WRONG-token-never-to-be-logged"
    caplog.set_level(logging.INFO)  # what `ownerbot run` logs by default
    bot_app = telegram_app(app, api, runtime)
    bot_app = dataclasses.replace(
        bot_app,
        settings=bot_app.settings.model_copy(update={"telegram_bot_token": SecretStr(wrong)}),
    )
    with pytest.raises(RuntimeError, match="getMe failed") as raised:
        await asyncio.wait_for(
            run_telegram(telegram_deps(bot_app), options=FAST, stop=asyncio.Event()), 10
        )
    assert wrong not in str(raised.value)
    assert wrong not in caplog.text
    assert [c.status for c in api.calls] == [401], "no retry of a refused token"
