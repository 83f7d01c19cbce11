"""CSV files in and out: one reader for every import, one writer for every export.

Reading: the bytes must be UTF-8 (with or without the BOM Excel's "CSV UTF-8" writes);
anything else is refused with one line saying so, before a row is read. Rows come as
dicts by column with the line each starts on; every cell is cleaned like anything
else people write (bot/domain/text.py), so limits are checked on clean text. Broken
quoting and fields over the csv module's limit stop the file with their line number.

Writing: a spreadsheet runs a cell that starts with =, +, -, @, a tab or a carriage
return as a formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`). Every text cell that
starts so is written with a single quote in front, as OWASP advises, and reads as the
text it is. Numbers are written as numbers and never quoted: callers pass points,
ids and amounts as int (or Decimal), so -50 points stays a number a sheet can sum.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TextIO

from bot.domain.text import clean_text, is_clean

NOT_UTF8 = "the file is not UTF-8: save it as UTF-8 (CSV UTF-8 in Excel)"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvFileError(Exception):
    """The file as a whole can't be read; nothing in it was imported."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line else self.reason


def decode_csv(data: bytes) -> Iterator[str]:
    """The lines of a CSV file's bytes, for `CsvRows`. A NUL byte means UTF-16 or a
    binary file (UTF-8 text never holds one); bad UTF-8 is reported at its line."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise CsvFileError(NOT_UTF8, data.count(b"\n", 0, nul) + 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvFileError(NOT_UTF8, data.count(b"\n", 0, error.start) + 1) from None
    return io.StringIO(text, newline="")


class CsvRows:
    """The rows of a CSV text under its header row.

    `header` holds the column names (trimmed); iterating gives (line, row) pairs, where
    row maps each column to its cleaned cell, or is None when the row has another
    number of cells than the header. Blank lines are skipped."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._reader = csv.reader(lines, strict=True)
        first = self._next()
        self.header = [clean_text(name).strip() for name in first[1]] if first else []

    def _next(self) -> tuple[int, list[str]] | None:
        start = self._reader.line_num + 1
        try:
            return start, next(self._reader)
        except StopIteration:
            return None
        except csv.Error as error:
            raise CsvFileError(_reason(error), start) from None

    def __iter__(self) -> Iterator[tuple[int, dict[str, str] | None]]:
        for line, cells in self.records():
            yield line, None if cells is None else clean_row(self.header, cells)

    def records(self) -> Iterator[tuple[int, list[str] | None]]:
        """The rows as read, each cell not yet cleaned (`clean_row` cleans them, where
        the row is parsed: a large file may be parsed in other processes)."""
        while (record := self._next()) is not None:
            line, cells = record
            if cells:
                yield line, cells if len(cells) == len(self.header) else None


def clean_row(header: Sequence[str], cells: Sequence[str]) -> dict[str, str]:
    """A row's cells, cleaned, by column."""
    if is_clean("".join(cells)):  # most rows: every cell is clean as it is
        return dict(zip(header, cells, strict=True))
    return {name: clean_text(cell) for name, cell in zip(header, cells, strict=True)}


def _reason(error: csv.Error) -> str:
    message = str(error)
    if "field larger than field limit" in message:
        return f"a field is longer than {csv.field_size_limit():,} characters"
    if "unexpected end of data" in message:
        return 'a quoted field opened on this line is never closed (a " is missing)'
    if "expected after" in message:
        return 'a quote inside a quoted field must be doubled ("")'
    return f"the file is not valid CSV ({message})"


Cell = str | int | Decimal | None


def safe_cell(value: Cell) -> Cell:
    """A text cell a spreadsheet would run as a formula, quoted so it reads as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(fh: TextIO, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> int:
    """Write `header` and `rows` (None as an empty cell); returns how many rows."""
    writer = csv.writer(fh)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    return count
