"""The outbox sender's fenced lease on PostgreSQL: a send slower than the lease, with
a second sender claiming on its own connections all along, is delivered once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import App
from tests.sender_race import slow_send_with_a_second_sender

AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def test_a_send_slower_than_the_lease_is_sent_once_on_postgres(pg_app: App) -> None:
    for round_no in range(2):
        await slow_send_with_a_second_sender(pg_app, AT, round_no)


@pytest.mark.slow
async def test_fifty_slow_sends_racing_a_second_sender_on_postgres_each_go_once(
    pg_app: App,
) -> None:
    for round_no in range(50):
        await slow_send_with_a_second_sender(pg_app, AT, round_no)
