"""The record of updates received and not yet handled (`update_inbox`) on PostgreSQL:
what tells a worker that an earlier update of a chat is waiting elsewhere."""

from __future__ import annotations

from bot.app import App
from storage.chat_turns import SqlChatTurns

CHAT, OTHER = 7401, 7402


async def test_a_chats_earlier_update_holds_its_later_ones_until_it_is_done(pg_app: App) -> None:
    turns = SqlChatTurns(pg_app.database.engine)
    assert await turns.arrived("telegram", CHAT, 100) is True
    assert await turns.arrived("telegram", CHAT, 100) is False  # delivered twice: noted once
    await turns.arrived("telegram", CHAT, 101)
    assert await turns.earlier_waiting("telegram", CHAT, 101, 10) is True
    assert await turns.earlier_waiting("telegram", CHAT, 100, 10) is False
    assert await turns.earlier_waiting("telegram", OTHER, 101, 10) is False
    assert await turns.earlier_waiting("whatsapp", CHAT, 101, 10) is False
    await turns.done("telegram", CHAT, 100)
    assert await turns.earlier_waiting("telegram", CHAT, 101, 10) is False
    assert await turns.earlier_waiting("telegram", CHAT, 102, 10) is True  # 101 still runs
    await turns.done("telegram", CHAT, 101)
    assert await turns.earlier_waiting("telegram", CHAT, 102, 10) is False


async def test_an_update_left_unfinished_longer_than_the_hold_no_longer_holds_the_chat(
    pg_app: App,
) -> None:
    turns = SqlChatTurns(pg_app.database.engine)
    await turns.arrived("telegram", CHAT, 200)  # its worker died
    assert await turns.earlier_waiting("telegram", CHAT, 201, 10) is True
    assert await turns.earlier_waiting("telegram", CHAT, 201, 0) is False
