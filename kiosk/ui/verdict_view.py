"""The door screens: the ready screen, and the full-window verdict with its companion prompt."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.domain import Guest, VerdictKind
from kiosk.domain.timeutil import utcnow
from kiosk.services.checkin import ScanOutcome
from kiosk.ui.sounds import Sounds
from kiosk.ui.status_bar import mode_label
from kiosk.ui.theme import FitLabel, button_style, font, paint_background, scheme_for, valid_colour

# Seconds a verdict stays before the ready screen returns; longer where staff may need to step in.
SHOW_SECONDS = {"green": 4.0, "amber": 7.0, "red": 8.0}
PROMPT_SECONDS = 12.0
AFTER_ANSWER_SECONDS = 3.0

HINTS = {
    VerdictKind.UNKNOWN: "Please see the registration desk.",
    VerdictKind.DELETED: "Please see the registration desk.",
    VerdictKind.DEREGISTERED: "Please see the registration desk.",
    VerdictKind.NOT_IN: "Nothing was changed.",
}
SYMBOLS = {"green": "✔", "amber": "!", "red": "✖"}
READY_HINTS = {"check-in": "Hold your badge or ticket under the scanner",
               "check-out": "Leaving? Scan your badge to check out",
               "toggle": "Scan your badge to check in or out"}


def field_label(name: str) -> str:
    """'customField1' shows no label (its value says enough); 'dietaryNeeds' -> 'Dietary needs'."""
    if re.fullmatch(r"customField\d+", name):
        return ""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").strip()
    return words[:1].upper() + words[1:].lower()


def field_text(value: object) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value if v not in (None, ""))
    return str(value)


def describe_since(since: datetime, now: datetime, station: str | None) -> str:
    """'Checked in at 09:41, 12 min ago, at North entrance', in the station's local time."""
    minutes = int(max(0.0, (now - since).total_seconds()) // 60)
    if minutes < 1:
        ago = "just now"
    elif minutes < 120:
        ago = f"{minutes} min ago"
    else:
        ago = f"{minutes // 60} h {minutes % 60} min ago"
    text = f"Checked in at {since.astimezone().strftime('%H:%M')}, {ago}"
    return text + (f", at {station}" if station else "")


class ReadyView(QWidget):
    """What the queue sees between scans: what to do, the event, the mode."""

    def __init__(self, event_name: str, mode: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        paint_background(self, scheme_for("ready"))
        self.headline = FitLabel(90, 24, bold=True, max_lines=1)
        self.headline.setText("Scan your badge")
        self.hint = FitLabel(36, 12)
        self.event_label = FitLabel(40, 14)
        self.event_label.setText(event_name)
        self.mode = QLabel()
        self.mode.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 30, 40, 30)
        layout.addStretch(2)
        for widget in (self.headline, self.hint, self.mode):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.extra = QVBoxLayout()
        layout.addLayout(self.extra)
        layout.addStretch(1)
        layout.addWidget(self.event_label)
        self.set_mode(mode)

    def set_mode(self, mode: str) -> None:
        self.mode.setText(f"Mode: {mode_label(mode)}")
        self.hint.setText(READY_HINTS.get(mode, ""))

    def add_extra(self, widget: QWidget) -> None:
        """A panel under the instructions (the demo's sample codes)."""
        self.extra.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        h = max(300, self.height())
        self.headline.set_max_px(int(h * 0.11))
        self.hint.set_max_px(int(h * 0.045))
        self.event_label.set_max_px(int(h * 0.05))
        self.mode.setFont(font(int(h * 0.035)))


class VerdictView(QWidget):
    """One scan's answer over the whole window; `finished` asks the window to return to ready."""

    finished = Signal()

    def __init__(
        self,
        *,
        display_fields: Sequence[str] = (),
        sounds: Sounds | None = None,
        check_in_companion: Callable[[str], ScanOutcome | None] | None = None,
        clock: Callable[[], datetime] = utcnow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.display_fields = tuple(display_fields)
        self._sounds = sounds
        self._check_in_companion = check_in_companion
        self._clock = clock
        self.outcome: ScanOutcome | None = None
        self.colour = "ready"
        self.hold_seconds = 0.0
        self._companions: list[Guest] = []
        self.headline = FitLabel(80, 20, bold=True, max_lines=1)
        self.band = QFrame()
        self.band.setFixedHeight(28)
        self.name = FitLabel(130, 22, bold=True, max_lines=2)
        self.company = FitLabel(54, 14, max_lines=1)
        self.when = FitLabel(44, 14, max_lines=2)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt = QFrame()
        self.prompt_text = FitLabel(48, 14, bold=True, max_lines=2)
        self.prompt_names = FitLabel(32, 12, max_lines=2)
        self.yes = QPushButton("Yes, check in (Y)")
        self.no = QPushButton("No (N)")
        self.yes.clicked.connect(lambda: self.answer_companions(True))
        self.no.clicked.connect(lambda: self.answer_companions(False))
        for button in (self.yes, self.no):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Enter must answer the prompt, not a button
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.yes)
        buttons.addWidget(self.no)
        buttons.addStretch(1)
        prompt_layout = QVBoxLayout(self.prompt)
        prompt_layout.addWidget(self.prompt_text)
        prompt_layout.addWidget(self.prompt_names)
        prompt_layout.addLayout(buttons)
        self.prompt.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.addStretch(1)
        layout.addWidget(self.headline)
        layout.addSpacing(12)
        layout.addWidget(self.band)
        layout.addSpacing(12)
        for widget in (self.name, self.company, self.when, self.details):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.prompt)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timed_out)

    @property
    def prompt_visible(self) -> bool:
        return not self.prompt.isHidden()

    def remaining_ms(self) -> int:
        return self._timer.remainingTime() if self._timer.isActive() else 0

    def show_outcome(self, outcome: ScanOutcome) -> None:
        """Render a verdict, play its sound and start the countdown back to the ready screen."""
        self.outcome = outcome
        verdict = outcome.verdict
        guest = verdict.guest
        self.colour = verdict.kind.colour
        scheme = scheme_for(self.colour)
        paint_background(self, scheme)
        for button in (self.yes, self.no):
            button.setStyleSheet(button_style(scheme.text))
        self.headline.setText(f"{SYMBOLS[self.colour]}  {verdict.message}")
        self.name.setText(guest.display_name if guest else "")
        self.name.setVisible(guest is not None)
        self.company.setText(guest.company if guest else "")
        self.company.setVisible(bool(guest and guest.company))
        band = valid_colour(guest.highlight_color if guest else None)
        self.band.setStyleSheet(f"background: {band.name()}; border: 3px solid {scheme.text};"
                                if band else "")
        self.band.setVisible(band is not None)
        self.when.setText(self._when_text(outcome))
        self.when.setVisible(bool(self.when.text()))
        self.details.setText(self._details_text(outcome))
        self.details.setVisible(bool(self.details.text()))
        self._companions = list(outcome.companions)
        self._show_prompt()
        if self._sounds is not None:
            self._sounds.play_for(self.colour)
        self._fit_fonts()
        self.hold_seconds = PROMPT_SECONDS if self._companions else SHOW_SECONDS.get(self.colour, 5.0)
        self._timer.start(int(self.hold_seconds * 1000))

    def show_failure(self, headline: str, detail: str) -> None:
        """A scan that could not be saved: red, so the guest waits and staff look, and no guest shown."""
        self.stop()
        self.outcome = None
        self.colour = "red"
        scheme = scheme_for(self.colour)
        paint_background(self, scheme)
        self.headline.setText(f"{SYMBOLS[self.colour]}  {headline}")
        for widget in (self.name, self.company, self.band, self.details):
            widget.hide()
        self.when.setText(detail)
        self.when.show()
        if self._sounds is not None:
            self._sounds.play_for(self.colour)
        self._fit_fonts()
        self.hold_seconds = SHOW_SECONDS[self.colour]
        self._timer.start(int(self.hold_seconds * 1000))

    def answer_companions(self, yes: bool) -> int:
        """Y / Enter / tap on Yes checks the offered companions in; returns how many were admitted."""
        if not self._companions:
            return 0
        companions, self._companions = self._companions, []
        admitted = 0
        if yes and self._check_in_companion is not None:
            for companion in companions:
                result = self._check_in_companion(companion.id)
                admitted += int(result is not None and result.kind is VerdictKind.ADMITTED)
        self.yes.hide()
        self.no.hide()
        self.prompt_names.setText("")
        if yes:
            self.prompt_text.setText(f"✔ {admitted} companion{'s' if admitted != 1 else ''} checked in")
        else:
            self.prompt_text.setText("Companions not checked in")
        self._timer.start(int(AFTER_ANSWER_SECONDS * 1000))
        return admitted

    def stop(self) -> None:
        """Leave the verdict now (the next scan, staff opened their tools): an open prompt is declined."""
        self._timer.stop()
        self._companions = []
        self.prompt.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.handle_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def handle_key(self, event: QKeyEvent) -> bool:
        """One key answers the companion prompt: Y or Enter for yes, N or Esc for no."""
        if not self._companions:
            return False
        key = event.key()
        if key in (Qt.Key.Key_Y, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.answer_companions(True)
            return True
        if key in (Qt.Key.Key_N, Qt.Key.Key_Escape):
            self.answer_companions(False)
            return True
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_fonts()

    def _fit_fonts(self) -> None:
        h = max(300, self.height())
        self.headline.set_max_px(int(h * 0.075))
        self.name.set_max_px(int(h * 0.13))
        self.company.set_max_px(int(h * 0.055))
        self.when.set_max_px(int(h * 0.045))
        self.details.setFont(font(int(h * 0.036)))
        self.prompt_text.set_max_px(int(h * 0.05))
        self.prompt_names.set_max_px(int(h * 0.035))
        self.band.setFixedHeight(max(16, int(h * 0.035)))

    def _when_text(self, outcome: ScanOutcome) -> str:
        verdict = outcome.verdict
        if verdict.kind is VerdictKind.ALREADY_IN and verdict.since is not None:
            return describe_since(verdict.since, self._clock(), verdict.station)
        if verdict.kind is VerdictKind.UNKNOWN:
            shown = outcome.code if len(outcome.code) <= 40 else outcome.code[:39] + "…"
            return f"Code: {shown}" if shown else "The scan held no readable code."
        return HINTS.get(verdict.kind, "")

    def _details_text(self, outcome: ScanOutcome) -> str:
        guest = outcome.verdict.guest
        if guest is None:
            return ""
        lines = []
        for name in self.display_fields:
            text = field_text(guest.fields.get(name))
            if text:
                label = field_label(name)
                lines.append(f"{label}: {text}" if label else text)
        return "\n".join(lines)

    def _show_prompt(self) -> None:
        count = len(self._companions)
        self.prompt.setVisible(count > 0)
        if not count:
            return
        self.prompt_text.setText(f"+{count} companion{'s' if count != 1 else ''}: check them in too?")
        names = ", ".join(c.display_name for c in self._companions[:4])
        self.prompt_names.setText(names + (f" and {count - 4} more" if count > 4 else ""))
        self.yes.show()
        self.no.show()

    def _timed_out(self) -> None:
        self.stop()
        self.finished.emit()
