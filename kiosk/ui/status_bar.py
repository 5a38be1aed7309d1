"""The always-visible status line: online, last sync, queue, conflicts, counts, station, mode, clock."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from kiosk.services.desk import StatusSnapshot
from kiosk.ui.theme import STATUS_BAR_STYLE

MODE_LABELS = {"check-in": "Check-in", "check-out": "Check-out", "toggle": "In / out"}
PROBLEM_SHOWN_MS = 15_000


def format_age(seconds: float | None) -> str:
    """How long ago, in words a door team reads at a glance."""
    if seconds is None:
        return "never"
    seconds = max(0.0, seconds)
    if seconds < 10:
        return "just now"
    if seconds < 60:
        return f"{int(seconds)} s ago"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min ago" if minutes else f"{hours} h ago"


def mode_label(mode: str) -> str:
    return MODE_LABELS.get(mode, mode)


class StatusBar(QWidget):
    """Render a StatusSnapshot; each part is a label whose `level` property (good/warn/bad) styles it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StatusBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STATUS_BAR_STYLE)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(6)
        self.online = QLabel()
        self.sync_age = QLabel()
        self.queued = QLabel()
        self.conflicts = QLabel()
        self.counts = QLabel()
        self.problem = QLabel()
        self.clock = QLabel()
        self.station = QLabel()
        self.mode = QLabel()
        for label in (self.online, self.sync_age, self.queued, self.conflicts, self.counts):
            layout.addWidget(label)
        layout.addStretch(1)
        for label in (self.problem, self.clock, self.station, self.mode):
            layout.addWidget(label)
        self.problem.setProperty("level", "bad")
        self.problem.hide()
        self._problem_timer = QTimer(self)
        self._problem_timer.setSingleShot(True)
        self._problem_timer.timeout.connect(self.problem.hide)
        self.conflicts.hide()
        self.clock.hide()
        self.set_mode("check-in")

    def update_status(self, snapshot: StatusSnapshot) -> None:
        if snapshot.online is None:
            _set(self.online, "○ Not synced yet", "")
        elif snapshot.online:
            _set(self.online, "● Online", "good")
        else:
            _set(self.online, "● Offline", "bad")
        self.online.setToolTip(snapshot.last_error or "")
        age = format_age(snapshot.seconds_since_sync)
        text = "Never synced" if snapshot.last_sync is None else f"Synced {age}"
        _set(self.sync_age, text, "warn" if snapshot.sync_is_stale else "")
        self.sync_age.setToolTip(
            "The guest list may be behind: no successful sync for over five minutes."
            if snapshot.sync_is_stale else ""
        )
        _set(self.queued, f"Queued {snapshot.queued}" if snapshot.queued else "Queue empty", "")
        _set(self.conflicts, f"⚠ {snapshot.conflicts} conflict{'s' if snapshot.conflicts != 1 else ''}",
             "warn")
        self.conflicts.setVisible(snapshot.conflicts > 0)
        _set(self.counts, f"In {snapshot.checked_in} / {snapshot.total}", "")
        _set(self.station, snapshot.station, "")
        _set(self.clock, "⚠ Check the clock", "bad")
        self.clock.setToolTip(snapshot.clock_warning or "")
        self.clock.setVisible(snapshot.clock_warning is not None)

    def set_mode(self, mode: str) -> None:
        _set(self.mode, f"Mode: {mode_label(mode)}", "")

    def show_problem(self, text: str) -> None:
        """A failure staff must see (e.g. a scan that could not be saved); fades after a while."""
        self.problem.setText(text if len(text) <= 90 else text[:87] + "…")
        self.problem.setToolTip(text)
        self.problem.show()
        self._problem_timer.start(PROBLEM_SHOWN_MS)


def _set(label: QLabel, text: str, level: str) -> None:
    label.setText(text)
    if label.property("level") != level:
        label.setProperty("level", level)
        # A changed dynamic property only restyles after a re-polish.
        label.style().unpolish(label)
        label.style().polish(label)
