"""A large owner file is checked in several processes: the rows and the errors must
be those one process finds, line numbers and order included."""

from __future__ import annotations

from datetime import date

import pytest

from bench.imports import export_lines
from bot.data import load_reference
from bot.services import parallel
from bot.services.csv_files import decode_csv
from bot.services.importer import validate_file

TODAY = date(2026, 11, 23)


def a_file_with_every_kind_of_error() -> str:
    lines = export_lines(400)
    lines[3] = lines[3].replace("+6689", "+6612", 1)  # not a valid Thai number
    lines[10] = lines[10].replace("Owner9,", '"Ann\nMarie",', 1)  # a cell over two lines
    lines[50] = "\n"  # a blank line
    lines[120] = lines[120].replace(",TH-BKK-01", "")  # a cell short
    lines[250] = lines[250].replace("LAUS5AAA1SC000249", "LAUS5AAA1SC000020")  # VIN of row 20
    # row 4's phone, another owner (and car)
    lines[260] = lines[5].replace("Owner4", "Someone").replace("SC000004", "SC900004")
    lines[270] = lines[7]  # row 6 again: its VIN repeats
    lines[300] = lines[300].replace(",TH,", ",XX,").replace("1985-03-0", "1985-13-0")
    lines[399] = lines[399].replace(",S5,", ",S9,").replace("AAA1SC", "AA1SC")
    return "".join(lines)


@pytest.mark.parametrize("processes", [2, 3])
def test_a_file_checked_in_parts_gives_the_rows_and_errors_of_one_process(
    processes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, reference = a_file_with_every_kind_of_error(), load_reference()
    rows, report = validate_file(decode_csv(text.encode()), reference, TODAY, processes=1)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 10)
    in_parts, report_in_parts = validate_file(
        decode_csv(text.encode()), reference, TODAY, processes=processes
    )
    assert in_parts == rows
    assert report_in_parts == report
    assert report.rows == 399
    assert len(rows) == 399 - 7  # rows 300 and 399 have two errors each
    # the cell over two lines moves every later row a line down
    assert [str(e) for e in report.errors] == [
        "line 4, phone: is not a valid number for the market",
        "line 122: wrong number of columns",
        "line 252, vin: same VIN as line 23",
        "line 262, phone: same phone as line 6 but another owner",
        "line 272, vin: same VIN as line 8",
        "line 302, market: unknown market 'XX'",
        "line 302, birthday: '1985-13-03' is not a date as YYYY-MM-DD",
        "line 401, vin: must have 17 characters",
        "line 401, model: unknown model 'S9'",
    ]
