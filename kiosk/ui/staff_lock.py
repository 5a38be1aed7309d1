"""Locks the staff area again after a spell without staff input, so a walked-away laptop is not left open."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

log = logging.getLogger(__name__)

# What a person does at the staff tools. Scanner bursts must not count, or guests scanning at an
# unattended station would keep the staff area open: Qt runs the newest application filter first, so
# the scan filter is (re)installed after this one (see MainWindow) and swallows a burst before it gets here.
# Typing still counts: the scan filter hands it on as replayed key presses, which pass through here.
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
    }
)


class StaffIdleLock(QObject):
    """Calls `on_idle` once `idle_ms` pass without input while armed; dialogs of `window` are shut first.

    It watches from creation on (so that a scan filter installed later sits in front of it) but only
    counts while armed.
    """

    def __init__(self, window: QWidget, idle_ms: int, on_idle: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._on_idle = on_idle
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(idle_ms)
        self._timer.timeout.connect(self._expired)
        self._armed = False
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def armed(self) -> bool:
        return self._armed

    def arm(self) -> None:
        """Start (or restart) the wait; the staff area has just opened."""
        self._armed = True
        self._timer.start()

    def disarm(self) -> None:
        self._armed = False
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._armed and event.type() in _ACTIVITY:
            self._timer.start()
        return False

    def _expired(self) -> None:
        if not self._armed:
            return
        self.disarm()
        # A confirmation left open (undo, "mark as seen", set PIN) would otherwise wait on top of the
        # ready screen for the next passer-by to answer it.
        modal = QApplication.activeModalWidget()
        if modal is not None and modal is not self._window and _belongs_to(modal, self._window):
            if isinstance(modal, QDialog):
                modal.reject()
            else:
                modal.close()
        log.info("staff area locked after %d s without input", self._timer.interval() // 1000)
        self._on_idle()


def _belongs_to(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False
