"""When Python's cycle collector runs while the window is up: on the Qt thread, and not during a download."""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

# Young objects are collected this often, everything every 30th time.
GC_INTERVAL_MS = 1000
# A download counts as under way while its progress came within this long (pages land every second or so).
DOWNLOAD_QUIET_S = 3.0
# The collector waits out a download for at most this many ticks (about 5 min), then runs once anyway.
MAX_PAUSED_TICKS = 300


class DownloadWatch:
    """Whether the window's sync is writing pages of a download right now (its progress keeps coming)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last: float | None = None

    def progressed(self, *_: object) -> None:
        self._last = self._clock()

    def ended(self, *_: object) -> None:
        self._last = None

    def busy(self) -> bool:
        return self._last is not None and self._clock() - self._last < DOWNLOAD_QUIET_S


class PeriodicCollector:
    """The cycle collector's schedule on the Qt thread: young objects each tick, everything every 30th.

    During a download the ticks pass (for at most MAX_PAUSED_TICKS in a row): the pages in flight are
    hundreds of thousands of live objects without cycles, reference counting frees them, and walking them
    took 15-31 ms a tick at 1,000,000 guests, the window's longest stalls (P9).
    """

    def __init__(self, busy: Callable[[], bool] = lambda: False, collect: Callable[[int], object] = gc.collect) -> None:
        self._busy = busy
        self._collect = collect
        self.ticks = 0
        self.paused = 0

    def tick(self) -> None:
        if self._busy() and self.paused < MAX_PAUSED_TICKS:
            self.paused += 1
            return
        self.paused = 0
        self.ticks += 1
        self._collect(2 if self.ticks % 30 == 0 else 0)


@contextlib.contextmanager
def garbage_collected_on_qt_thread(app: QApplication, busy: Callable[[], bool] = lambda: False) -> Iterator[None]:
    """Run Python's cycle collector only on the Qt thread while the window is up.

    Left automatic, a collection can start in whichever thread happens to allocate (the sync worker,
    the demo's server) and destroy Qt objects caught in reference cycles there, off their own thread:
    a crash some time later. Reference counting still frees everything else at once.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    # What exists by now (modules, Qt wrappers, the station) lives as long as the window. Frozen, the
    # collector stops walking it every time: a full collection took 34-37 ms on the bench VM, longer
    # than any other pause of the event loop during a full sync (P9); afterwards it takes microseconds.
    gc.collect()
    gc.freeze()
    collector = PeriodicCollector(busy)

    timer = QTimer(app)
    timer.setInterval(GC_INTERVAL_MS)
    timer.timeout.connect(collector.tick)
    timer.start()
    try:
        yield
    finally:
        timer.stop()
        timer.deleteLater()
        gc.unfreeze()
        gc.collect()
        if was_enabled:
            gc.enable()
