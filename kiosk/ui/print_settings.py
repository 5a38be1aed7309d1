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
from kiosk.domain.text import QT_TRANSLATE_NOOP
from kiosk.storage.config import StationConfig
from kiosk.ui.i18n import COUNTED, translate, translated

DEFAULT_PRINTER = QT_TRANSLATE_NOOP("Printing", "(the system's default printer)")


class PrintSettings(QDialog):
    """Reads nothing itself: the printers and the failed badges' count come in, the choice goes out."""

    def __init__(self, config: StationConfig, printers: Sequence[str], *, failed: int,
                 retry: Callable[[], int], drop: Callable[[], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Printing", "Badge printing"))
        self.setMinimumWidth(520)
        self._retry, self._drop = retry, drop
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.printer = QComboBox()
        self.printer.addItem(translated(DEFAULT_PRINTER), "")
        for name in printers:
            self.printer.addItem(name, name)
        if config.printer and config.printer not in printers:
            # A chosen printer that is gone now stays chosen (it may be plugged in again), marked.
            self.printer.addItem(
                translate("Printing", "{printer} (not found)").format(printer=config.printer), config.printer
            )
        self.printer.setCurrentIndex(max(0, self.printer.findData(config.printer)))
        self.labels = QComboBox()
        for key, size in SIZES.items():
            self.labels.addItem(size.title, key)
        self.labels.setCurrentIndex(max(0, self.labels.findData(config.badge_size)))
        self.auto_print = QCheckBox(translate("Printing", "Print the badge when a guest is first admitted"))
        self.auto_print.setChecked(config.auto_print)
        self.badge_station = QCheckBox(
            translate("Printing", "Badge station: a scan prints the badge and checks no one in")
        )
        self.badge_station.setChecked(config.badge_station)
        form.addRow(translate("Printing", "Printer:"), self.printer)
        form.addRow(translate("Printing", "Labels:"), self.labels)
        layout.addLayout(form)
        layout.addWidget(self.auto_print)
        layout.addWidget(self.badge_station)
        row = QHBoxLayout()
        self.failed = QLabel()
        self.retry_button = QPushButton(translate("Printing", "Retry failed badges"))
        self.drop_button = QPushButton(translate("Printing", "Drop failed badges"))
        self.retry_button.clicked.connect(lambda: self._after(COUNTED.badges_sent_again(self._retry())))
        self.drop_button.clicked.connect(lambda: self._after(COUNTED.badges_dropped(self._drop())))
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
        return {
            "printer": str(self.printer.currentData()),
            "size": str(self.labels.currentData()),
            "auto_print": self.auto_print.isChecked(),
            "badge_station": self.badge_station.isChecked(),
        }

    def _after(self, said: str) -> None:
        self._show_failed(0, said)

    def _show_failed(self, failed: int, said: str = "") -> None:
        self.failed.setText(
            said or (COUNTED.badges_not_printed(failed) if failed else translate("Printing", "No badge waits."))
        )
        self.retry_button.setEnabled(failed > 0)
        self.drop_button.setEnabled(failed > 0)
