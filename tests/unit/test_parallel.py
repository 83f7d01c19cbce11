from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import pytest

from bot.services import parallel
from bot.services.parallel import map_in_parts

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux")


def squares_and_pids(items: Sequence[int]) -> list[tuple[int, int]]:
    return [(n * n, os.getpid()) for n in items]


@pytest.mark.parametrize(("count", "processes"), [(0, 2), (1, 2), (7, 2), (10, 3), (11, 4)])
def test_the_parts_come_back_in_the_order_of_the_list(count: int, processes: int) -> None:
    done = map_in_parts(squares_and_pids, range(count), processes=processes, min_items=1)
    assert [square for square, _ in done] == [n * n for n in range(count)]


@linux_only
def test_a_long_list_is_shared_with_worker_processes_the_caller_taking_the_first_part() -> None:
    done = map_in_parts(squares_and_pids, range(10), processes=2, min_items=10)
    pids = [pid for _, pid in done]
    assert pids[:5] == [os.getpid()] * 5
    assert len(set(pids[5:])) == 1
    assert pids[5] != os.getpid()


def test_a_short_list_stays_in_the_callers_process() -> None:
    done = map_in_parts(squares_and_pids, range(10), processes=2, min_items=11)
    assert {pid for _, pid in done} == {os.getpid()}
    assert parallel.PARALLEL_MIN_ITEMS > 1_000  # the bot's and the tests' small files


def test_one_usable_core_means_one_process() -> None:
    done = map_in_parts(squares_and_pids, range(10), processes=1, min_items=1)
    assert {pid for _, pid in done} == {os.getpid()}


def failing(items: Sequence[int]) -> list[int]:
    if 7 in items:
        raise ValueError("seven")
    return list(items)


def test_a_workers_exception_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="seven"):
        map_in_parts(failing, range(10), processes=2, min_items=1)
