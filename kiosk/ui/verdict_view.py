"""The door screens: the ready screen, and the full-window verdict with its companion prompt."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.domain import Guest, VerdictKind
from kiosk.domain.text import QT_TRANSLATE_NOOP
from kiosk.domain.timeutil import utcnow
from kiosk.services.checkin import ScanOutcome
from kiosk.ui.count_prompt import CountPrompt, companions_text
from kiosk.ui.i18n import COUNTED, translate, translated
from kiosk.ui.i18n import field_label as translated_label
from kiosk.ui.recent_strip import RecentEntry, RecentStrip, RecentVerdicts
from kiosk.ui.sounds import Sounds
from kiosk.ui.status_bar import mode_label
from kiosk.ui.theme import (
    FitLabel,
    button_style,
    paint_background,
    scheme_for,
    small_text_px,
    text_colour_on,
    valid_colour,
)
from kiosk.ui.verdict_text import Screen, describe_since, field_label, field_text, screen_for

__all__ = ["ReadyView", "VerdictView", "describe_since", "field_label", "field_text"]

# Seconds a verdict stays before the ready screen returns; longer where staff may need to step in.
SHOW_SECONDS = {"green": 4.0, "blue": 4.0, "undo": 5.0, "amber": 7.0, "red": 8.0}
AFTER_ANSWER_SECONDS = 3.0
HIGHLIGHT_WITHOUT_LABEL = QT_TRANSLATE_NOOP("Door", "★ Highlighted guest")

READY_HINTS = {
    "check-in": QT_TRANSLATE_NOOP("Door", "Hold your badge or ticket under the scanner"),
    "check-out": QT_TRANSLATE_NOOP("Door", "Leaving? Scan your badge to check out"),
    "toggle": QT_TRANSLATE_NOOP("Door", "Scan your badge to check in or out"),
}
# Any mode but plain check-in says so in large type: a scan there does not let anybody in.
MODE_BANNERS = {
    "check-out": ("blue", QT_TRANSLATE_NOOP("Door", "➜  CHECK-OUT mode: scanning lets guests out")),
    "toggle": ("undo", QT_TRANSLATE_NOOP("Door", "⇄  IN / OUT mode: a scan checks in, or out if inside")),
}


class ReadyView(QWidget):
    """What the queue sees between scans: what to do, the event, the mode, the last few verdicts."""

    def __init__(
        self, event_name: str, mode: str, recent: RecentVerdicts | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        paint_background(self, scheme_for("ready"))
        self.headline = FitLabel(90, 24, bold=True, max_lines=1)
        self.headline.setText(translate("Door", "Scan your badge"))
        self.hint = FitLabel(36, 18)
        self.mode_banner = FitLabel(48, 20, bold=True, max_lines=2)
        self.event_label = FitLabel(40, 18)
        self.event_label.setText(event_name)
        self.mode = FitLabel(28, 14, max_lines=1)
        self.strip: RecentStrip | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 8)
        layout.addStretch(2)
        for widget in (self.headline, self.hint, self.mode_banner, self.mode):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.extra = QVBoxLayout()
        layout.addLayout(self.extra)
        layout.addStretch(1)
        layout.addWidget(self.event_label)
        self._layout = layout
        self.set_mode(mode)
        if recent is not None:
            self.show_recent(recent)

    def set_mode(self, mode: str) -> None:
        self.mode.setText(translate("Door", "Mode: {mode}").format(mode=mode_label(mode)))
        self.hint.setText(translated(READY_HINTS.get(mode, "")))
        scheme_name, banner = MODE_BANNERS.get(mode, ("ready", ""))
        scheme = scheme_for(scheme_name)
        self.mode_banner.setText(translated(banner))
        self.mode_banner.setStyleSheet(
            f"QLabel {{ background: {scheme.background}; color: {scheme.text}; "
            "border: 3px solid #ffffff; border-radius: 10px; padding: 6px; }"
        )
        self.mode_banner.setVisible(bool(banner))

    def show_recent(self, recent: RecentVerdicts) -> None:
        """Show the station's last verdicts under the instructions (the same strip as the verdict page)."""
        if self.strip is None:
            self.strip = RecentStrip(recent)
            self._layout.addWidget(self.strip)
            self._fit_fonts()

    def add_extra(self, widget: QWidget) -> None:
        """A panel under the instructions (the demo's sample codes)."""
        self.extra.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_fonts()

    def _fit_fonts(self) -> None:
        h = max(240, self.height())
        self.headline.set_max_px(int(h * 0.12))
        self.hint.set_max_px(int(h * 0.055))
        self.mode_banner.set_max_px(int(h * 0.075))
        self.event_label.set_max_px(int(h * 0.055))
        self.mode.set_max_px(small_text_px(h))
        if self.strip is not None:
            self.strip.fit_page(h)


