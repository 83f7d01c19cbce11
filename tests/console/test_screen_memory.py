"""`#N` across console runs: each chat's last screen with buttons is kept in the
database, so a piped script carries one conversation over several processes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.app import App
from bot.channels.console_transport import ConsoleTransport
from bot.services.console_screens import ScreenMemory
from bot.services.ports import ShownButtons
from handlers.codes import button
from handlers.codes.booking import StartBooking
from handlers.types import Screen
from storage import tables
from tests.conftest import Chat
from tests.console.cli import database_url_of, ownerbot
from tests.flows.helpers import DEMO_BANGKOK, DEMO_DUBAI, linked

DEMO_MEXICO_CITY = "+525512345678"  # María, Spanish on file
SERVICES_QUESTION = "<b>Which services do you need?</b> Tap to choose, then Continue."
ODOMETER_QUESTION = "What does the odometer show now? It helps the advisor prepare."

LANGUAGES = [
    pytest.param(DEMO_BANGKOK, "th", id="th"),
    pytest.param(DEMO_DUBAI, "ar", id="ar"),
    pytest.param(DEMO_MEXICO_CITY, "es", id="es"),
]


@pytest.mark.parametrize(("phone", "lang"), LANGUAGES)
async def test_a_booking_begun_in_one_run_goes_on_with_hash_n_in_the_next(
    app: App, phone: str, lang: str
) -> None:
    t = app.catalogs.translator(lang)
    first = await linked(Chat(app, user_id=5201, lang=lang, remember=True), phone)
    await first.say("/book")
    assert first.console.button_codes[0].startswith("bk:km"), "[1] skips the odometer"

    second = Chat(app, user_id=5201, lang=lang, remember=True)  # a new process
    await second.say("#1")
    assert t._(SERVICES_QUESTION) in second.html
    third = Chat(app, user_id=5201, lang=lang, remember=True)
    await third.say("#1")  # the first service, ticked on the same screen
    assert third.console.button_labels[0].startswith("✅")


async def test_each_chat_presses_its_own_last_screen(app: App) -> None:
    thai = await linked(Chat(app, user_id=5202, lang="th", remember=True), DEMO_BANGKOK)
    arab = await linked(Chat(app, user_id=5203, lang="ar", remember=True), DEMO_DUBAI)
    await thai.say("/book")
    await arab.say("/points")
    again = Chat(app, user_id=5202, lang="th", remember=True)
    await again.say("#1")
    assert app.catalogs.translator("th")._(SERVICES_QUESTION) in again.html


async def test_hash_n_with_no_screen_kept_for_the_chat_says_so(app: App) -> None:
    chat = Chat(app, user_id=5204, lang="ar", remember=True)
    assert await chat.say("#1") == []
    assert "! no button 1 on the last screen" in chat.transcript


async def test_a_kept_button_that_is_no_longer_valid_is_refused_politely(app: App) -> None:
    memory = ScreenMemory(app.database.uow, app.clock)
    chat = await linked(Chat(app, user_id=5205, lang="th", remember=True), DEMO_BANGKOK)
    await memory.remember(5205, ShownButtons(3, (("bk:ok:999999:deadbeef", "✅"),)))
    await chat.say("#1")
    th = app.catalogs.translator("th")
    assert f"({th._('This button is no longer valid.')})" in chat.transcript


async def test_a_kept_screen_that_does_not_read_as_buttons_counts_as_none(app: App) -> None:
    memory = ScreenMemory(app.database.uow, app.clock)
    await memory.remember(5206, ShownButtons(1, (("menu:home", "Menu"),)))
    async with app.database.uow() as uow:
        await uow.session.execute(update(tables.console_screens).values(buttons={"not": "pairs"}))
        await uow.commit()
    assert await memory.last(5206) is None


async def test_the_latest_screen_of_a_chat_replaces_the_one_before(app: App) -> None:
    memory = ScreenMemory(app.database.uow, app.clock)
    await memory.remember(5207, ShownButtons(1, (("menu:home", "Menu"),)))
    await memory.remember(5207, ShownButtons(2, (("pts:home", "Points"), ("bk:list", "Mine"))))
    assert await memory.last(5207) == ShownButtons(2, (("pts:home", "Points"), ("bk:list", "Mine")))
    assert await memory.last(5208) is None


async def test_a_piped_script_carries_a_conversation_across_ownerbot_runs(
    app: App, tmp_path: Path
) -> None:
    await linked(Chat(app, user_id=5001, lang="es"), DEMO_MEXICO_CITY)
    es = app.catalogs.translator("es")
    as_maria = ("console", "--user", "5001", "--lang", "es")
    url = database_url_of(app)
    first = await ownerbot(*as_maria, script="/book\n", database_url=url, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert es._(ODOMETER_QUESTION) in first.stdout
    second = await ownerbot(*as_maria, script="#1\n", database_url=url, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "> #1" in second.stdout
    services = es._(SERVICES_QUESTION).replace("<b>", "").replace("</b>", "")
    assert services in second.stdout


async def test_a_care_message_printed_by_care_send_is_pressed_in_the_owners_next_run(
    app: App,
) -> None:
    await linked(Chat(app, user_id=5209, lang="th"), DEMO_BANGKOK)
    out = io.StringIO()
    transport = ConsoleTransport(out, memory=ScreenMemory(app.database.uow, app.clock))
    reminder = Screen("Time for a service", buttons=((button("🔧 Book service", StartBooking()),),))
    await transport.deliver(5209, [reminder])
    assert out.getvalue().splitlines() == [
        "[to chat 5209]",
        "Time for a service",
        "  [1] 🔧 Book service",
        "",
    ]
    owner = Chat(app, user_id=5209, lang="th", remember=True)
    await owner.say("#1")
    assert app.catalogs.translator("th")._(ODOMETER_QUESTION) in owner.html


async def test_a_hash_alone_lists_the_buttons_a_new_run_would_press(app: App) -> None:
    await linked(Chat(app, user_id=5210, lang="ar", remember=True), DEMO_DUBAI)
    again = Chat(app, user_id=5210, lang="ar", remember=True)
    assert await again.say("#") == []
    ar = app.catalogs.translator("ar")
    listed = again.transcript.splitlines()[-1]
    assert listed.startswith(f"  [1] {ar.pgettext('button', '⭐ Points')}   [2] ")
    nobody = Chat(app, user_id=5211, lang="ar", remember=True)
    await nobody.say("#")
    assert nobody.transcript.splitlines()[-1] == "! no buttons on the last screen"
