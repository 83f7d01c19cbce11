"""The same migrations and flows on PostgreSQL."""

from __future__ import annotations

import asyncio

from bot.app import App
from handlers.types import Contact, Event, EventKind
from storage.db import create_engine
from tests.conftest import Chat
from tests.flows.helpers import DEMO_BANGKOK, linked
from tests.migrations_check import schema_differences
from tests.sqlfunc_checks import sql_add_months_matches_python


async def test_migrations_build_exactly_the_schema_in_tables_py(pg_app: App) -> None:
    assert await schema_differences(pg_app.database.engine) == []


async def test_an_owner_links_and_consents_on_postgres(pg_app: App) -> None:
    chat = Chat(pg_app, user_id=9100, lang="en")
    await linked(chat, DEMO_BANGKOK, service=True, marketing=False)
    assert "What would you like to do?" in chat.text
    async with pg_app.database.uow() as uow:
        owner = await uow.owners.by_phone(DEMO_BANGKOK)
        assert owner is not None
        assert (owner.consent_service, owner.consent_marketing) == (True, False)
        assert len(await uow.consents.of_owner(owner.id)) == 2


async def test_the_same_update_racing_on_two_workers_is_processed_once(pg_app: App) -> None:
    dispatcher = pg_app.dispatcher()
    event = Event(
        channel="telegram",
        update_id="42",
        user_id=9200,
        chat_id=9200,
        kind=EventKind.CONTACT,
        contact=Contact(DEMO_BANGKOK, 9200),
    )
    results = await asyncio.gather(*(dispatcher.handle(event) for _ in range(5)))
    assert sum(1 for screens in results if screens) == 1


async def test_months_added_in_postgresql_clamp_to_the_month_end_like_python(
    pg_database_url: str,
) -> None:
    engine = create_engine(pg_database_url)
    try:
        await sql_add_months_matches_python(engine)
    finally:
        await engine.dispose()
