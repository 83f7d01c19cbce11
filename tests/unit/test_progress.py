"""Long command-line work shows a bar with counts and time left on a terminal, and
nothing at all when piped or with --quiet."""

from __future__ import annotations

import io

import pytest

from bot.commands.progress import counted, progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(total: int, *, quiet: bool = False) -> None:
    with progress("owners.csv", total, quiet=quiet) as advance:
        for _ in counted(range(total), advance):
            pass


def test_a_terminal_sees_the_label_the_counts_and_the_time_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    run(2500)
    shown = screen.getvalue()
    assert "owners.csv" in shown
    assert "2500/2500" in shown
    assert "100%" in shown


@pytest.mark.parametrize("quiet", [True, False])
def test_a_pipe_or_quiet_gets_no_bar(monkeypatch: pytest.MonkeyPatch, quiet: bool) -> None:
    screen: io.StringIO = Terminal() if quiet else io.StringIO()
    monkeypatch.setattr("sys.stderr", screen)
    run(2500, quiet=quiet)
    assert screen.getvalue() == ""
