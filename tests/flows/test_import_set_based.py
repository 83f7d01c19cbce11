"""The set-based owner import writes what the row-by-row writer wrote, on SQLite
(tests/pg/test_import_pg.py runs the same on PostgreSQL)."""

from __future__ import annotations

from bot.app import App
from tests.import_scenarios import (
    check_a_bad_row_means_neither_writes_anything,
    check_a_mixed_file_gives_the_same_database,
)


async def test_new_owners_updates_and_cars_sold_on_leave_the_same_database_either_way(
    app: App,
) -> None:
    await check_a_mixed_file_gives_the_same_database(app)


async def test_a_file_with_a_bad_row_writes_nothing_either_way(app: App) -> None:
    await check_a_bad_row_means_neither_writes_anything(app)
