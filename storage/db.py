"""Engines for SQLite (the default, one file, zero set-up) and PostgreSQL (at scale)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.sqlite_inline import BUSY_TIMEOUT_MS
from storage.sqlite_inline import DRIVER as INLINE_DRIVER


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine(
    url: str,
    *,
    echo: bool = False,
    sqlite_inline: bool = True,
    pool_size: int = 10,
    max_overflow: int = 20,
) -> AsyncEngine:
    """An async engine. For SQLite, `sqlite_inline` runs statements on the event loop
    (storage/sqlite_inline.py says why); otherwise aiosqlite's thread runs them.
    PostgreSQL: a pool of `pool_size` connections, `max_overflow` more under load."""
    if not is_sqlite(url):
        return create_async_engine(
            url, echo=echo, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True
        )
    driver = INLINE_DRIVER if sqlite_inline else "aiosqlite"
    sqlite_url = make_url(url).set(drivername=f"sqlite+{driver}")
    # sqlite3's timeout is the busy handler's: inline, it must only ever be a moment
    timeout = BUSY_TIMEOUT_MS / 1000 if sqlite_inline else 30.0
    engine = create_async_engine(sqlite_url, echo=echo, connect_args={"timeout": timeout})
    _configure_sqlite(engine, inline=sqlite_inline)
    return engine


SQLITE_MMAP_BYTES = 1 << 30  # address space only: the OS shares and evicts the pages


def _configure_sqlite(engine: AsyncEngine, *, inline: bool) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE.

    SQLite has one writer. Taking the write lock at BEGIN (instead of at the first
    write, as the driver would) means a transaction that reads a balance and then
    writes it can never be overtaken by another writer in between: SQLite's answer to
    PostgreSQL's SELECT ... FOR UPDATE. Inline, the dialect begins so itself and
    waits for another process's lock on the event loop, not in busy_timeout.
    """
    busy_timeout = BUSY_TIMEOUT_MS if inline else 30_000

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=NORMAL",
            "PRAGMA foreign_keys=ON",
            f"PRAGMA busy_timeout={busy_timeout}",
            # Reads through the OS's page cache instead of a system call per page: the
            # planner's joins over a large base touch pages all over the file.
            f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}",
        ):
            cursor.execute(pragma)
        cursor.close()

    if inline:
        return  # the inline dialect's do_begin says BEGIN IMMEDIATE itself

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class WriteGate:
    """In-process queue in front of SQLite's single writer.

    Without it, concurrent tasks would contend inside SQLite's busy handler, which
    sleeps in growing steps (up to 100 ms); an asyncio lock hands the writer over in
    FIFO order at once. Other processes are waited for at BEGIN. PostgreSQL needs
    no gate: its row locks do the job.
    """

    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> None:
        await self._lock.acquire()

    async def __aexit__(self, *_exc: object) -> None:
        self._lock.release()
