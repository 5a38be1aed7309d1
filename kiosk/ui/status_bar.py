"""The always-visible status line: online, last sync, queue, conflicts, counts, station, mode, clock.

It fits any width from a 7-inch kiosk up: when everything does not fit, the least urgent items give way
(station first, then mode, an empty queue, the counts, ...); being online or not and the clock warning
stay, and a problem line is shortened with "…" (its whole text is in the tooltip). Its minimum width
never grows with what it says, so the window never outgrows the screen.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QWidget

from kiosk.domain.text import QT_TRANSLATE_NOOP
from kiosk.services.desk import StatusSnapshot
from kiosk.ui.i18n import COUNTED, translate, translated
from kiosk.ui.theme import STATUS_BAR_STYLE

MODE_LABELS = {
    "check-in": QT_TRANSLATE_NOOP("Status", "Check-in"),
    "check-out": QT_TRANSLATE_NOOP("Status", "Check-out"),
    "toggle": QT_TRANSLATE_NOOP("Status", "In / out"),
}
PROBLEM_SHOWN_MS = 15_000
PROBLEM_MAX_CHARS = 90
PROBLEM_MIN_PX = 160  # a shortened problem line keeps at least this much room; others give way first
STATION_MAX_PX = 260  # a long station name is shortened rather than crowd out the rest
STATION_SHORT_PX = 160
ONLINE_SHORT_TEXTS = (
    QT_TRANSLATE_NOOP("Status", "○ Not synced"),
    QT_TRANSLATE_NOOP("Status", "● Online"),
    QT_TRANSLATE_NOOP("Status", "● Offline"),
)  # what the online item shows when short
PROBLEM_RANK = 4.5  # see StatusBar._rank: items below it give way to a problem line


def format_age(seconds: float | None) -> str:
    """How long ago, in words a door team reads at a glance."""
    if seconds is None:
        return translate("Status", "never")
    seconds = max(0.0, seconds)
    if seconds < 10:
        return translate("Status", "just now")
    if seconds < 60:
        return translate("Status", "{seconds} s ago").format(seconds=int(seconds))
    minutes = int(seconds // 60)
    if minutes < 60:
        return translate("Status", "{minutes} min ago").format(minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if minutes:
        return translate("Status", "{hours} h {minutes} min ago").format(hours=hours, minutes=minutes)
    return translate("Status", "{hours} h ago").format(hours=hours)


def mode_label(mode: str) -> str:
    return translated(MODE_LABELS.get(mode, mode))


class StatusBar(QWidget):
    """Render a StatusSnapshot; each part is a label whose `level` property (good/warn/bad) styles it."""

    def __init__(self, parent: QWidget | None = None, *, station_only: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("StatusBar")
        # The platform takes no check-ins (Uploads.STATION_ONLY): the queue never drains, so it is not
        # shown as one; the door team reads that its check-ins are kept here.
        self.station_only = station_only
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STATUS_BAR_STYLE)
        self._layout = layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(6)
        # The items' widths are no minimum: `_fit` hides what does not fit instead.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.online = QLabel()
        self.sync_age = QLabel()
        self.queued = QLabel()
        self.conflicts = QLabel()
        # Badges the printer did not take (kiosk.services.badges): amber until printed or dropped.
        self.badges = QLabel()
        self.counts = QLabel()
        self.problem = QLabel()
        self.clock = QLabel()
        self.station = QLabel()
        self.mode = QLabel()
        self._probe = QLabel(self)  # measures texts in the bar's style; never shown
        self._probe.hide()
        self._items = (
            self.online,
            self.sync_age,
            self.queued,
            self.conflicts,
            self.badges,
            self.counts,
            self.problem,
            self.clock,
            self.station,
            self.mode,
        )
        for label in self._items[:6]:
            layout.addWidget(label)
        layout.addStretch(1)
        for label in self._items[6:]:
            layout.addWidget(label)
        # What each item would say, in full and short; None: nothing to say now (no conflicts, a good clock).
        self._texts: dict[QLabel, str | None] = dict.fromkeys(self._items)
        self._short: dict[QLabel, str] = {}
        self._stale = False
        self._queue_empty = True
        self.problem.setProperty("level", "bad")
        self._problem_timer = QTimer(self)
        self._problem_timer.setSingleShot(True)
        self._problem_timer.timeout.connect(self._problem_over)
        for label in self._items:
            label.hide()
        self.set_mode("check-in")

    # --- what it says

    def update_status(self, snapshot: StatusSnapshot) -> None:
        if snapshot.online is None:
            self._say(self.online, translate("Status", "○ Not synced yet"), "", translated(ONLINE_SHORT_TEXTS[0]))
        elif snapshot.online:
            self._say(self.online, translated(ONLINE_SHORT_TEXTS[1]), "good")
        else:
            self._say(self.online, translated(ONLINE_SHORT_TEXTS[2]), "bad")
        self.online.setToolTip(translated(snapshot.last_error or ""))
        age = format_age(snapshot.seconds_since_sync)
        never = translate("Status", "Never synced")
        text = never if snapshot.last_sync is None else translate("Status", "Synced {age}").format(age=age)
        self._stale = snapshot.sync_is_stale
        self._say(
            self.sync_age,
            text,
            "warn" if snapshot.sync_is_stale else "",
            never if snapshot.last_sync is None else age,
        )
        self.sync_age.setToolTip(
            translate("Status", "The guest list may be behind: no successful sync for over five minutes.")
            if snapshot.sync_is_stale else ""
        )
        self._queue_empty = not snapshot.queued or self.station_only
        if self.station_only:
            self._say(self.queued, translate("Status", "Check-ins kept on this station: {count}").format(
                count=snapshot.queued), "", translate("Status", "Kept here: {count}").format(count=snapshot.queued))
            self.queued.setToolTip(
                translate("Status", "This platform takes no check-ins: they stay on this station only.")
            )
        else:
            queued = translate("Status", "Queued {count}").format(count=snapshot.queued)
            self._say(self.queued, queued if snapshot.queued else translate("Status", "Queue empty"), "")
        self._say(
            self.conflicts, f"⚠ {COUNTED.conflicts(snapshot.conflicts)}" if snapshot.conflicts > 0 else None, "warn"
        )
        self._say(
            self.counts,
            translate("Status", "In {inside} / {total}").format(inside=snapshot.checked_in, total=snapshot.total),
            "",
            translate("Status", "In {inside}/{total}").format(inside=snapshot.checked_in, total=snapshot.total),
        )
        self._say(self.station, snapshot.station, "")
        self.station.setToolTip(translate("Status", "Station: {station}").format(station=snapshot.station))
        self._say(
            self.clock,
            translate("Status", "⚠ Check the clock") if snapshot.clock_warning is not None else None,
            "bad",
            translate("Status", "⚠ Clock"),
        )
        self.clock.setToolTip(translated(snapshot.clock_warning or ""))
        self._fit()

    def show_print_notice(self, text: str, short: str = "") -> None:
        """What happened to a badge the printer did not take ("" once none waits); stays until then.

        The bar shows `short` (what went wrong) when the whole line does not fit; the tooltip has it all."""
        self._say(self.badges, text or None, "warn", short or translate("Status", "⚠ Badge not printed"))
        self.badges.setToolTip(text)
        self._fit()

    def set_mode(self, mode: str) -> None:
        self._say(self.mode, translate("Status", "Mode: {mode}").format(mode=mode_label(mode)), "", mode_label(mode))
        self._fit()

    def show_problem(self, text: str) -> None:
        """A failure staff must see (e.g. a scan that could not be saved); fades after a while."""
        text = translated(text)
        short = text if len(text) <= PROBLEM_MAX_CHARS else text[: PROBLEM_MAX_CHARS - 3] + "…"
        self._texts[self.problem] = short
        self.problem.setToolTip(text)
        self._problem_timer.start(PROBLEM_SHOWN_MS)
        self._fit()

    def said(self, label: QLabel) -> str | None:
        """What `label` says in full (its text on screen may be the short form, or it may give way)."""
        return self._texts[label]

    def shown_items(self) -> list[QLabel]:
        """The items on screen now, in their order (what fitted)."""
        return [label for label in self._items if not label.isHidden()]

    def _problem_over(self) -> None:
        self._texts[self.problem] = None
        self._fit()

    def _say(self, label: QLabel, text: str | None, level: str, short: str | None = None) -> None:
        self._texts[label] = text
        self._short[label] = short or text or ""
        if text is not None:
            _set(label, text, level)

    # --- fitting

    def minimumSizeHint(self) -> QSize:
        # Whatever is said, the bar asks for no more than "offline" and a shortened problem line.
        margins = self._layout.contentsMargins()
        self._probe.ensurePolished()
        online = 0
        for text in ONLINE_SHORT_TEXTS:
            self._probe.setText(translated(text))
            online = max(online, self._probe.sizeHint().width())
        width = margins.left() + margins.right() + online + self._layout.spacing() + PROBLEM_MIN_PX
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _rank(self, label: QLabel) -> float:
        """Lower gives way first; online never does."""
        ranks = {
            self.station: 0,
            self.mode: 1,
            self.queued: 2 if self._queue_empty else 5,
            self.counts: 3,
            self.sync_age: 6 if self._stale else 4,
            self.conflicts: 7,
            self.badges: 6.5,
            self.clock: 8,
        }
        return ranks.get(label, math.inf)

    def _fit(self) -> None:
        """Full texts where they fit; else short ones, least urgent first; then those give way too."""
        margins = self._layout.contentsMargins()
        room = self.width() - margins.left() - margins.right()
        spacing = self._layout.spacing()
        wanted = [label for label in self._items if self._texts[label] is not None and label is not self.problem]
        problem = self._texts[self.problem]
        problem_px = problem_full_px = 0
        if problem is not None:
            self.problem.ensurePolished()
            self.problem.setText(problem)
            problem_full_px = self.problem.sizeHint().width()
            problem_px = min(problem_full_px, PROBLEM_MIN_PX)
        shown = set(wanted)
        widths: dict[QLabel, int] = {}

        def measure(label: QLabel, short: bool) -> None:
            label.ensurePolished()
            text = (self._short[label] if short else self._texts[label]) or ""
            if label is self.station:
                text = _elided(label, text, STATION_SHORT_PX if short else STATION_MAX_PX)
            label.setText(text)
            widths[label] = label.sizeHint().width()

        def needed() -> int:
            count = len(shown) + (problem is not None)
            return sum(widths[label] for label in shown) + problem_px + spacing * count

        for label in wanted:
            measure(label, short=False)
        for label in sorted(wanted, key=self._rank):  # the least urgent items are shortened first
            if needed() <= room:
                break
            measure(label, short=True)
        if problem is not None:
            # A problem is more urgent than the station, mode, counts or a fresh sync time: they make
            # room for its whole line first.
            minimum, problem_px = problem_px, problem_full_px
            for label in sorted(wanted, key=self._rank):
                if needed() <= room or self._rank(label) >= PROBLEM_RANK:
                    break
                shown.discard(label)
            problem_px = minimum
        for label in sorted(wanted, key=self._rank):
            if needed() <= room or self._rank(label) == math.inf:
                break
            shown.discard(label)
        if problem is not None:
            left = room - needed() + problem_px
            self.problem.setText(_elided(self.problem, problem, max(left, 0)))
        for label in self._items:
            visible = label in shown or (label is self.problem and problem is not None)
            if visible != (not label.isHidden()):
                label.setVisible(visible)


def _elided(label: QLabel, text: str, width: int) -> str:
    """`text` shortened with "…" so that `label` (padding included) is at most `width` pixels wide."""
    padding = label.sizeHint().width() - label.fontMetrics().horizontalAdvance(label.text())
    return label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, max(0, width - padding))


def _set(label: QLabel, text: str, level: str) -> None:
    label.setText(text)
    if label.property("level") != level:
        label.setProperty("level", level)
        # A changed dynamic property only restyles after a re-polish.
        label.style().unpolish(label)
        label.style().polish(label)
