"""While serving, start-up objects are frozen and collections run less often; after,
the process gets Python's settings and its objects back."""

from __future__ import annotations

import gc

from bot.channels.gc_tuning import SERVING_THRESHOLDS, collector_tuned_for_serving


def test_serving_freezes_start_up_objects_and_restores_the_collector_afterwards() -> None:
    before = gc.get_threshold()
    with collector_tuned_for_serving():
        assert gc.get_threshold() == SERVING_THRESHOLDS
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cyclic_garbage_made_while_serving_is_still_collected() -> None:
    class Node:
        other: Node

    with collector_tuned_for_serving():
        for _ in range(50_000):  # enough allocations to pass the raised threshold
            a, b = Node(), Node()
            a.other, b.other = b, a
        alive = sum(isinstance(o, Node) for o in gc.get_objects())
    assert alive < 50_000
