"""A large start-up index is frozen out of the cyclic garbage collector; a small one is not."""

import gc

from service.screening import live


def test_small_index_is_not_frozen():
    before = gc.get_freeze_count()
    assert live._freeze_if_large(live.FREEZE_MIN_ENTRIES - 1) is None
    assert gc.get_freeze_count() == before


def test_large_index_is_frozen_and_timed():
    try:
        seconds = live._freeze_if_large(live.FREEZE_MIN_ENTRIES)
        assert seconds is not None and seconds >= 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # this test process keeps collecting its own garbage
