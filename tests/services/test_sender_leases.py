"""The outbox sender's lease is fenced (SQLite): a send slower than the lease is not
claimed and sent again by a second sender, and a settle counts only while the lease is
still the sender's own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import App
from bot.domain.care import OutboxStatus, Rule
from bot.services import care
from tests.sender_race import slow_send_with_a_second_sender

AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def test_a_send_slower_than_the_lease_is_sent_once_with_a_second_sender_running(
    app: App,
) -> None:
    for round_no in range(2):
        await slow_send_with_a_second_sender(app, AT, round_no)


async def test_a_settle_after_the_lease_was_taken_over_changes_nothing(app: App) -> None:
    async with app.database.uow() as uow:
        await care._queue(uow, 1, Rule.WELCOME, "fenced", AT, {})
        await uow.commit()
    async with app.database.uow() as uow:
        [first] = await uow.outbox.claim(AT, timedelta(seconds=10), 10, "a" * 32)
        await uow.commit()
    later = AT + timedelta(seconds=11)  # the first claim's lease ran out
    async with app.database.uow() as uow:
        assert await uow.outbox.claim(later, timedelta(seconds=10), 10, "b" * 32) == [first]
        await uow.commit()
    async with app.database.uow() as uow:
        assert await uow.outbox.leased(first, "a" * 32) is None
        assert await uow.outbox.extend([first], "a" * 32, later) == 0
        second = await uow.outbox.leased(first, "b" * 32)
        assert second is not None
        assert (second.status, second.attempts) == (OutboxStatus.SENDING, 2)
