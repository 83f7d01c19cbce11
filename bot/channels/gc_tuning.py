"""Python's cyclic garbage collector, set for a long-running bot.

By the time the bot takes its first update, start-up has made hundreds of thousands
of objects that live as long as the process: SQLAlchemy's mappings and compiled
statements, pydantic's schemas, the Babel catalogs. With the default settings every
full collection walks all of them again, and an update makes enough short-lived
objects to trigger collections constantly; in bench/pipeline.py that was close to a
third of the bot's CPU. So, while serving: start-up objects are frozen (the collector
skips them) and collections run less often. Cyclic garbage is still collected.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# (first generation, second, third): collect after 10,000 net allocations instead of
# 700, and the older generations a little less often than the default (10, 10).
SERVING_THRESHOLDS = (10_000, 20, 20)


@contextlib.contextmanager
def collector_tuned_for_serving() -> Iterator[None]:
    previous = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*SERVING_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()  # a process that goes on (tests) can free them again
