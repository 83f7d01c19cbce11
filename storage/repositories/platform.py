"""Processed platform updates, the shipped dealers, and the console's kept screens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from bot.domain.reference import Dealer
from bot.services.ports import ShownButtons
from storage import tables
from storage.repositories.base import SessionBound, dialect
from storage.sql import insert_ignoring_duplicates


class SqlUpdateLog(SessionBound):
    async def first_time(self, channel: str, update_id: str, now: datetime) -> bool:
        return await insert_ignoring_duplicates(
            self.session,
            tables.processed_updates,
            {"channel": channel, "update_id": update_id, "processed_at": now},
        )


class SqlDealerDirectory(SessionBound):
    async def sync(self, dealers: Sequence[Dealer]) -> None:
        """Upsert the shipped dealers so vehicles and bookings can reference them."""
        existing = set((await self.session.execute(select(tables.dealers.c.code))).scalars())
        for dealer in dealers:
            values = {
                "market": dealer.market,
                "name": dealer.name,
                "city": dealer.city,
                "address": dealer.address,
                "latitude": dealer.latitude,
                "longitude": dealer.longitude,
                "timezone": dealer.timezone,
                "staff_chat_id": dealer.staff_chat_id,
            }
            if dealer.code in existing:
                await self.session.execute(
                    tables.dealers.update()
                    .where(tables.dealers.c.code == dealer.code)
                    .values(**values)
                )
            else:
                await self.session.execute(
                    tables.dealers.insert().values(code=dealer.code, **values)
                )


_SCREENS = tables.console_screens


class SqlConsoleScreens(SessionBound):
    """The console's last screen with buttons, per chat (bot/channels/console.py)."""

    async def last(self, chat_id: int) -> ShownButtons | None:
        row = (
            await self.session.execute(
                select(_SCREENS.c.message_id, _SCREENS.c.buttons).where(
                    _SCREENS.c.chat_id == chat_id
                )
            )
        ).first()
        if row is None:
            return None
        buttons = _stored_buttons(row.buttons)
        return None if buttons is None else ShownButtons(row.message_id, buttons)

    async def remember(self, chat_id: int, shown: ShownButtons, now: datetime) -> None:
        module = postgresql if dialect(self.session) == "postgresql" else sqlite
        values = {
            "message_id": shown.message_id,
            "buttons": [list(pair) for pair in shown.buttons],
            "shown_at": now,
        }
        statement = (
            module.insert(_SCREENS)
            .values(chat_id=chat_id, **values)
            .on_conflict_do_update(index_elements=[_SCREENS.c.chat_id], set_=values)
        )
        await self.session.execute(statement)


def _stored_buttons(raw: Any) -> tuple[tuple[str, str], ...] | None:
    """The stored pairs, or None when they don't read as pairs of strings (a row
    written by hand or by another version: as good as no screen)."""
    if not isinstance(raw, list):
        return None
    pairs = []
    for item in raw:
        if not (
            isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)
        ):
            return None
        pairs.append((item[0], item[1]))
    return tuple(pairs)
