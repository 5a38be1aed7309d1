"""P2, P8 and P9 in a fresh process with the real window (Qt offscreen, qasync), as `kiosk` starts it.

Each entry point prints nothing itself; the caller (child.py) prints the returned dict as JSON. P8's
readiness is announced on stdout the moment it happens, since the parent times it from the spawn.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()
PROBE_MS = 5
SETTLE_S = 0.5


def _qt_app() -> Any:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    return app


def _run(main: Callable[[Any], Any]) -> Any:
    """Run `main(app)` (a coroutine function) on a qasync loop, as the kiosk's window runs."""
    import qasync

    app = _qt_app()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(main(app))
    finally:
        loop.close()
        asyncio.set_event_loop(None)


class Probe:
    """A 5 ms precise timer; a tick that comes late shows how long the event loop was busy."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.ticks: list[float] = []
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(PROBE_MS)
        self._timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def longest_stall_ms(self, since: float = 0.0, until: float = float("inf")) -> tuple[float, int]:
        """The longest gap between ticks beyond the timer's own period, and the number of gaps > 50 ms."""
        ticks = [t for t in self.ticks if since <= t <= until]
        gaps = [(b - a) * 1000 - PROBE_MS for a, b in itertools.pairwise(ticks)]
        return (max(gaps) if gaps else float("nan")), sum(g > 50 for g in gaps)


async def _main_window(app: Any) -> Any:
    """The kiosk's MainWindow once run_station_window has shown it."""
    from kiosk.ui.main_window import MainWindow

    while True:
        for widget in app.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                return widget
        await asyncio.sleep(0.001)


def qt_floor(params: dict[str, Any]) -> dict[str, Any]:
    """P8's floor: the interpreter, Qt and one plain window shown, nothing of the kiosk."""
    from PySide6.QtWidgets import QLabel, QMainWindow

    app = _qt_app()
    window = QMainWindow()
    window.setCentralWidget(QLabel("ready"))
    window.show()
    app.processEvents()
    print("READY", flush=True)
    window.close()
    return {"inside_s": time.perf_counter() - STARTED}


def window(params: dict[str, Any]) -> dict[str, Any]:
    """P8: open the station, start the window as `kiosk` does, and answer a first scan."""
    from kiosk.app import open_station
    from kiosk.ui.qt_app import run_station_window

    imported = time.perf_counter()
    station = open_station(Path(params["data_dir"]))
    found: dict[str, Any] = {}

    async def main(app: Any) -> int:
        async def ready() -> None:
            win = await _main_window(app)
            for _ in range(3):  # a few turns of the loop: the window is exposed and painted
                await asyncio.sleep(0)
            outcome = win.controller.handle_scan(params["code"])
            found["verdict"] = outcome.kind.value if outcome else None
            found["ready_inside_s"] = time.perf_counter() - STARTED
            print("READY", flush=True)
            win.close_now()

        watcher = asyncio.ensure_future(ready())
        try:
            return await run_station_window(app, station)
        finally:
            watcher.cancel()

    _run(main)
    return {**found, "imports_s": imported - STARTED}


def _stale(data_dir: Path) -> None:
    """Set-up for P2: every mirrored row differs from the server's, so the full sync rewrites them all."""
    import sqlite3

    from kiosk.storage.config import mirror_path

    conn = sqlite3.connect(mirror_path(data_dir), isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE guests SET fields = '{}', name = 'Stale'")
        conn.execute("INSERT INTO guests_fts (guests_fts) VALUES ('rebuild')")
        conn.execute("UPDATE sync_state SET cursor = NULL")
        conn.execute("COMMIT")
    finally:
        conn.close()


def _window_during_sync(data_dir: Path, every_ms: int, on_tick: Callable[[Any], None] | None) -> dict[str, Any]:
    """Start the window on `data_dir`; its background sync begins with a full pull. Until that round
    reports, `on_tick(window)` runs every `every_ms`; the 5 ms probe runs throughout."""
    from PySide6.QtCore import QTimer

    from kiosk.app import open_station
    from kiosk.ui.qt_app import run_station_window

    station = open_station(data_dir)
    result: dict[str, Any] = {}

    async def main(app: Any) -> int:
        probe = Probe()
        await asyncio.sleep(1.0)  # the loop idle: the probe's own jitter, the floor of P9
        result["idle_stall_ms"], _ = probe.longest_stall_ms()

        async def watch() -> None:
            win = await _main_window(app)
            began = time.perf_counter()
            done = asyncio.get_running_loop().create_future()

            def first_report(report: Any) -> None:
                if not done.done():
                    done.set_result(report)

            win.controller.synced.connect(first_report)
            if win.controller.last_report is not None:  # a small list: the round ended before the window
                first_report(win.controller.last_report)
            ticker = QTimer()
            if on_tick is not None:
                ticker.timeout.connect(lambda: on_tick(win))
                ticker.start(every_ms)
            report = await done
            ticker.stop()
            ended = time.perf_counter()
            result.update(sync_s=ended - began, pulled=report.pulled, sync_error=report.error, full=report.full)
            # The window's own first layout and paint are start-up (P8), not the sync's doing; a sync
            # too short to leave them out is measured whole.
            settled = began + SETTLE_S if ended - began > 2 * SETTLE_S else began
            result["stall_ms"], result["stalls_over_50ms"] = probe.longest_stall_ms(settled, ended)
            probe.stop()
            win.close_now()

        watcher = asyncio.ensure_future(watch())
        try:
            return await run_station_window(app, station)
        finally:
            watcher.cancel()

    _run(main)
    return result


def stall(params: dict[str, Any]) -> dict[str, Any]:
    """P9: the longest event-loop stall while the window does its first full sync from empty."""
    return _window_during_sync(Path(params["data_dir"]), 0, None)


def scans_during_sync(params: dict[str, Any]) -> dict[str, Any]:
    """P2: scans every 20 ms on the window's thread while its background sync rewrites all 100k rows."""
    data_dir = Path(params["data_dir"])
    _stale(data_dir)
    codes = list(params["codes"])
    scan_s: list[float] = []
    shown_s: list[float] = []

    def scan(win: Any) -> None:
        if not codes:
            return
        controller = win.controller
        began = time.perf_counter()
        outcome = controller.checkin.scan(codes.pop(0), controller.mode)
        decided = time.perf_counter()
        controller.outcome.emit(outcome)
        shown = time.perf_counter()
        scan_s.append(decided - began)
        shown_s.append(shown - began)

    result = _window_during_sync(data_dir, 20, scan)
    return {**result, "scan_s": scan_s, "shown_s": shown_s}
