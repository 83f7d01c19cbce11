"""Platform addresses, files served by URL, and phone-proof attempts (the ports in
bot/services/ports/channels.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update

from bot.domain.linking import LinkAttempt
from bot.services.ports import StoredFile
from storage import tables
from storage.repositories.base import SessionBound
from storage.sql import insert_ignoring_duplicates

_ADDRESSES = tables.channel_addresses
_MEDIA = tables.media_files
_ATTEMPTS = tables.link_attempts


class SqlAddressBook(SessionBound):
    async def number(self, channel: str, address: str, *, group: bool, now: datetime) -> int:
        # Insert-or-nothing, then read: two workers seeing a new user at once agree.
        found = await self._id_of(channel, address)
        if found is None:
            await insert_ignoring_duplicates(
                self.session,
                _ADDRESSES,
                {
                    "channel": channel,
                    "address": address,
                    "is_group": group,
                    "created_at": now,
                    "gone_at": None,
                },
            )
            found = await self._id_of(channel, address)
        assert found is not None
        row_id, is_group = found
        if is_group and group:
            # The bot is back in a group it had left.
            await self.session.execute(
                update(_ADDRESSES).where(_ADDRESSES.c.id == row_id).values(gone_at=None)
            )
        return -row_id if is_group else row_id

    async def _id_of(self, channel: str, address: str) -> tuple[int, bool] | None:
        row = (
            await self.session.execute(
                select(_ADDRESSES.c.id, _ADDRESSES.c.is_group).where(
                    _ADDRESSES.c.channel == channel, _ADDRESSES.c.address == address
                )
            )
        ).first()
        return (int(row.id), bool(row.is_group)) if row is not None else None

    async def address(self, channel: str, number: int) -> str | None:
        row = (
            await self.session.execute(
                select(_ADDRESSES.c.address).where(
                    _ADDRESSES.c.channel == channel,
                    _ADDRESSES.c.id == abs(number),
                    _ADDRESSES.c.is_group == (number < 0),
                )
            )
        ).first()
        return str(row.address) if row is not None else None

    async def mark_gone(self, channel: str, number: int, now: datetime) -> None:
        await self.session.execute(
            update(_ADDRESSES)
            .where(
                _ADDRESSES.c.channel == channel,
                _ADDRESSES.c.id == abs(number),
                _ADDRESSES.c.gone_at.is_(None),
            )
            .values(gone_at=now)
        )

    async def gone(self, channel: str, number: int) -> bool:
        row = (
            await self.session.execute(
                select(_ADDRESSES.c.gone_at).where(
                    _ADDRESSES.c.channel == channel, _ADDRESSES.c.id == abs(number)
                )
            )
        ).first()
        return row is not None and row.gone_at is not None


class SqlMediaShelf(SessionBound):
    async def put(self, stored: StoredFile) -> None:
        await self.session.execute(
            _MEDIA.insert().values(
                token=stored.token,
                filename=stored.filename,
                content_type=stored.content_type,
                data=stored.data,
                created_at=stored.created_at,
                expires_at=stored.expires_at,
            )
        )

    async def get(self, token: str, now: datetime) -> StoredFile | None:
        row = (
            await self.session.execute(
                select(_MEDIA).where(_MEDIA.c.token == token, _MEDIA.c.expires_at > now)
            )
        ).first()
        if row is None:
            return None
        return StoredFile(
            token=row.token,
            filename=row.filename,
            content_type=row.content_type,
            data=bytes(row.data),
            created_at=row.created_at,
            expires_at=row.expires_at,
        )

    async def purge(self, now: datetime) -> int:
        result = await self.session.execute(delete(_MEDIA).where(_MEDIA.c.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)


class SqlLinkAttempts(SessionBound):
    def add(self, attempt: LinkAttempt) -> None:
        self.session.add(attempt)

    async def failures_by_user(
        self, channel: str, user_id: int, since: datetime
    ) -> Sequence[datetime]:
        result = await self.session.execute(
            select(_ATTEMPTS.c.at).where(
                _ATTEMPTS.c.channel == channel,
                _ATTEMPTS.c.user_id == user_id,
                _ATTEMPTS.c.succeeded.is_(False),
                _ATTEMPTS.c.at > since,
            )
        )
        return list(result.scalars())

    async def failures_for_owner(self, owner_id: int, since: datetime) -> Sequence[datetime]:
        result = await self.session.execute(
            select(_ATTEMPTS.c.at).where(
                _ATTEMPTS.c.owner_id == owner_id,
                _ATTEMPTS.c.succeeded.is_(False),
                _ATTEMPTS.c.at > since,
            )
        )
        return list(result.scalars())
