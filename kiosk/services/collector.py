"""Python's cycle collector held off while a first download builds its pages (they hold no cycles)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def cycle_collector_paused(pause: bool = True) -> Iterator[None]:
    """Automatic cycle collection off for the block, back on after it if it was on before.

    A first download makes some 30 container objects per guest: record dicts, Guests, rows. None of them
    is in a cycle, and reference counting frees each page once written; but every 700 allocations the
    collector walked the pages in flight, and its full walks grew with them. At 100,000 guests that was
    1.0 s of a 6.8 s first download, on the thread that parses. Where the collector is already managed
    (the window runs it on its own timer and turns it off), this changes nothing.
    """
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
