"""A small real-Qt program for the X key tests: one kiosk widget, the scan filter, and a line per thing seen.

Run as `python -m tests.e2e.x_harness MODE [DATA_DIR]` on an X display. MODE is `scan` (a focused text
field; prints `SCANNED <code>` and `TYPED <text>` on Enter), `set-pin` or `ask-pin` (the staff PIN dialogs
on a PinGuard in DATA_DIR; print `MESSAGE <text>` after each submit and `FINISHED <result>`). Every
value is JSON, so control characters show. It prints `READY` once its window is up and quits by itself.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from kiosk.services.pin import PinGuard
from kiosk.ui.pin_dialog import PinDialog, SetPinDialog
from kiosk.ui.scan_filter import install

TITLE = "x-harness"
QUIT_AFTER_MS = 60_000


def say(kind: str, value: object = "") -> None:
    print(kind, json.dumps(value), flush=True)


def main(argv: list[str]) -> int:
    mode = argv[0]
    app = QApplication(sys.argv[:1])
    scan_filter = install(app)
    scan_filter.scanned.connect(lambda code: say("SCANNED", code))
    widget: QWidget
    if mode == "scan":
        edit = QLineEdit()
        edit.returnPressed.connect(lambda: say("TYPED", edit.text()))
        widget = edit
    elif mode in ("set-pin", "ask-pin"):
        guard = PinGuard(Path(argv[1]))
        dialog = SetPinDialog(guard) if mode == "set-pin" else PinDialog(guard)
        # Connected after the dialog's own slot: the message is the one the submit left on screen.
        dialog.pad.submitted.connect(lambda _pin: say("MESSAGE", dialog.message.text()))

        def finished(result: int) -> None:
            say("FINISHED", result)
            app.quit()

        dialog.finished.connect(finished)
        widget = dialog
    else:
        print(f"unknown mode {mode!r}", file=sys.stderr)
        return 2
    widget.setWindowTitle(TITLE)
    widget.resize(480, 420)
    widget.show()
    QTimer.singleShot(0, lambda: say("READY"))
    QTimer.singleShot(QUIT_AFTER_MS, app.quit)
    app.exec()
    scan_filter.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
