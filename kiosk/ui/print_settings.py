"""Staff's badge settings: which printer, which labels, auto-print and badge station mode; failed badges."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.badges.sizes import SIZES
from kiosk.storage.config import StationConfig

DEFAULT_PRINTER = "(the system's default printer)"


class PrintSettings(QDialog):
    """Reads nothing itself: the printers and the failed badges' count come in, the choice goes out."""

    def __init__(self, config: StationConfig, printers: Sequence[str], *, failed: int,
                 retry: Callable[[], int], drop: Callable[[], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Badge printing")
        self.setMinimumWidth(520)
        self._retry, self._drop = retry, drop
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.printer = QComboBox()
        self.printer.addItem(DEFAULT_PRINTER, "")
        for name in printers:
            self.printer.addItem(name, name)
        if config.printer and config.printer not in printers:
            # A chosen printer that is gone now stays chosen (it may be plugged in again), marked.
            self.printer.addItem(f"{config.printer} (not found)", config.printer)
        self.printer.setCurrentIndex(max(0, self.printer.findData(config.printer)))
        self.labels = QComboBox()
        for key, size in SIZES.items():
            self.labels.addItem(size.title, key)
        self.labels.setCurrentIndex(max(0, self.labels.findData(config.badge_size)))
        self.auto_print = QCheckBox("Print the badge when a guest is first admitted")
        self.auto_print.setChecked(config.auto_print)
        self.badge_station = QCheckBox("Badge station: a scan prints the badge and checks no one in")
        self.badge_station.setChecked(config.badge_station)
        form.addRow("Printer:", self.printer)
        form.addRow("Labels:", self.labels)
        layout.addLayout(form)
        layout.addWidget(self.auto_print)
        layout.addWidget(self.badge_station)
        row = QHBoxLayout()
        self.failed = QLabel()
        self.retry_button = QPushButton("Retry failed badges")
        self.drop_button = QPushButton("Drop failed badges")
        self.retry_button.clicked.connect(lambda: self._after(self._retry(), "sent again"))
        self.drop_button.clicked.connect(lambda: self._after(self._drop(), "dropped"))
        row.addWidget(self.failed, 1)
        row.addWidget(self.retry_button)
        row.addWidget(self.drop_button)
        layout.addLayout(row)
        self._show_failed(failed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> dict[str, object]:
        """The settings as StationController.set_badge_settings takes them."""
        return {"printer": str(self.printer.currentData()), "size": str(self.labels.currentData()),
                "auto_print": self.auto_print.isChecked(), "badge_station": self.badge_station.isChecked()}

    def _after(self, count: int, what: str) -> None:
        self._show_failed(0, f"{count} badge(s) {what}.")

    def _show_failed(self, failed: int, said: str = "") -> None:
        self.failed.setText(said or (f"{failed} badge(s) not printed" if failed else "No badge waits."))
        self.retry_button.setEnabled(failed > 0)
        self.drop_button.setEnabled(failed > 0)
