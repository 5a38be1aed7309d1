"""The staff tools: find a guest by name, check in or out by hand, undo, conflicts, the station's settings and
the door's statistics.

Two roles share it. Staff (behind the PIN) see everything. A door volunteer (no PIN) sees only the guest
search and can check guests in by hand: no check-out, no undo, no conflicts, no station settings or exit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain import Guest, Mode
from kiosk.domain.text import QT_TRANSLATE_NOOP
from kiosk.services.checkin import CheckIn, ScanOutcome
from kiosk.services.desk import Desk
from kiosk.storage import StoreError
from kiosk.ui.i18n import translate, translated
from kiosk.ui.staff_conflicts import ConflictList
from kiosk.ui.staff_detail import TOUCH_HEIGHT, touch_button
from kiosk.ui.staff_format import guest_state, undo_question
from kiosk.ui.staff_guests import GuestFinder
from kiosk.ui.staff_stats import StatisticsView

log = logging.getLogger(__name__)

_MODE_LABELS = (
    (Mode.CHECK_IN, QT_TRANSLATE_NOOP("Staff", "Check-in")),
    (Mode.CHECK_OUT, QT_TRANSLATE_NOOP("Staff", "Check-out")),
    (Mode.TOGGLE, QT_TRANSLATE_NOOP("Staff", "Toggle")),
)
_TOOL_COLUMNS = 2  # station tools per row: two touch buttons fit side by side from 800 px up
STAFF_TITLE, VOLUNTEER_TITLE = QT_TRANSLATE_NOOP("Staff", "Staff tools"), QT_TRANSLATE_NOOP("Staff", "Guest search")


class StaffPanel(QWidget):
    """Staff tools for door staff; thin: it shows what `Desk` returns and acts through `CheckIn`.

    Signals: `outcome_made(ScanOutcome)` after a manual check-in, check-out or undo, so the window can
    show the verdict; `mode_change_requested(str)` with a `Mode` value; `close_requested()` (button, Esc).
    """

    outcome_made = Signal(object)
    mode_change_requested = Signal(str)
    close_requested = Signal()

    def __init__(
        self,
        desk: Desk,
        checkin: CheckIn,
        get_mode: Callable[[], Mode],
        parent: QWidget | None = None,
        *,
        field_labels: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._volunteer = False
        self._desk = desk
        self._checkin = checkin
        self._get_mode = get_mode
        # The change the open undo question is about; "Yes" undoes that one or nothing.
        self._undo_target: str | None = None
        # The guest the open override question is about (a registration that is not confirmed).
        self._override_target: str | None = None
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.3)
        self.setFont(font)

        layout = QVBoxLayout(self)
        layout.addLayout(self._build_top_bar())
        self.confirm_bar = self._build_confirm_bar()
        layout.addWidget(self.confirm_bar)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)
        self.tabs = QTabWidget()
        self.finder = GuestFinder(desk, field_labels=field_labels)
        self.finder.act_requested.connect(self.act)
        self.finder.override_requested.connect(self.ask_override)
        self.finder.failed.connect(lambda text: self._say(text, error=True))
        self.finder.hint.connect(self._say)
        # The finder's parts, for the window and tests to reach directly.
        self.search_edit = self.finder.search_edit
        self.results = self.finder.results
        self.detail = self.finder.detail
        self.check_in_button = self.finder.check_in_button
        self.check_out_button = self.finder.check_out_button
        self.tabs.addTab(self.finder, translate("Staff", "Find guest"))
        self.conflicts = ConflictList(desk)
        self.conflicts.changed.connect(self._conflicts_changed)
        self.conflicts.failed.connect(lambda text: self._say(text, error=True))
        self.tabs.addTab(self.conflicts, translate("Staff", "Conflicts"))
        self.tabs.addTab(self._build_station_tab(), translate("Staff", "Station"))
        self.statistics = StatisticsView()
        # Scrolls on a short screen: the figures and a readable chart need more height than 800x480 leaves.
        self.statistics_page = QScrollArea()
        self.statistics_page.setWidgetResizable(True)
        self.statistics_page.setFrameShape(QFrame.Shape.NoFrame)
        self.statistics_page.setWidget(self.statistics)
        self.tabs.addTab(self.statistics_page, translate("Staff", "Statistics"))
        layout.addWidget(self.tabs, 1)

        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self._escape)

    # --- building

    def _build_top_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.title = QLabel(translated(STAFF_TITLE))
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        bar.addWidget(self.title)
        bar.addStretch(1)
        self.undo_button = touch_button(translate("Staff", "Undo last…"))
        self.undo_button.clicked.connect(self.ask_undo)
        self.close_button = touch_button(translate("Staff", "Close"))
        self.close_button.clicked.connect(self.close_requested)
        bar.addWidget(self.undo_button)
        bar.addWidget(self.close_button)
        return bar

    def _build_station_tab(self) -> QScrollArea:
        # Settings of the station, for staff only; in a scroll area so that a short screen still reaches all.
        body = QWidget()
        column = QVBoxLayout(body)
        modes = QHBoxLayout()
        modes.addWidget(QLabel(translate("Staff", "Mode:")))
        self.mode_group = QButtonGroup(self)
        self.mode_group.setExclusive(True)
        self.mode_buttons: dict[Mode, QPushButton] = {}
        for mode, marked in _MODE_LABELS:
            label = translated(marked)
            button = touch_button(label)
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, m=mode: self.mode_change_requested.emit(m.value))
            self.mode_group.addButton(button)
            self.mode_buttons[mode] = button
            modes.addWidget(button, 1)
        column.addLayout(modes)
        self.station_tools = QGridLayout()
        column.addLayout(self.station_tools)
        self._exit_row = QHBoxLayout()
        self._exit_row.addStretch(1)
        column.addLayout(self._exit_row)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        return scroll

    def _build_confirm_bar(self) -> QFrame:
        # An inline question instead of a modal box: the door keeps its window, and a tap answers it.
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(frame)
        self.confirm_label = QLabel()
        self.confirm_label.setTextFormat(Qt.TextFormat.PlainText)
        self.confirm_label.setWordWrap(True)
        self.confirm_yes = touch_button(translate("Staff", "Yes, undo"))
        self.confirm_no = touch_button(translate("Staff", "No"))
        self.confirm_yes.clicked.connect(self._confirmed)
        self.confirm_no.clicked.connect(frame.hide)
        row.addWidget(self.confirm_label, 1)
        row.addWidget(self.confirm_yes)
        row.addWidget(self.confirm_no)
        frame.hide()
        return frame

    # --- public

    @property
    def volunteer(self) -> bool:
        return self._volunteer

    def set_volunteer(self, volunteer: bool) -> None:
        """Door volunteer (search and check in only) or staff (everything)."""
        self._volunteer = volunteer
        self.title.setText(translated(VOLUNTEER_TITLE if volunteer else STAFF_TITLE))
        self.undo_button.setVisible(not volunteer)
        self.tabs.setTabVisible(1, not volunteer)
        self.tabs.setTabVisible(2, not volunteer)
        self.tabs.setTabVisible(3, not volunteer)
        if volunteer:
            self.confirm_bar.hide()
            self._undo_target = None
            self.tabs.setCurrentIndex(0)
        self.finder.set_check_out_allowed(not volunteer)
        # A reprint is staff work: a second badge of a guest can be handed to someone else.
        self.detail.printing_allowed = not volunteer
        self.detail.refresh_prints()

    def add_station_tool(self, button: QPushButton) -> None:
        """A button among the station tools (sync now, full screen, PIN; the demo's server switch)."""
        index = self.station_tools.count()
        button.setMinimumHeight(TOUCH_HEIGHT)
        self.station_tools.addWidget(button, index // _TOOL_COLUMNS, index % _TOOL_COLUMNS)

    def set_exit_tool(self, button: QPushButton) -> None:
        """The button that ends the kiosk, apart from the rest so that nobody taps it by mistake."""
        button.setMinimumHeight(TOUCH_HEIGHT)
        self._exit_row.addWidget(button)

    def refresh(self) -> None:
        """Read everything again: the mode, the search results, the selected guest and the conflicts."""
        self._sync_mode()
        self.run_search()
        self.conflicts.reload()

    def clear(self) -> None:
        """Forget what the last staff member left open: the search, the guest shown, a pending undo."""
        self.confirm_bar.hide()
        self._undo_target = None
        self.search_edit.clear()
        self.run_search()
        self._say("")

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def selected_guest_id(self) -> str | None:
        return self.finder.selected_guest_id()

    def run_search(self) -> None:
        """Search now for what is typed, without waiting for the typing pause."""
        self.finder.run_search()

    def act(self, guest_id: str, mode: Mode) -> ScanOutcome | None:
        """A manual check-in or check-out; the outcome goes to `outcome_made` and the lists refresh."""
        if self._volunteer and mode is not Mode.CHECK_IN:
            self._say(translate("Staff", "Checking out by hand is for staff: tap Staff and enter the PIN."), error=True)
            return None
        try:
            outcome = self._checkin.act_on_guest(guest_id, mode)
        except StoreError as exc:
            self._say(translate("Staff", "Nothing was changed: {error}").format(error=exc), error=True)
            return None
        guest = outcome.verdict.guest
        message = translated(outcome.message)
        self._say(f"{message}: {guest.display_name}" if guest is not None else message)
        self.outcome_made.emit(outcome)
        self.finder.refresh_guest(guest_id)
        return outcome

    def ask_undo(self) -> None:
        """Show the confirmation for undoing this station's last action ("Undo check-in of Jane Doe?")."""
        if self._volunteer:
            return  # undoing is staff work: a volunteer could undo what another person did
        try:
            last = self._checkin.last_action()
            guest = self._desk.guest(last.guest_id) if last is not None else None
        except StoreError as exc:
            self._say(str(exc), error=True)
            return
        if last is None:
            self._say(translate("Staff", "Nothing to undo: this station has not checked anyone in or out yet."))
            return
        self._undo_target, self._override_target = last.change_id, None
        self.confirm_label.setText(undo_question(last, guest.display_name if guest else None))
        self.confirm_yes.setText(translate("Staff", "Yes, undo"))
        self.confirm_bar.show()
        self.confirm_no.setFocus()

    def ask_override(self, guest_id: str) -> None:
        """The one confirmation before staff admit a guest whose registration is not confirmed."""
        if self._volunteer:
            return  # an override is staff work, behind the PIN
        guest = self._desk.guest(guest_id)
        if guest is None:
            return
        self._override_target, self._undo_target = guest_id, None
        self.confirm_label.setText(
            translate(
                "Staff",
                "Admit {name} although the registration is not confirmed? "
                "The scan log keeps it as a staff override at this station.",
            ).format(name=guest.display_name)
        )
        self.confirm_yes.setText(translate("Staff", "Yes, admit"))
        self.confirm_bar.show()
        self.confirm_no.setFocus()

    def override_confirmed(self) -> ScanOutcome | None:
        self.confirm_bar.hide()
        target, self._override_target = self._override_target, None
        if target is None or self._volunteer:
            return None
        try:
            outcome = self._checkin.admit_unconfirmed(target)
        except (StoreError, ValueError) as exc:
            self._say(translate("Staff", "Nothing was changed: {error}").format(error=exc), error=True)
            return None
        guest = outcome.verdict.guest
        self._say(
            translate("Staff", "Admitted by staff override: {name}").format(name=guest.display_name)
            if guest
            else translated(outcome.message)
        )
        self.outcome_made.emit(outcome)
        self.finder.refresh_guest(target)
        return outcome

    def _confirmed(self) -> None:
        if self._override_target is not None:
            self.override_confirmed()
        else:
            self.undo_confirmed()

    def undo_confirmed(self) -> ScanOutcome | None:
        self.confirm_bar.hide()
        target, self._undo_target = self._undo_target, None
        if target is None or self._volunteer:
            return None
        try:
            outcome = self._checkin.undo_last(expected=target)
        except StoreError as exc:
            self._say(translate("Staff", "Nothing was changed: {error}").format(error=exc), error=True)
            return None
        if outcome is None:
            # The door kept scanning while the question was open: the newest action is another one now.
            self._say(
                translate(
                    "Staff",
                    "Nothing was undone: a newer check-in or check-out came first. Tap “Undo last…” again to see it.",
                )
            )
            return None
        guest = outcome.verdict.guest
        name = guest.display_name if guest else translate("Staff", "The guest")
        self._say(translate("Staff", "Undone. {name} is now {state}.").format(name=name, state=_state_word(guest)))
        self.outcome_made.emit(outcome)
        if guest is not None:
            self.finder.refresh_guest(guest.id)
        return outcome

    # --- internals

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def _escape(self) -> None:
        if self.confirm_bar.isVisible():
            self.confirm_bar.hide()
        else:
            self.close_requested.emit()

    def _sync_mode(self) -> None:
        button = self.mode_buttons.get(self._get_mode())
        if button is not None:
            button.setChecked(True)

    def _conflicts_changed(self, count: int) -> None:
        self.tabs.setTabText(
            1,
            translate("Staff", "Conflicts ({count})").format(count=count) if count else translate("Staff", "Conflicts"),
        )

    def say(self, text: str, error: bool = False) -> None:
        """One line in the staff area's message line (red, and logged, for a problem)."""
        self._say(text, error=error)

    def _say(self, text: str, *, error: bool = False) -> None:
        if error:
            log.warning("staff tools: %s", text)
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)


def _state_word(guest: Guest | None) -> str:
    return guest_state(guest) if guest is not None else translate("Staff", "as before")
