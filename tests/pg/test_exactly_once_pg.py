"""An update delivered to two workers at the same moment acts once on PostgreSQL: each
worker's dispatcher has its own connections, both start together, and the update id
recorded with the effects lets exactly one of them act (the slow suite does the same
with two real worker processes: tests/pg/test_workers_pg.py)."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from handlers.types import ChatKind, Event, EventKind
from tests.conftest import NOW

PERSON = 7601


def start(update_id: int) -> Event:
    return Event(
        channel="telegram",
        update_id=str(update_id),
        user_id=PERSON,
        chat_id=PERSON,
        kind=EventKind.COMMAND,
        chat_kind=ChatKind.PRIVATE,
        command="start",
        language_code="en",
        first_name="Tap",
    )


async def test_one_update_handled_by_two_workers_at_once_acts_once(
    pg_app: App, pg_database_url: str
) -> None:
    other = build_app(Settings(database_url=pg_database_url), FixedClock(NOW))
    workers = [pg_app.dispatcher(durable=True), other.dispatcher(durable=True)]
    try:
        for update_id in range(9600, 9605):
            go = asyncio.Event()

            async def worker(
                number: int, update_id: int = update_id, go: asyncio.Event = go
            ) -> int:
                await go.wait()
                return len(await workers[number].handle(start(update_id)))

            runs = [asyncio.create_task(worker(n)) for n in range(2)]
            await asyncio.sleep(0.01)
            go.set()
            answered = sorted(await asyncio.gather(*runs))
            assert answered[0] == 0 < answered[1]  # one answered, the other found it done
    finally:
        await other.close()
    async with pg_app.database.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT update_id FROM processed_updates WHERE update_id LIKE '96__'")
        )
        assert sorted(rows.scalars()) == ["9600", "9601", "9602", "9603", "9604"]
        accounts = await connection.scalar(
            text(f"SELECT count(*) FROM accounts WHERE user_id = {PERSON}")
        )
        assert accounts == 1
