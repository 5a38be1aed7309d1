"""The kiosk window: ready and verdict pages, staff tools behind the PIN, full-screen kiosk mode.

It fits every screen from a 7-inch 800x480 kiosk up: no page, status item or name may raise the
window's minimum size above `SMALLEST_SCREEN`, or the Staff button would end up off screen.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.platforms import PLATFORMS
from kiosk.platforms.base import Uploads
from kiosk.services.checkin import ScanOutcome
from kiosk.services.pin import PinGuard
from kiosk.services.statistics import Statistics
from kiosk.services.sync import SyncReport
from kiosk.ui import pin_dialog
from kiosk.ui.controller import StationController
from kiosk.ui.export_tool import ExportTool
from kiosk.ui.i18n import translate
from kiosk.ui.print_settings import PrintSettings
from kiosk.ui.scan_filter import ScanFilter
from kiosk.ui.session_picker import SessionPicker
from kiosk.ui.sounds import Sounds
from kiosk.ui.staff_format import usable_labels
from kiosk.ui.staff_lock import StaffIdleLock
from kiosk.ui.staff_panel import StaffPanel
from kiosk.ui.status_bar import StatusBar
from kiosk.ui.verdict_text import Screen
from kiosk.ui.verdict_view import ReadyView, VerdictView

log = logging.getLogger(__name__)

AskPin = Callable[[QWidget, PinGuard], bool]
TOOL_STYLE = "QPushButton { font-size: 15pt; padding: 8px 16px; }"
STAFF_BUTTON_STYLE = (
    "QPushButton { background: #2b3a4e; color: #ffffff; font-size: 15pt; padding: 4px 18px; border: none; }"
    "QPushButton:pressed { background: #44597a; }"
)
SEARCH_BUTTON_STYLE = STAFF_BUTTON_STYLE.replace("#2b3a4e", "#1f5f8b").replace("#44597a", "#2f7fb5")
SMALLEST_SCREEN = QSize(800, 480)  # a 7-inch kiosk panel
PREFERRED_SIZE = QSize(1280, 800)
# The most a page may ask for: the smallest screen less the status bar and the download progress row.
PAGE_MAX_MINIMUM = QSize(SMALLEST_SCREEN.width(), SMALLEST_SCREEN.height() - 110)


def _lock_after_ms(seconds: object) -> int | None:
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or not 0 < seconds < 86_400:
        return None  # 0 (or nonsense in a hand-edited config) keeps the staff area open until closed
    return int(seconds * 1000)


class PageStack(QStackedWidget):
    """The window's pages; whatever a page asks for, the stack never asks for more than the smallest screen.

    A page that cannot fit (a long name at a large font, a demo panel) is squeezed instead: the door
    keeps its Staff button on screen, which matters more than any one line of text.
    """

    def minimumSizeHint(self) -> QSize:
        return super().minimumSizeHint().boundedTo(PAGE_MAX_MINIMUM)


class MainWindow(QMainWindow):
    """Renders what the controller reports and turns staff acts into controller calls."""

    closed = Signal()  # the window closed for good: stop sync and quit (or open the station anew: `reopen`)

    def __init__(
        self,
        controller: StationController,
        *,
        pin_guard: PinGuard | None = None,
        sounds: Sounds | None = None,
        ask_pin: AskPin | None = None,
        scan_filter: ScanFilter | None = None,
        switch_session: Callable[[str], Awaitable[object]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        # The door serves another session from now on: the station is to be opened again on its new settings.
        self.reopen = False
        self._switch_session = switch_session
        self.pin_guard = pin_guard
        self._ask_pin: AskPin = ask_pin or pin_dialog.ask_pin
        self._force_close = False
        self._statistics_task: asyncio.Future[Statistics | None] | None = None
        self._return_page: QWidget | None = None
        config = controller.station.config
        self.setWindowTitle(translate("Window", "Check-in · {event} · {station}").format(
            event=controller.event_name, station=config.station))
        self.ready = ReadyView(controller.event_name, controller.mode.value)
        extra = config.extra if isinstance(config.extra, dict) else {}
        self.verdict = VerdictView(
            display_fields=config.display_fields,
            sounds=sounds,
            # What each highlight colour means at this event ({"#f5c518": "VIP"}): v1 does not say.
            highlight_labels=usable_labels(extra.get("highlight_labels")),
            check_in_companion=lambda guest_id: controller.act_on_guest(guest_id, "check-in", emit=False),
            record_companions=controller.record_companions,
        )
        # The ready page keeps the last verdicts in view too: a refusal stays visible after its red screen.
        self.ready.show_recent(self.verdict.recent)
        self.staff_panel = self._make_staff_panel()
        self.staff_page: QWidget = self.staff_panel
        self._add_standard_tools()
        self.pages = PageStack()
        for page in (self.ready, self.verdict, self.staff_page):
            self.pages.addWidget(page)
        lock_ms = _lock_after_ms(config.staff_lock_s)
        self.staff_lock = None if lock_ms is None else StaffIdleLock(self, lock_ms, self.lock_staff)
        app = QApplication.instance()
        if scan_filter is not None and app is not None:
            # Installed again, so it is the newer filter and Qt asks it first: it swallows scanner
            # bursts before the staff lock could take them for staff at work.
            scan_filter.install(app)
        self.pages.currentChanged.connect(self._page_changed)
        self.progress_row = QWidget()
        self.progress_row.setStyleSheet("QLabel { font-size: 15pt; padding: 0 12px; }")
        self.progress_text = QLabel()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMinimumHeight(24)
        row = QHBoxLayout(self.progress_row)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.progress_text)
        row.addWidget(self.progress, 1)
        self.progress_row.hide()
        platform = PLATFORMS.get(config.platform)
        self.status_bar = StatusBar(
            station_only=platform is not None and platform.capabilities.uploads is Uploads.STATION_ONLY
        )
        self.status_bar.set_mode(controller.mode.value)
        self.staff_button = QPushButton(translate("Window", "Staff"))
        self.staff_button.setToolTip(translate("Window", "Staff tools (F2)"))
        self.staff_button.setStyleSheet(STAFF_BUTTON_STYLE)
        self.staff_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.staff_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.staff_button.clicked.connect(self.open_staff)
        # Door volunteers find a guest by name without the supervisor's PIN (`volunteer_search: false`
        # in the config's extra settings hides it, e.g. on an unattended self-service kiosk).
        self.search_button = QPushButton(translate("Window", "Search guest"))
        self.search_button.setToolTip(translate("Window", "Find a guest by name and check them in by hand"))
        self.search_button.setStyleSheet(SEARCH_BUTTON_STYLE)
        self.search_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.search_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.search_button.clicked.connect(self.open_search)
        if extra.get("volunteer_search", True) is False:
            self.search_button.hide()  # only hide it here: showing a widget without a parent opens a window
            self.verdict.volunteer_search = False
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.setSpacing(0)
        bottom.addWidget(self.status_bar, 1)
        bottom.addWidget(self.search_button)
        bottom.addWidget(self.staff_button)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.progress_row)
        layout.addLayout(bottom)
        self.setCentralWidget(central)
        self.resize(self._first_size())
        QShortcut(QKeySequence(Qt.Key.Key_F2), self, self.open_staff)
        QShortcut(QKeySequence(Qt.Key.Key_F11), self, self.toggle_full_screen)
        self.verdict.finished.connect(self._verdict_done)
        controller.outcome.connect(self.show_outcome)
        controller.status_changed.connect(self.status_bar.update_status)
        controller.mode_changed.connect(self._mode_changed)
        controller.sync_progress.connect(self.show_progress)
        controller.synced.connect(self._synced)
        controller.problem.connect(self.status_bar.show_problem)
        controller.scan_not_saved.connect(self.show_not_saved)
        controller.badge_notice.connect(self.status_bar.show_print_notice)
        controller.badge_notice.connect(lambda _text, _short: self.staff_panel.detail.refresh_prints())
        controller.badge_station_answer.connect(self.show_badge_station_answer)
        self.staff_panel.detail.print_summary = controller.print_summary
        self.staff_panel.detail.print_badge.connect(self._reprint)
        self.show_ready()

    # --- pages

    def current_page(self) -> QWidget | None:
        return self.pages.currentWidget()

    def show_ready(self) -> None:
        self.verdict.stop()
        self._return_page = None
        self.pages.setCurrentWidget(self.ready)
        self.setFocus()

    def _first_size(self) -> QSize:
        screen = self.screen()
        if screen is None:
            return PREFERRED_SIZE
        return PREFERRED_SIZE.boundedTo(screen.availableGeometry().size())

    def show_outcome(self, outcome: ScanOutcome) -> None:
        self._dismiss_dialogs()
        self._remember_return_page()
        self.verdict.show_outcome(outcome)
        self.pages.setCurrentWidget(self.verdict)
        self.verdict.setFocus()

    def show_not_saved(self, _reason: str) -> None:
        """A scan that could not be written: the guest must not walk on thinking it counted."""
        self._dismiss_dialogs()
        self._remember_return_page()
        self.verdict.show_failure(
            translate("Window", "Not saved: please scan again"),
            translate("Window", "This station could not save the scan (is its disk full?). Staff: see the status bar."),
        )
        self.pages.setCurrentWidget(self.verdict)
        self.verdict.setFocus()

    def show_badge_station_answer(self, scheme: str, headline: str, detail: str) -> None:
        """The badge station's answer to a scan: the badge prints (green), or the code found nobody (red)."""
        self._dismiss_dialogs()
        self._remember_return_page()
        symbol = "✔" if scheme == "green" else "✖"
        self.verdict.show_plain(Screen(scheme, symbol, headline, detail, strip_label=detail[:40]), "")
        self.pages.setCurrentWidget(self.verdict)
        self.verdict.setFocus()

    def _reprint(self, guest_id: str) -> None:
        if self.controller.reprint(guest_id):
            self.staff_panel.say(translate("Window", "The badge is on its way to the printer."))
        self.staff_panel.detail.refresh_prints()

    def open_print_settings(self) -> PrintSettings:
        """Staff's badge settings; saved in the station's config when staff press Save."""
        from kiosk.badges.printing import printer_names

        c = self.controller
        dialog = PrintSettings(c.station.config, printer_names(), failed=len(c.badges.failed()),
                               retry=c.retry_badges, drop=c.drop_badges, parent=self)

        def save() -> None:
            chosen = dialog.chosen()
            c.set_badge_settings(printer=str(chosen["printer"]), size=str(chosen["size"]),
                                 auto_print=bool(chosen["auto_print"]), badge_station=bool(chosen["badge_station"]))

        dialog.accepted.connect(save)
        dialog.open()
        return dialog

    def choose_session(self) -> SessionPicker | None:
        """Staff pick another session for this door; once the server accepts it, the window closes and the
        station opens again on it (the mirror and this station's check-ins stay)."""
        switch = self._switch_session
        if switch is None:
            return None
        dialog = SessionPicker(self.controller.station.config.session, self.controller.session_choices, switch,
                               parent=self)

        def switched() -> None:
            self.reopen = True
            self.close_now()

        dialog.accepted.connect(switched)
        dialog.open()
        dialog.start_loading()
        return dialog

    def _dismiss_dialogs(self) -> None:
        # A guest's verdict goes in front of whatever staff left open (a PIN keypad, a question):
        # the dialog is cancelled, and staff start it again when they come back.
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()

    def _remember_return_page(self) -> None:
        if self.current_page() is self.staff_page:
            self._return_page = self.staff_page
        elif self.current_page() is self.ready:
            self._return_page = None

    def _verdict_done(self) -> None:
        if self._return_page is self.staff_page:
            self._return_page = None
            self.pages.setCurrentWidget(self.staff_page)
        else:
            self.show_ready()

    def _page_changed(self, _index: int) -> None:
        # A verdict shown from the staff area returns there, so only the ready page ends the staff session.
        if self.staff_lock is None:
            return
        if self.current_page() is self.staff_page and not self.staff_lock.armed:
            self.staff_lock.arm()
        elif self.current_page() is self.ready:
            self.staff_lock.disarm()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.current_page() is self.verdict and self.verdict.handle_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    # --- staff area

    def _make_staff_panel(self) -> StaffPanel:
        c = self.controller
        labels = usable_labels((c.station.config.extra or {}).get("field_labels"))
        panel = StaffPanel(c.desk, c.checkin, lambda: c.mode, field_labels=labels)
        panel.outcome_made.connect(self._staff_outcome)
        panel.mode_change_requested.connect(c.set_mode)
        panel.close_requested.connect(self.show_ready)
        return panel

    def _staff_outcome(self, outcome: object) -> None:
        self.controller.refresh_status()
        if isinstance(outcome, ScanOutcome):
            self.show_outcome(outcome)

    def _add_standard_tools(self) -> None:
        self.add_staff_tool(translate("Window", "Sync now"), self.controller.sync_now)
        self.add_staff_tool(translate("Window", "Full screen on/off"), self.toggle_full_screen)
        self.export_tool = ExportTool(self, self.controller, self.staff_panel.say)
        self.staff_panel.statistics.wanted.connect(self._refresh_statistics)
        self.add_staff_tool(translate("Window", "Export attendance…"), self.export_tool.run)
        self.add_staff_tool(translate("Window", "Badge printing…"), self.open_print_settings)
        if self._switch_session is not None and self.controller.serves_sessions:
            self.add_staff_tool(translate("Window", "Session…"), self.choose_session)
        self.add_staff_tool(translate("Window", "Deutsch / English"), self.switch_language)
        if self.pin_guard is not None:
            self.add_staff_tool(translate("Window", "Set staff PIN…"), self.set_pin)
        self.staff_panel.set_exit_tool(self._tool_button(translate("Window", "Exit kiosk"), self.close))

    def switch_language(self) -> None:
        """Staff's language setting: the other one of German and English, kept in the station's config."""
        language = self.controller.switch_language()
        if language == "de":
            self.staff_panel.say(translate("Window", "Saved: the window speaks German from its next start."))
        else:
            self.staff_panel.say(translate("Window", "Saved: the window speaks English from its next start."))

    def _refresh_statistics(self) -> None:
        """Fresh figures for the statistics tab, read off the Qt thread; dropped if one is still being read."""
        if self._statistics_task is not None and not self._statistics_task.done():
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            # Qt without an asyncio loop around it (a test driving widgets alone): read here and now.
            stats = self.controller.statistics_now()
            if stats is not None:
                self.staff_panel.statistics.show_statistics(stats)
            return
        self._statistics_task = asyncio.ensure_future(self.controller.statistics())
        self._statistics_task.add_done_callback(self._statistics_read)

    def _statistics_read(self, task: asyncio.Future[Statistics | None]) -> None:
        stats = None if task.cancelled() or task.exception() is not None else task.result()
        if stats is not None:
            self.staff_panel.statistics.show_statistics(stats)

    def add_staff_tool(self, text: str, action: Callable[[], object]) -> QPushButton:
        """A button among the staff area's station tools (the demo adds its server switch here)."""
        button = self._tool_button(text, action)
        self.staff_panel.add_station_tool(button)
        return button

    def _tool_button(self, text: str, action: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setStyleSheet(TOOL_STYLE)
        button.clicked.connect(lambda: action())
        return button

    def open_staff(self) -> bool:
        """The whole staff area, behind the PIN; from the volunteer search too (it asks the PIN then)."""
        if self.current_page() is self.staff_page and not self.staff_panel.volunteer:
            return True
        if not self.authorised():
            return False
        self.staff_panel.set_volunteer(False)
        self._show_staff_page()
        return True

    def open_search(self) -> None:
        """The guest search for door volunteers: no PIN, and nothing in it but search and check-in."""
        if self.current_page() is not self.staff_page:
            self.staff_panel.set_volunteer(True)
        self._show_staff_page()

    def _show_staff_page(self) -> None:
        if self.current_page() is not self.staff_page:
            self.verdict.stop()
            self._return_page = None
            self.staff_panel.refresh()
            self.pages.setCurrentWidget(self.staff_page)
        # Focused at once, so the first letters typed are not lost.
        self.staff_panel.focus_search()

    def lock_staff(self) -> None:
        """Leave the staff area and clear it, so the next person starts from the PIN and an empty search."""
        self.staff_panel.clear()
        if self.current_page() is not self.ready:
            self.show_ready()

    def authorised(self) -> bool:
        """True when no PIN is set, or staff typed the right one."""
        guard = self.pin_guard
        try:
            if guard is None or not guard.is_set():
                return True
            return bool(self._ask_pin(self, guard))
        except Exception:  # a broken dialog must neither crash the door nor unlock the staff tools
            log.exception("asking for the staff PIN failed")
            return False

    def set_pin(self) -> None:
        if self.pin_guard is not None:
            pin_dialog.set_pin_dialog(self, self.pin_guard)

    # --- kiosk mode and closing

    def toggle_full_screen(self) -> None:
        self.set_full_screen(not self.isFullScreen())

    def set_full_screen(self, on: bool) -> bool:
        """Entering kiosk mode is free; leaving it needs the PIN when one is set."""
        if on == self.isFullScreen():
            return True
        if not on and not self.authorised():
            return False
        if on:
            self.showFullScreen()
        else:
            self.showNormal()
        return True

    def close_now(self) -> None:
        """Close without asking (a stop signal, the demo's timer): the sync loop still stops cleanly."""
        self._force_close = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._force_close and not self.authorised():
            event.ignore()
            return
        self.verdict.stop()
        self.controller.halt_timers()
        event.accept()
        self.closed.emit()

    # --- controller reports

    def _mode_changed(self, mode: str) -> None:
        self.status_bar.set_mode(mode)
        self.ready.set_mode(mode)

    def show_progress(self, received: int, expected: int) -> None:
        """The first download of the guest list; scans are answered meanwhile from what has arrived."""
        if expected > 0:
            self.progress.setRange(0, expected)
            self.progress.setValue(min(received, expected))
            self.progress_text.setText(
                translate("Window", "Downloading the guest list: {received} of {expected}").format(
                    received=f"{received:,}", expected=f"{expected:,}"
                )
            )
        else:
            self.progress.setRange(0, 0)  # the total comes with the last page: a busy bar until then
            self.progress_text.setText(
                translate("Window", "Downloading the guest list: {received} received").format(received=f"{received:,}")
            )
        self.progress_row.show()

    def _synced(self, report: SyncReport) -> None:
        if not self.controller.downloading_all:
            self.progress_row.hide()
        if report.permanent and report.error:
            # A refused key or event will not heal by waiting: staff must know now, not in five minutes.
            self.status_bar.show_problem(report.error)
