"""One holder at a time across processes, for work that must not run twice at once
(the care planner: every worker runs the scheduler, one plans at a time).

PostgreSQL: a session-level advisory lock, held by a connection kept for the duration
and released when it ends (or when the process dies and the connection closes).
SQLite: an exclusive lock on a file beside the database, released the same ways; an
in-memory database has one process, so an asyncio lock does.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

_IN_MEMORY: dict[str, asyncio.Lock] = {}


def _advisory_key(name: str) -> int:
    """A stable signed 64-bit key for pg_try_advisory_lock."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextlib.asynccontextmanager
async def held_alone(engine: AsyncEngine, name: str) -> AsyncIterator[bool]:
    """Try to become the only holder of `name`; yields whether it did (never waits)."""
    if engine.dialect.name == "postgresql":
        async with _postgres(engine, name) as got:
            yield got
        return
    database = engine.url.database
    if not database or database == ":memory:":
        lock = _IN_MEMORY.setdefault(name, asyncio.Lock())
        if lock.locked():
            yield False
            return
        async with lock:
            yield True
        return
    with _lock_file(Path(f"{database}.{name}.lock")) as got:
        yield got


@contextlib.asynccontextmanager
async def _postgres(engine: AsyncEngine, name: str) -> AsyncIterator[bool]:
    key = _advisory_key(name)
    async with engine.connect() as connection:
        got = bool(await connection.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}))
        await connection.commit()  # the lock is the session's, not the transaction's
        try:
            yield got
        finally:
            if got:
                await connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                await connection.commit()


@contextlib.contextmanager
def _lock_file(path: Path) -> Iterator[bool]:
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
