"""The guest detail of the staff tools: every field a door needs, and companions to check in."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain import Guest
from kiosk.ui.i18n import translate
from kiosk.ui.staff_format import can_check_in, detail_rows, guest_state

# Fingers, not mouse pointers: controls at least this tall.
TOUCH_HEIGHT = 56


def touch_button(text: str, parent: QWidget | None = None) -> QPushButton:
    button = QPushButton(text, parent)
    button.setMinimumHeight(TOUCH_HEIGHT)
    button.setMinimumWidth(120)
    return button


def plain_label(text: str = "") -> QLabel:
    # Guest data is shown as typed, never interpreted as rich text.
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class CompanionRow(QWidget):
    """One companion: name, state and a button to check them in."""

    check_in_requested = Signal(str)

    def __init__(self, companion: Guest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.guest_id = companion.id
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = plain_label(f"{companion.display_name} — {guest_state(companion)}")
        self.button = touch_button(translate("Detail", "Check in"))
        self.button.setEnabled(can_check_in(companion))
        self.button.clicked.connect(lambda: self.check_in_requested.emit(self.guest_id))
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)


class GuestDetail(QScrollArea):
    """Shows one guest; emits `companion_check_in(guest_id)` when a companion's button is pressed, and
    `print_badge(guest_id)` for a (re)print of their badge."""

    companion_check_in = Signal(str)
    print_badge = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, field_labels: Mapping[str, str] | None = None) -> None:
        super().__init__(parent)
        self._field_labels = dict(field_labels or {})
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self._layout = QVBoxLayout(body)
        self.name_label = plain_label()
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self._form = QFormLayout()
        # The guest's badges from the print log, one line; set by the window (the widget reads no store).
        self.print_summary: Callable[[str], str] | None = None
        self.printing_allowed = True
        self._badge_row = QHBoxLayout()
        self.badge_label = plain_label()
        self.badge_button = touch_button(translate("Detail", "Print badge"))
        self.badge_button.clicked.connect(self._print_clicked)
        self._badge_row.addWidget(self.badge_label, 1)
        self._badge_row.addWidget(self.badge_button)
        self._companions_title = QLabel(translate("Detail", "Companions"))
        self._companions_box = QVBoxLayout()
        self._layout.addWidget(self.name_label)
        self._layout.addLayout(self._form)
        self._layout.addLayout(self._badge_row)
        self._layout.addWidget(self._companions_title)
        self._layout.addLayout(self._companions_box)
        self._layout.addStretch(1)
        self.setWidget(body)
        self.companion_rows: list[CompanionRow] = []
        self.guest_id: str | None = None
        self.show_guest(None)

    def show_guest(self, guest: Guest | None, companions: list[Guest] | None = None) -> None:
        self.guest_id = guest.id if guest is not None else None
        while self._form.rowCount():
            self._form.removeRow(0)
        for row in self.companion_rows:
            # Keep the parent: the row's button may be mid-click; Qt deletes it once that is over.
            self._companions_box.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.companion_rows = []
        if guest is None:
            self.name_label.setText(translate("Detail", "Pick a guest from the list."))
            self.name_label.setStyleSheet("")
            self._companions_title.hide()
            self.badge_label.hide()
            self.badge_button.hide()
            return
        self.name_label.setText(guest.display_name)
        # The back office's highlight colour (e.g. VIP) as a bar beside the name.
        colour = guest.highlight_color
        valid = bool(colour) and QColor.isValidColorName(str(colour))
        bar = f"border-left: 10px solid {colour}; padding-left: 8px;" if valid else ""
        self.name_label.setStyleSheet(bar)
        for label, text in detail_rows(guest, labels=self._field_labels):
            self._form.addRow(translate("Detail", "{label}:").format(label=label), plain_label(text))
        self.refresh_prints()
        companions = companions or []
        self._companions_title.setVisible(bool(companions))
        for companion in companions:
            row = CompanionRow(companion)
            row.check_in_requested.connect(self.companion_check_in)
            self._companions_box.addWidget(row)
            self.companion_rows.append(row)

    def refresh_prints(self) -> None:
        """The badge line and button for the guest shown, from the print log as it is now."""
        summary = self.print_summary(self.guest_id) if self.print_summary and self.guest_id else ""
        self.badge_label.setText(summary or translate("Detail", "No badge printed at this station"))
        reprint, first = translate("Detail", "Reprint badge"), translate("Detail", "Print badge")
        self.badge_button.setText(reprint if summary else first)
        self.badge_label.setVisible(self.guest_id is not None)
        self.badge_button.setVisible(
            self.guest_id is not None and self.print_summary is not None and self.printing_allowed
        )

    def _print_clicked(self) -> None:
        if self.guest_id is not None:
            self.print_badge.emit(self.guest_id)

    def form_texts(self) -> dict[str, str]:
        """The shown label -> text pairs (for tests and accessibility checks)."""
        result = {}
        for row in range(self._form.rowCount()):
            label = self._form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = self._form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is None or field is None:
                continue
            label_widget, field_widget = label.widget(), field.widget()
            if isinstance(label_widget, QLabel) and isinstance(field_widget, QLabel):
                result[label_widget.text().rstrip(":")] = field_widget.text()
        return result
