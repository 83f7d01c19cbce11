"""The console's kept screens on PostgreSQL: the upsert and a press from a new run."""

from __future__ import annotations

import asyncio

from bot.app import App
from bot.services.console_screens import ScreenMemory
from bot.services.ports import ShownButtons
from tests.conftest import Chat
from tests.flows.helpers import DEMO_DUBAI, linked


async def test_the_latest_screen_of_a_chat_replaces_the_one_before_on_postgres(
    pg_app: App,
) -> None:
    memory = ScreenMemory(pg_app.database.uow, pg_app.clock)
    chat_id = -1001000000201  # a group's id is a big negative number
    await memory.remember(chat_id, ShownButtons(1, (("menu:home", "Menu"),)))
    await asyncio.gather(
        *(memory.remember(chat_id, ShownButtons(2, (("pts:home", "نقاط"),))) for _ in range(4))
    )
    assert await memory.last(chat_id) == ShownButtons(2, (("pts:home", "نقاط"),))


async def test_a_booking_goes_on_from_a_new_console_run_on_postgres(pg_app: App) -> None:
    first = await linked(Chat(pg_app, user_id=9601, lang="ar", remember=True), DEMO_DUBAI)
    await first.say("/book")
    second = Chat(pg_app, user_id=9601, lang="ar", remember=True)
    await second.say("#1")
    ar = pg_app.catalogs.translator("ar")
    assert ar._("<b>Which services do you need?</b> Tap to choose, then Continue.") in second.html
