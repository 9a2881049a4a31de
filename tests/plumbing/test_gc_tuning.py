"""The collector as a served process runs it: start-up objects frozen, the young generation larger."""

import gc

import pytest

from app.plumbing.gc_tuning import YOUNG_THRESHOLD, freeze_startup_objects


@pytest.fixture
def collector():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_start_up_objects_are_left_out_of_collections_and_the_young_generation_is_larger(collector):
    made_at_start = [[index] for index in range(1_000)]  # containers the collector would track
    freeze_startup_objects()
    assert gc.get_freeze_count() >= len(made_at_start)
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD > 700
    # Still collected: garbage made after start, reference cycles included.
    cycle: list = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1
