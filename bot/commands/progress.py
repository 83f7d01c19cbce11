"""A progress bar for long command-line work (imports, planning, sending, exports):
counts and time left on the terminal's stderr; nothing when stderr is not a terminal
(a pipe, a log file, cron) or with --quiet, so scripts read only the result lines."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Annotated, TypeVar

import typer

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")]
Advance = Callable[[int], None]
T = TypeVar("T")


def _nothing(_done: int) -> None:
    return None


def counted(rows: Iterable[T], advance: Advance) -> Iterator[T]:
    """`rows` as they are, advancing the bar by one for each."""
    for row in rows:
        advance(1)
        yield row


@contextmanager
def progress(label: str, total: int, *, quiet: bool = False) -> Iterator[Advance]:
    """Yields `advance(n)`: n more of `total` done."""
    if quiet or total <= 0 or not sys.stderr.isatty():
        yield _nothing
        return
    with typer.progressbar(
        length=total,
        label=label,
        file=sys.stderr,
        show_pos=True,
        show_percent=True,
        show_eta=True,
        width=30,
    ) as bar:
        yield bar.update
