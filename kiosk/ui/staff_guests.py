"""The "Find guest" tab of the staff tools: search as you type, results, the guest's detail and actions."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain import Guest, Mode
from kiosk.domain.text import QT_TRANSLATE_NOOP
from kiosk.services.desk import Desk, SearchNotReady
from kiosk.storage import StoreError
from kiosk.ui.i18n import translate, translated
from kiosk.ui.staff_detail import TOUCH_HEIGHT, GuestDetail, touch_button
from kiosk.ui.staff_format import can_check_in, can_check_out, guest_state, needs_override

SEARCH_DEBOUNCE_MS = 150
# While the search index is being built (after a first download), the search is tried again this often.
SEARCH_RETRY_MS = 1000
COLUMNS = (
    QT_TRANSLATE_NOOP("Guests", "Name"),
    QT_TRANSLATE_NOOP("Guests", "Company"),
    QT_TRANSLATE_NOOP("Guests", "State"),
    QT_TRANSLATE_NOOP("Guests", "Access code"),
)
NAME, COMPANY, STATE, ACCESS_CODE = range(len(COLUMNS))
# Below this table width the company column goes (the guest's detail still shows it), so that the name
# keeps room and state and access code are never cut.
COMPANY_COLUMN_MIN_PX = 560


class GuestFinder(QWidget):
    """Reads through `Desk`; asks for actions with `act_requested(guest_id, Mode)`, never acts itself."""

    act_requested = Signal(str, object)
    # Staff asked to admit a guest whose registration is not confirmed (the panel asks once more).
    override_requested = Signal(str)
    failed = Signal(str)
    hint = Signal(str)

    def __init__(
        self, desk: Desk, parent: QWidget | None = None, *, field_labels: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(parent)
        self._desk = desk
        self._check_out_allowed = True
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.run_search)
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.setInterval(SEARCH_RETRY_MS)
        self._retry_timer.timeout.connect(self.run_search)
        self._told_not_ready = False

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(translate("Guests", "Type a name, company or email"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMaxLength(200)
        self.search_edit.setMinimumHeight(TOUCH_HEIGHT)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.results = QTableWidget(0, len(COLUMNS))
        self.results.setHorizontalHeaderLabels([translated(column) for column in COLUMNS])
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().hide()
        self.results.verticalHeader().setDefaultSectionSize(TOUCH_HEIGHT)
        self.results.setWordWrap(False)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COMPANY, QHeaderView.ResizeMode.Stretch)
        # Short values a door reads exactly ("deregistered", an access code): always whole.
        header.setSectionResizeMode(STATE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ACCESS_CODE, QHeaderView.ResizeMode.ResizeToContents)
        self.results.itemSelectionChanged.connect(self.show_selected)

        self.detail = GuestDetail(field_labels=field_labels)
        self.detail.companion_check_in.connect(lambda gid: self.act_requested.emit(gid, Mode.CHECK_IN))
        self.check_in_button = touch_button(translate("Guests", "Check in"))
        self.check_out_button = touch_button(translate("Guests", "Check out"))
        self.check_in_button.clicked.connect(lambda: self._act_on_selected(Mode.CHECK_IN))
        self.check_out_button.clicked.connect(lambda: self._act_on_selected(Mode.CHECK_OUT))
        self.override_button = touch_button(
            translate("Guests", "Admit…")
        )  # short: three buttons share a third of an 800 px screen
        self.override_button.setToolTip(
            translate("Guests", "The registration is not confirmed: staff may admit the guest all the same")
        )
        self.override_button.clicked.connect(self._override_selected)

        left = QVBoxLayout()
        left.addWidget(self.search_edit)
        left.addWidget(self.results, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.check_in_button)
        actions.addWidget(self.check_out_button)
        actions.addWidget(self.override_button)
        right = QVBoxLayout()
        right.addWidget(self.detail, 1)
        right.addLayout(actions)
        row = QHBoxLayout(self)
        row.addLayout(left, 3)
        row.addLayout(right, 2)
        self.show_selected()

    def set_check_out_allowed(self, allowed: bool) -> None:
        self._check_out_allowed = allowed
        self.check_out_button.setVisible(allowed)
        self.show_selected()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # The table takes three fifths of the row (see the layout above).
        self.results.setColumnHidden(COMPANY, self.width() * 3 // 5 < COMPANY_COLUMN_MIN_PX)

    def selected_guest_id(self) -> str | None:
        row = self.results.currentRow()
        item = self.results.item(row, 0) if row >= 0 else None
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, str) else None

    def run_search(self) -> None:
        """Search now (the typing debounce calls this); the selected guest stays selected if listed."""
        self._search_timer.stop()
        self._retry_timer.stop()
        keep = self.selected_guest_id()
        try:
            guests = self._desk.search(self.search_edit.text())
        except SearchNotReady as not_ready:
            # Scans work already; the search index of a first download is still being built.
            seconds = max(5, 5 * round(not_ready.seconds_left / 5))
            notice = translate("Guests", "The guest list is still being indexed: search ready in about {seconds} s")
            self.hint.emit(notice.format(seconds=seconds))
            self._retry_timer.start()
            self._told_not_ready = True
            guests = []
        except StoreError as exc:
            self.failed.emit(str(exc))
            guests = []
        else:
            if self._told_not_ready:
                self._told_not_ready = False
                self.hint.emit("")
        self.results.blockSignals(True)
        self.results.setRowCount(0)
        for guest in guests:
            row = self.results.rowCount()
            self.results.insertRow(row)
            self._fill_row(row, guest)
            if guest.id == keep:
                self.results.selectRow(row)
        self.results.blockSignals(False)
        self.show_selected()

    def refresh_guest(self, guest_id: str) -> None:
        """Read one guest again, e.g. after an action: its row and, if selected, the detail."""
        try:
            guest = self._desk.guest(guest_id)
        except StoreError as exc:
            self.failed.emit(str(exc))
            return
        if guest is not None:
            for row in range(self.results.rowCount()):
                item = self.results.item(row, 0)
                if item is not None and item.data(Qt.ItemDataRole.UserRole) == guest_id:
                    self._fill_row(row, guest)
        self.show_selected()

    def show_selected(self) -> None:
        guest_id = self.selected_guest_id()
        guest, companions = None, []
        try:
            guest = self._desk.guest(guest_id) if guest_id else None
            companions = self._desk.companions(guest) if guest is not None else []
        except StoreError as exc:
            self.failed.emit(str(exc))
        self.detail.show_guest(guest, companions)
        self.check_in_button.setEnabled(guest is not None and can_check_in(guest))
        self.check_out_button.setEnabled(self._check_out_allowed and guest is not None and can_check_out(guest))
        # Staff only, like check-out, and only for the one refusal staff may override.
        self.override_button.setVisible(self._check_out_allowed and guest is not None and needs_override(guest))

    def _fill_row(self, row: int, guest: Guest) -> None:
        texts = (guest.display_name, guest.company, guest_state(guest), guest.access_code or "")
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            item.setToolTip(text)  # a name or company cut short with "…" can still be read whole
            if column == 0:
                item.setData(Qt.ItemDataRole.UserRole, guest.id)
            self.results.setItem(row, column, item)

    def _override_selected(self) -> None:
        guest_id = self.selected_guest_id()
        if guest_id:
            self.override_requested.emit(guest_id)

    def _act_on_selected(self, mode: Mode) -> None:
        guest_id = self.selected_guest_id()
        if guest_id is None:
            self.hint.emit(translate("Guests", "Pick a guest from the list first."))
            return
        self.act_requested.emit(guest_id, mode)
