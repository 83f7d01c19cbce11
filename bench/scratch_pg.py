"""A throw-away PostgreSQL database for one benchmark run, created and dropped here."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import create_engine


async def admin_sql(url: str, sql: str) -> None:
    """Run `sql` outside a transaction (CREATE/DROP DATABASE can't run inside one)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            conn = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def scratch_database(server_url: str, prefix: str = "ownerbot_bench") -> AsyncIterator[str]:
    """The URL of a new, empty database on the server at `server_url`."""
    name = f"{prefix}_{secrets.token_hex(3)}"
    await admin_sql(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin_sql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
