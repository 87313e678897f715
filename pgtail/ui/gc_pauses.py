"""Fewer and shorter garbage-collection pauses while the UI runs.

A full collection walks every object Python tracks. Right after start-up that is some 70,000
objects of Textual, its styles and the widgets, which live as long as the app; at 100
notifications a second, full collections came about once a second and stopped the screen for
100-190 ms each (most of the NOTIFY -> screen p99). Once the first frame is drawn, what is left
after one collection is moved out of the collector's way (``gc.freeze``), and full collections
run ten times less often; the younger generations, which free most garbage, are collected as
before.
"""

from __future__ import annotations

import gc

#: Collections of the middle generation between two full ones (Python's default is 10).
FULL_COLLECTION_EVERY = 100


def fewer_gc_pauses(headless: bool = False) -> None:
    """Call once the app has drawn its first frame. A headless app (the tests, many apps in one
    process) leaves the process's collector alone: this is for a process that pgtail owns."""
    if headless:
        return
    gc.collect()  # nothing that is already garbage is frozen
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
