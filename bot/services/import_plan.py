"""Every CSV import in two steps: check the whole file, then write it in chunks.

All or nothing holds because nothing is written before every row has been checked: a
file with errors changes nothing unless the operator asks to skip the bad rows. Then
the rows are written a chunk at a time, one transaction each, with a short pause
between chunks. SQLite has one writer: this way the bot takes the lock between two
chunks and waits a fraction of a second, not for the whole import.

Each import matches rows to what is stored (owners by phone, vehicles by VIN, recalls
by VIN and campaign, referral stages by what each referral has already reached), so
when an import stops half-way, running the same file again finishes it and writes
nothing twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence, Sized
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.domain.owner_import import RowError
from bot.services.ports import UnitOfWork, UnitOfWorkFactory

# Rows written per transaction: a few tenths of a second of work on SQLite.
CHUNK_ROWS = 1_000
# Owner imports write set-based (bot/services/importer.py): 5,000 rows are about as
# much work, and a 100,000-row file pauses for the bot 20 times instead of 100.
OWNER_CHUNK_ROWS = 5_000
# After each chunk, a waiting transaction of the bot retries BEGIN within 10 ms
# (storage/sqlite_inline.py, LOCK_RETRY_MAX): a longer pause lets it in first. Once
# in, the bot's queued updates follow one another before the import gets back in.
SQLITE_PAUSE = 0.025


@dataclass
class FileReport:
    """What every import reports, whatever else it counts."""

    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False


R = TypeVar("R", bound=FileReport)
C = TypeVar("C")


def chunked(items: Sequence[C], size: int) -> list[Sequence[C]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


@dataclass
class ImportPlan(Generic[R, C]):
    """A checked file: its report so far and, when it may be written, its chunks."""

    report: R
    chunks: list[C]
    apply: Callable[[UnitOfWork, C], Awaitable[None]]
    accepted: bool  # no errors, or the operator asked to skip the bad rows

    async def apply_all(self, uow: UnitOfWork) -> R:
        """Write everything in the caller's unit of work (the caller commits): for small
        files and for seeding, where one transaction is what is wanted."""
        if self.accepted:
            for chunk in self.chunks:
                await self.apply(uow, chunk)
            self.report.applied = True
        return self.report

    @property
    def rows_to_write(self) -> int:
        return sum(len(c) if isinstance(c, Sized) else 1 for c in self.chunks)

    async def apply_in_chunks(
        self,
        units: UnitOfWorkFactory,
        *,
        pause: float,
        written: Callable[[int], None] | None = None,
    ) -> R:
        """Write chunk by chunk, each in its own unit of work, committed (its events
        published) before the next; `pause` seconds between chunks; `written(n)` hears
        of each chunk's rows once committed (a progress bar)."""
        if not self.accepted:
            return self.report
        for n, chunk in enumerate(self.chunks):
            if n and pause:
                await asyncio.sleep(pause)
            async with units() as uow:
                await self.apply(uow, chunk)
                await uow.commit()
            if written is not None:
                written(len(chunk) if isinstance(chunk, Sized) else 1)
        self.report.applied = True
        return self.report