class VerdictView(QWidget):
    """One scan's answer over the whole window; `finished` asks the window to return to ready."""

    finished = Signal()

    def __init__(
        self,
        *,
        display_fields: Sequence[str] = (),
        sounds: Sounds | None = None,
        check_in_companion: Callable[[str], ScanOutcome | None] | None = None,
        record_companions: Callable[[str, int], bool] | None = None,
        clock: Callable[[], datetime] = utcnow,
        highlight_labels: Mapping[str, str] | None = None,
        recent: RecentVerdicts | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.display_fields = tuple(display_fields)
        self._sounds = sounds
        self._check_in_companion = check_in_companion
        self._record_companions = record_companions
        self._clock = clock
        # What a highlight colour means ("#f5c518" -> "VIP"); the v1 guest object only carries the colour.
        self._highlight_labels = {k.lower(): v for k, v in (highlight_labels or {}).items()}
        self.recent = recent if recent is not None else RecentVerdicts(parent=self)
        self.outcome: ScanOutcome | None = None
        self.colour = "ready"
        # The window has the volunteers' "Search guest" button (the next step on a refusal names it).
        self.volunteer_search = True
        self.hold_seconds = 0.0
        self._companions: list[Guest] = []
        self._entry: RecentEntry | None = None
        self._detail_lines: list[str] = []
        self.headline = FitLabel(80, 20, bold=True, max_lines=1)
        self.band = FitLabel(40, 18, bold=True, max_lines=1)
        self.name = FitLabel(130, 22, bold=True, max_lines=3)
        self.company = FitLabel(54, 18, max_lines=1)
        self.when = FitLabel(44, 20, max_lines=2)
        self.advice = FitLabel(40, 20, max_lines=2)
        self.details = FitLabel(40, 22, max_lines=3)
        self.prompt = QFrame()
        self.prompt_text = FitLabel(48, 20, bold=True, max_lines=1)
        self.prompt_names = FitLabel(32, 18, max_lines=1)
        self.yes = QPushButton(translate("Door", "Yes, check in too (Y)"))
        self.no = QPushButton(translate("Door", "No (N)"))
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
        prompt_layout.setContentsMargins(0, 0, 0, 0)
        prompt_layout.setSpacing(4)
        prompt_layout.addWidget(self.prompt_text)
        prompt_layout.addWidget(self.prompt_names)
        prompt_layout.addLayout(buttons)
        self.prompt.hide()
        # Companions a registration only counts (no records): how many came in, 0..N.
        self.count_prompt = CountPrompt()
        self.count_prompt.answered.connect(self.answer_count)
        self.strip = RecentStrip(self.recent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 10, 24, 8)
        layout.setSpacing(4)
        layout.addStretch(1)
        for widget in (self.headline, self.band, self.name, self.company, self.when, self.advice, self.details):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.prompt)
        layout.addWidget(self.count_prompt)
        layout.addSpacing(4)
        layout.addWidget(self.strip)
        self._layout = layout
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timed_out)

    @property
    def prompt_visible(self) -> bool:
        return not self.prompt.isHidden() or not self.count_prompt.isHidden()

    @property
    def question_open(self) -> bool:
        """A companion question waits for its answer (linked companions, or how many counted ones came)."""
        return bool(self._companions) or self.count_prompt.open

    def remaining_ms(self) -> int:
        return self._timer.remainingTime() if self._timer.isActive() else 0

    def show_outcome(self, outcome: ScanOutcome) -> None:
        """Render a verdict, play its sound and start the countdown back to the ready screen."""
        self._leave_prompt()
        self.outcome = outcome
        guest = outcome.verdict.guest
        screen = screen_for(outcome, self._clock(), volunteer_search=self.volunteer_search)
        self._paint(screen)
        self.name.setText(screen.big)
        self.name.setVisible(bool(screen.big))
        self.company.setText(guest.company if guest else "")
        self.company.setVisible(bool(guest and guest.company))
        self._show_band(guest)
        self._set_line(self.when, screen.when)
        self._set_line(self.advice, screen.advice)
        self._detail_lines = self._details_of(guest)
        self.details.setVisible(bool(self._detail_lines))
        self._entry = self.recent.add(RecentEntry(self._clock(), screen.scheme, screen.symbol, screen.strip_label))
        self._companions = list(outcome.companions)
        self._show_prompt()
        if not self._companions and outcome.counted_companions > 0 and guest is not None:
            self.count_prompt.ask(outcome.counted_companions)
        if self._sounds is not None:
            self._sounds.play_for(self.colour)
        self._fit_fonts()
        self.hold_seconds = SHOW_SECONDS.get(self.colour, 5.0)
        self._timer.start(int(self.hold_seconds * 1000))

    def show_failure(self, headline: str, detail: str) -> None:
        """A scan that could not be saved: red, so the guest waits and staff look, and no guest shown."""
        self.show_plain(Screen("red", "✖", headline, "", detail, strip_label=translate("Door", "Not saved")), detail)

    def show_plain(self, screen: Screen, detail: str) -> None:
        """A screen with no guest's details (a failure, the badge station's answer): headline and one line."""
        self.stop()
        self.outcome = None
        self._paint(screen)
        self._detail_lines = []
        for widget in (self.name, self.company, self.band, self.details, self.advice):
            widget.hide()
        self._set_line(self.when, detail)
        self._entry = self.recent.add(RecentEntry(self._clock(), screen.scheme, screen.symbol, screen.strip_label))
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
                if result is not None and result.kind is VerdictKind.ADMITTED:
                    admitted += 1
                    self.recent.add(RecentEntry(self._clock(), "green", "✔", companion.display_name))
        self.yes.hide()
        self.no.hide()
        self.prompt_names.setText("")
        if yes:
            self.prompt_text.setText(COUNTED.companions_checked_in(admitted))
        else:
            self.prompt_text.setText(translate("Door", "Companions not checked in"))
        if len(companions) > admitted and self._entry is not None:
            left_out = len(companions) - admitted
            self.recent.amend(self._entry, translate("Door", "+{count} not in").format(count=left_out))
        self._fit_fonts()
        self._timer.start(int(AFTER_ANSWER_SECONDS * 1000))
        return admitted

    def answer_count(self, came: int) -> bool:
        """How many of the counted companions came in (a digit, Enter for all, Esc or 0 for none)."""
        guest = self.outcome.verdict.guest if self.outcome is not None else None
        if not self.count_prompt.open or guest is None:
            return False
        counted = self.count_prompt.counted
        kept = self._record_companions is not None and self._record_companions(guest.id, came)
        if kept:
            self.count_prompt.show_answer(
                translate("Door", "✔ +{companions} in with {name}").format(
                    companions=companions_text(came), name=guest.display_name
                )
                if came
                else translate("Door", "No companions came in")
            )
            if self._entry is not None:
                self.recent.amend(
                    self._entry, translate("Door", "+{came} of {counted}").format(came=came, counted=counted)
                )
        else:
            self.count_prompt.show_answer(translate("Door", "The companions could not be recorded: see the status bar"))
        self._fit_fonts()
        self._timer.start(int(AFTER_ANSWER_SECONDS * 1000))
        return kept

    def stop(self) -> None:
        """Leave the verdict now (the next scan, staff opened their tools): an open prompt is declined."""
        self._timer.stop()
        self._leave_prompt()
        self.prompt.hide()
        self.count_prompt.close_question()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.handle_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def handle_key(self, event: QKeyEvent) -> bool:
        """One key answers the companion prompt: Y or Enter for yes, N or Esc for no (for counted
        companions: a digit, Enter for all, Esc for none)."""
        if self.count_prompt.handle_key(event):
            return True
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

    def _paint(self, screen: Screen) -> None:
        self.colour = screen.scheme
        scheme = scheme_for(screen.scheme)
        paint_background(self, scheme)
        self.headline.setText(f"{screen.symbol}  {screen.headline}")

    def _set_line(self, label: FitLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def _show_band(self, guest: Guest | None) -> None:
        colour = valid_colour(guest.highlight_color if guest else None)
        self.band.setVisible(colour is not None)
        if colour is None:
            self.band.setText("")
            return
        label = self._highlight_labels.get(colour.name(), "")
        self.band.setText(f"★ {label}" if label else translated(HIGHLIGHT_WITHOUT_LABEL))
        self.band.setStyleSheet(
            f"QLabel {{ background: {colour.name()}; color: {text_colour_on(colour)}; "
            f"border: 3px solid {scheme_for(self.colour).text}; padding: 2px 8px; }}"
        )

    def _fit_fonts(self) -> None:
        h = max(240, self.height())
        small = small_text_px(h)
        scheme = scheme_for(self.colour)
        for button in (self.yes, self.no):
            # Capped by the width too: two buttons side by side must fit a narrow screen.
            button.setStyleSheet(button_style(scheme.text, max(16, min(int(h * 0.045), self.width() // 30, 30))))
        self.count_prompt.fit(h, self.width(), scheme.text)
        self.headline.set_max_px(int(h * 0.085))
        self.company.set_max_px(int(h * 0.055))
        self.when.set_max_px(max(small, int(h * 0.06)))
        for label in (self.band, self.advice, self.details):
            label.set_max_px(small)
        # One line per field where there is room; on a small screen they share lines, so the name keeps
        # its size.
        roomy = h >= 560 and not self.prompt_visible
        self.details.setText(("\n" if roomy else "  ·  ").join(self._detail_lines))
        self.details.set_max_lines(len(self._detail_lines) + 1 if roomy else 2)
        self.prompt_text.set_max_px(int(h * 0.055))
        self.prompt_names.set_max_px(max(small - 2, int(h * 0.045)))
        self.strip.fit_page(h)
        self.name.set_max_px(int(h * 0.15))
        self.name.set_max_height(self._room_for_name(h))

    def _room_for_name(self, h: int) -> int:
        """The name gets the height the other lines leave: large alone, smaller beside notes and a prompt."""
        layout = self._layout
        margins = layout.contentsMargins()
        width = max(100, self.width() - margins.left() - margins.right())
        used = margins.top() + margins.bottom() + self.strip.height() + 8
        for label in (self.headline, self.band, self.company, self.when, self.advice, self.details):
            if not label.isHidden():
                used += label.height_at(label.fitted_px(), width) + layout.spacing()
                used += 10 if label is self.band else 0  # its border and padding
        for prompt in (self.prompt, self.count_prompt):
            if not prompt.isHidden():
                used += prompt.sizeHint().height() + layout.spacing()
        return h - used - 8

    def _details_of(self, guest: Guest | None) -> list[str]:
        if guest is None:
            return []
        lines = []
        for name in self.display_fields:
            text = field_text(guest.fields.get(name))
            if text:
                label = translated_label(field_label(name))
                lines.append(f"{label}: {text}" if label else text)
        return lines

    def _show_prompt(self) -> None:
        count = len(self._companions)
        self.prompt.setVisible(count > 0)
        if not count:
            return
        self.prompt_text.setText(COUNTED.companions_offered(count))
        names = ", ".join(c.display_name for c in self._companions[:4])
        more = translate("Door", " and {count} more").format(count=count - 4) if count > 4 else ""
        self.prompt_names.setText(names + more)
        self.yes.show()
        self.no.show()

    def _leave_prompt(self) -> None:
        """A question left open (next scan, staff tools): its companions stay out, and the strip says so."""
        if self._companions and self._entry is not None:
            self.recent.amend(self._entry, translate("Door", "+{count} not in").format(count=len(self._companions)))
        self._companions = []
        if self.count_prompt.open and self._entry is not None:
            self.recent.amend(
                self._entry, translate("Door", "+{count} not counted").format(count=self.count_prompt.counted)
            )
        self.count_prompt.close_question()

    def _await_answer(self) -> None:
        """The verdict's time is up but companions are still asked about: the question stays (no silent
        No), on a neutral colour so that an old green screen is not read as "let in" by the next guest."""
        self._paint(Screen("ready", "?", translate("Door", "Companions: waiting for an answer"), ""))
        self._fit_fonts()

    def _timed_out(self) -> None:
        if self.question_open:
            self._await_answer()
            return
        self.stop()
        self.finished.emit()
