"""SQLite for asyncio without a thread: statements run on the event loop itself.

aiosqlite hands every driver call (cursor, execute, fetch, close) to a helper thread
and back: about 30 such round trips per update, each costing a thread switch, a loop
wake-up and, under load, a wait for the GIL. A statement on a local SQLite file in
WAL mode takes microseconds, so running it right where SQLAlchemy asks for it is
cheaper than any hand-over: the dispatcher handles about twice the updates per second
(bench/pipeline.py).

The price: while a statement runs, nothing else on the loop does, including a wait
for another process's write lock (busy_timeout). That suits a bot process, whose
transactions are short and go one at a time through the WriteGate anyway; heavy
batch work (imports, care planning over millions of owners) belongs on PostgreSQL
or in a CLI process. `OWNERBOT_SQLITE_INLINE=false` goes back to aiosqlite.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine.url import URL
from sqlalchemy.util.concurrency import await_

DRIVER = "ownerbot_inline"


class InlineCursor(sqlite3.Cursor):
    async def _async_soft_close(self) -> None:
        """SQLAlchemy's asyncio layer closes cursors this way; rows are already here."""


class InlineConnection(sqlite3.Connection):
    def cursor(self, factory: Any = InlineCursor) -> Any:
        return super().cursor(factory)


async def _already_done() -> None:
    return None


class InlineSQLiteDialect(SQLiteDialect_pysqlite):
    """The standard pysqlite dialect, declared async so that AsyncEngine takes it."""

    driver = DRIVER
    is_async = True
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        return pool.AsyncAdaptedQueuePool

    def connect(self, *cargs: Any, **cparams: Any) -> Any:
        cparams["factory"] = InlineConnection
        # the pool may hand a connection to whichever thread runs the loop
        cparams["check_same_thread"] = False
        return super().connect(*cargs, **cparams)

    def get_driver_connection(self, connection: Any) -> Any:
        return connection

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


registry.register(f"sqlite.{DRIVER}", __name__, "InlineSQLiteDialect")
