"""SQLite for asyncio without a thread: statements run on the event loop itself.

aiosqlite hands every driver call (cursor, execute, fetch, close) to a helper thread
and back: about 30 such round trips per update, each costing a thread switch, a loop
wake-up and, under load, a wait for the GIL. A statement on a local SQLite file in
WAL mode takes microseconds, so running it right where SQLAlchemy asks for it is
cheaper than any hand-over: the dispatcher handles about twice the updates per second
(bench/pipeline.py).

The price: while a statement runs, nothing else on the loop does. So nothing here
waits in SQLite's busy handler: while another process (a CSV import, `ownerbot care
plan`) holds the write lock, `begin_immediate` waits for it with asyncio.sleep and
the bot goes on answering. Transactions in this process go one at a time through the
WriteGate; heavy batch work (care planning over millions of owners) belongs on
PostgreSQL. `OWNERBOT_SQLITE_INLINE=false` goes back to aiosqlite.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine.url import URL
from sqlalchemy.util.concurrency import await_

DRIVER = "ownerbot_inline"
# The busy handler blocks the loop, so it may only ever wait a moment; BEGIN waits
# for other processes on the loop instead, up to LOCK_WAIT.
BUSY_TIMEOUT_MS = 5
LOCK_WAIT = 30.0
# The longest pause between two tries. A long job (a CSV import) leaves the lock free
# for longer than this between its transactions, so a waiting update gets in then.
LOCK_RETRY_MAX = 0.01


class InlineCursor(sqlite3.Cursor):
    async def _async_soft_close(self) -> None:
        """SQLAlchemy's asyncio layer calls this before handing a result to sync code.
        A sqlite3 cursor reads on demand with no awaiting, so there is nothing to do."""


class InlineConnection(sqlite3.Connection):
    def cursor(self, factory: Any = InlineCursor) -> Any:
        return super().cursor(factory)


async def _already_done() -> None:
    return None


class InlineSQLiteDialect(SQLiteDialect_pysqlite):
    """The standard pysqlite dialect, declared async so that AsyncEngine takes it."""

    driver = DRIVER
    is_async = True
    has_terminate = True
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        # like aiosqlite: one shared connection for an in-memory database
        return pool.AsyncAdaptedQueuePool if cls._is_url_file_db(url) else pool.StaticPool

    def connect(self, *cargs: Any, **cparams: Any) -> Any:
        cparams["factory"] = InlineConnection
        # the pool may hand a connection to whichever thread runs the loop
        cparams["check_same_thread"] = False
        return super().connect(*cargs, **cparams)

    def get_driver_connection(self, connection: Any) -> Any:
        return connection

    def do_begin(self, dbapi_connection: Any) -> None:
        # Here, not in a "begin" event, so that SQLAlchemy wraps a failure in its own
        # OperationalError and leaves the connection in a clean state.
        begin_immediate(dbapi_connection.driver_connection)

    def do_terminate(self, dbapi_connection: Any) -> None:
        # a connection the garbage collector found must not keep the write lock
        dbapi_connection.close()

    # AsyncConnection.execute() insists that a statement awaited something; one
    # switch to the calling coroutine and straight back satisfies it, without a trip
    # through the event loop.
    def do_execute(self, cursor: Any, statement: Any, parameters: Any, context: Any = None) -> None:
        await_(_already_done())
        super().do_execute(cursor, statement, parameters, context)  # type: ignore[no-untyped-call]

    def do_execute_no_params(self, cursor: Any, statement: Any, context: Any = None) -> None:
        await_(_already_done())
        super().do_execute_no_params(cursor, statement, context)  # type: ignore[no-untyped-call]

    def do_executemany(
        self, cursor: Any, statement: Any, parameters: Any, context: Any = None
    ) -> None:
        await_(_already_done())
        super().do_executemany(cursor, statement, parameters, context)  # type: ignore[no-untyped-call]


def begin_immediate(connection: sqlite3.Connection, wait: float = LOCK_WAIT) -> None:
    """BEGIN IMMEDIATE (take the write lock now). While another process holds it, sleep
    on the event loop between tries, so the rest of the bot keeps running."""
    deadline = time.monotonic() + wait
    pause = 0.002
    while True:
        try:
            connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            # only "another connection holds the lock" is worth waiting for; a stale
            # snapshot (SQLITE_BUSY_SNAPSHOT) or anything else will not go away
            busy = getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() + pause > deadline:
                raise
        await_(asyncio.sleep(pause))
        pause = min(pause * 2, LOCK_RETRY_MAX)


registry.register(f"sqlite.{DRIVER}", __name__, "InlineSQLiteDialect")
