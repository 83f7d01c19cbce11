"""Processed platform updates and the shipped dealers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from bot.domain.reference import Dealer
from storage import tables
from storage.repositories.base import SessionBound
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
