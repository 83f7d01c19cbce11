"""Apply and create Alembic migrations from code (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


# Workers starting together on PostgreSQL migrate one after another: the first applies
# what is missing, the others then find the schema at head and do nothing.
_MIGRATION_LOCK = 7_202_612_070


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    def _upgrade(connection: Connection) -> None:
        command.upgrade(alembic_config(connection=connection), revision)

    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK}
            )
        await connection.run_sync(_upgrade)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    def _downgrade(connection: Connection) -> None:
        command.downgrade(alembic_config(connection=connection), revision)

    async with engine.begin() as connection:
        await connection.run_sync(_downgrade)


async def is_up_to_date(engine: AsyncEngine) -> bool:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()

    def _current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        current = await connection.run_sync(_current)
    return current == head


def revision(url: str, message: str) -> None:
    """Autogenerate a migration from the difference between tables.py and `url`."""
    command.revision(alembic_config(url), message=message, autogenerate=True)
