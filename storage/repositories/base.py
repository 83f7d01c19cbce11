"""What every repository shares: the unit of work's session. They never commit."""

from __future__ import annotations

from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


class SessionBound:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session


class SqlRepository(SessionBound, Generic[T]):
    """Adds domain objects of one kind; the unit of work persists them."""

    def add(self, item: T) -> None:
        self.session.add(item)


def dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind else "sqlite"
