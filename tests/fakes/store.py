"""The in-memory "database" behind the fake repositories: tables of domain objects,
ids handed out on flush, and the unique keys the services rely on."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class UniqueViolation(Exception):
    """What the database's unique constraint would have refused."""


class CheckViolation(Exception):
    """What the database's CHECK constraint would have refused."""


@dataclass
class Table(Generic[T]):
    """Committed and pending rows of one kind. `keys` are the unique keys (None parts
    don't count, as in SQL); `checks` the CHECK constraints every row must pass at each
    flush (a row changed since it was added too)."""

    name: str
    keys: tuple[Callable[[T], Hashable], ...] = ()
    checks: tuple[Callable[[T], bool], ...] = ()
    rows: list[T] = field(default_factory=list)
    pending: list[T] = field(default_factory=list)
    next_id: int = 1

    def add(self, row: T) -> None:
        if row not in self.pending and row not in self.rows:
            self.pending.append(row)

    def flush(self) -> None:
        for row in self.pending:
            self._check_unique(row)
            if getattr(row, "id", 0) is None:
                row.id = self.next_id  # type: ignore[attr-defined]
                self.next_id += 1
            self.rows.append(row)
        self.pending.clear()
        for check in self.checks:
            for row in self.rows:
                if not check(row):
                    raise CheckViolation(f"{self.name}: {row!r}")

    def delete(self, row: T) -> None:
        if row in self.pending:
            self.pending.remove(row)
        if row in self.rows:
            self.rows.remove(row)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self.rows))

    def _check_unique(self, row: T) -> None:
        for key in self.keys:
            value = key(row)
            if _has_none(value):
                continue
            if any(key(other) == value for other in self.rows if other is not row):
                raise UniqueViolation(f"{self.name}: {value!r} exists")


def _has_none(value: Any) -> bool:
    return value is None or (isinstance(value, tuple) and any(v is None for v in value))


class Store:
    """All the tables; one per test, shared by every fake unit of work opened on it."""

    def __init__(self) -> None:
        self.tables: dict[str, Table[Any]] = {}

    def table(
        self,
        name: str,
        *keys: Callable[[Any], Hashable],
        checks: tuple[Callable[[Any], bool], ...] = (),
    ) -> Table[Any]:
        if name not in self.tables:
            self.tables[name] = Table(name, keys, checks)
        return self.tables[name]

    def flush(self) -> None:
        for table in self.tables.values():
            table.flush()

    def discard_pending(self) -> None:
        for table in self.tables.values():
            table.pending.clear()
