"""Pure-Python work over a long list, shared with worker processes.

Checking a 100,000-row import is seconds of CPU in one process (parsing phone numbers,
mostly); the machine's other cores take a part each. The caller's process works on
the first part while forked processes work on the rest, and the results come back in
the list's order, so the caller sees what one process would have given.

Workers are forked (Linux only): they start at once and inherit their part, where a
fork server or a spawned process would import the caller's main module again (the
CLI's: close to 2 s) and receive its part pickled. A worker only runs `work` on plain
values and leaves with os._exit: the caller's threads, loop and connections, which
the fork copies, are never touched. Short lists stay in the caller's process, and so
does everything elsewhere than on Linux.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a worker's start and the results' trip back cost about what
# it saves.
PARALLEL_MIN_ITEMS = 20_000
# More processes than this share the same memory bandwidth for little gain.
MAX_PROCESSES = 4


def usable_cpus() -> int:
    """The cores this process may run on (a container may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def map_in_parts(
    work: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    *,
    processes: int | None = None,
    min_items: int | None = None,
) -> list[R]:
    """`work` over consecutive parts of `items`, concatenated: the same list as
    `work(items)` when `work` maps each item on its own. `processes`: at most this
    many, the caller's included (default: one a usable core); `min_items`: fewer stay
    in the caller's process (default: PARALLEL_MIN_ITEMS)."""
    count = min(processes or usable_cpus(), MAX_PROCESSES)
    shortest = PARALLEL_MIN_ITEMS if min_items is None else min_items
    if count < 2 or len(items) < max(shortest, 2) or sys.platform != "linux":
        return work(items)
    size = -(-len(items) // count)  # ceiling: the caller's part is never the smaller
    parts = [items[start : start + size] for start in range(0, len(items), size)]
    with warnings.catch_warnings():
        # Python 3.12+ warns when a process with threads forks: see the module's
        # docstring for why these workers are safe.
        warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
        with ProcessPoolExecutor(
            len(parts) - 1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_take_parts,
            initargs=(work, parts),  # inherited by the fork, not pickled
        ) as pool:
            futures = [pool.submit(_work_on_part, index) for index in range(1, len(parts))]
            results = work(parts[0])
            for future in futures:
                results.extend(future.result())
    return results


# In a worker: what it was forked with.
_parts: tuple[Callable[[Sequence[Any]], list[Any]], list[Sequence[Any]]] | None = None


def _take_parts(work: Callable[[Sequence[Any]], list[Any]], parts: list[Sequence[Any]]) -> None:
    global _parts
    # What the worker inherited is never garbage: collections that walked it would
    # touch (and so copy) every page of the caller's memory.
    gc.freeze()
    _parts = (work, parts)


def _work_on_part(index: int) -> list[Any]:
    assert _parts is not None, "a worker forked by map_in_parts"
    work, parts = _parts
    return work(parts[index])
