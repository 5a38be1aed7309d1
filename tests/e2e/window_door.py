"""The real kiosk window as a child process that a test drives through stdin, for tests with other processes.

`python tests/e2e/window_door.py --data-dir D` opens the configured station exactly as `kiosk` does
(kiosk.app.open_station, then kiosk.ui.qt_app.run_window: the controller with its second Store for the
sync thread, the sync loop, the application-wide scanner filter), offscreen. Commands, one per line:

    scan CODE    typed into the window as a scanner burst ending with Enter
    status       the figures the window's status bar shows

It answers with one JSON line each: {"ready": pid} once the window is up; per scan the outcome
({"code", "verdict", "change_id", "client_update"}, printed after the commit, when the door shows it)
or {"code", "not_saved"}; {"queued", "conflicts"} for status. SIGKILL it at any moment.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import threading
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk.app import open_station
from kiosk.domain.timeutil import format_time
from kiosk.services.checkin import ScanOutcome
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt_app import run_window


def answer(value: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


class Door:
    """Finds the window once run_window has built it, then plays the commands from stdin into it."""

    def __init__(self) -> None:
        self.commands: queue.Queue[str] = queue.Queue()
        self.window: MainWindow | None = None
        self.pending: list[str] = []
        threading.Thread(target=self._read_stdin, daemon=True).start()

    def _read_stdin(self) -> None:
        for line in sys.stdin:
            self.commands.put(line.strip())

    def tick(self) -> None:
        if self.window is None:
            found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
            if not found:
                return
            self.window = found[0]
            self.window.controller.outcome.connect(self._outcome)
            self.window.controller.scan_not_saved.connect(self._not_saved)
            answer({"ready": os.getpid()})
        while not self.commands.empty():
            command, _, arg = self.commands.get().partition(" ")
            if command == "scan":
                self.pending.append(arg)
                QTest.keyClicks(self.window, arg)
                QTest.keyClick(self.window, Qt.Key.Key_Return)
            elif command == "status":
                snapshot = self.window.controller.refresh_status()
                assert snapshot is not None
                answer({"queued": snapshot.queued, "conflicts": snapshot.conflicts})

    def _outcome(self, outcome: ScanOutcome) -> None:
        change = outcome.change
        answer(
            {
                "code": self.pending.pop(0) if self.pending else None,
                "verdict": outcome.kind.value,
                "change_id": change.change_id if change else None,
                "client_update": format_time(change.client_update) if change else None,
            }
        )

    def _not_saved(self, error: str) -> None:
        answer({"code": self.pending.pop(0) if self.pending else None, "not_saved": error})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # read when the QApplication is made
    QApplication(sys.argv[:1])
    door = Door()
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(door.tick)
    timer.start()
    return run_window(open_station(args.data_dir))


if __name__ == "__main__":
    sys.exit(main())
