"""The door's short memory: the last few verdicts as coloured chips, so a refusal stays visible after the
next scan has replaced its red screen."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from kiosk.ui.i18n import clock
from kiosk.ui.theme import font, scheme_for

RECENT_COUNT = 5
# A chip narrower than this shows little more than its time: a narrow screen shows fewer chips.
MIN_CHIP_WIDTH = 180


@dataclass(frozen=True)
class RecentEntry:
    at: datetime
    scheme: str
    symbol: str
    label: str

    @property
    def text(self) -> str:
        return f"{self.symbol} {clock(self.at)} {self.label}".strip()


class RecentVerdicts(QObject):
    """The last `size` verdicts of this station, newest first; shared by every page that shows them."""

    changed = Signal()

    def __init__(self, size: int = RECENT_COUNT, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._size = size
        self._entries: list[RecentEntry] = []

    @property
    def size(self) -> int:
        return self._size

    @property
    def entries(self) -> tuple[RecentEntry, ...]:
        return tuple(self._entries)

    def add(self, entry: RecentEntry) -> RecentEntry:
        self._entries = [entry, *self._entries][: self._size]
        self.changed.emit()
        return entry

    def amend(self, entry: RecentEntry, note: str) -> None:
        """Add a note to an entry still in the strip (its companions were not checked in)."""
        for index, existing in enumerate(self._entries):
            if existing is entry:
                self._entries[index] = replace(entry, label=f"{entry.label} · {note}")
                self.changed.emit()
                return


class RecentStrip(QWidget):
    """One chip per recent verdict, in the verdict's own colour; refused scans are red chips."""

    def __init__(self, recent: RecentVerdicts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recent = recent
        self._px = 18
        # Never wider than it is given: the chips share the width and elide their text.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.chips: list[QLabel] = []
        for _ in range(recent.size):
            chip = QLabel()
            chip.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            chip.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            layout.addWidget(chip, 1)
            self.chips.append(chip)
        recent.changed.connect(self.refresh)
        self.refresh()

    def fit_page(self, page_height: int) -> None:
        """Chip text in proportion to the page, small enough that a name still fits beside the time."""
        self.set_px(max(15, min(22, int(page_height * 0.032))))

    def set_px(self, px: int) -> None:
        if px != self._px:
            self._px = px
            self.refresh()

    def chip_texts(self) -> list[str]:
        """The full text of each shown chip, newest first (what the chips show, before eliding)."""
        return [entry.text for entry in self.recent.entries[: self.visible_count()]]

    def refresh(self) -> None:
        entries = self.recent.entries
        self.setFixedHeight(int(self._px * 1.6) + 8)
        for index, chip in enumerate(self.chips):
            if index >= len(entries):
                chip.setText("")
                _style(chip, "", "background: transparent; border: none;")
                chip.setToolTip("")
                continue
            entry = entries[index]
            scheme = scheme_for(entry.scheme)
            if chip.font().pixelSize() != self._px:
                chip.setFont(font(self._px))
            _style(
                chip,
                entry.scheme,
                f"QLabel {{ background: {scheme.background}; color: {scheme.text}; "
                f"border: 2px solid {scheme.text}; border-radius: 6px; padding: 0 6px; }}",
            )
            chip.setToolTip(entry.text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def visible_count(self) -> int:
        return max(3, min(len(self.chips), self.width() // MIN_CHIP_WIDTH))

    def _elide(self) -> None:
        entries = self.recent.entries
        shown = self.visible_count()
        for index, chip in enumerate(self.chips):
            chip.setVisible(index < shown)
        for chip, entry in zip(self.chips[:shown], entries, strict=False):
            width = max(20, chip.contentsRect().width() - 4)
            chip.setText(QFontMetrics(chip.font()).elidedText(entry.text, Qt.TextElideMode.ElideRight, width))


def _style(chip: QLabel, scheme: str, sheet: str) -> None:
    # A style sheet is re-parsed and the chip re-polished on every call: the slowest part of a verdict
    # screen when five chips were restyled on every scan, so only a chip whose colour changed is.
    if chip.property("sheet") != sheet:
        chip.setStyleSheet(sheet)
        chip.setProperty("sheet", sheet)
    chip.setProperty("scheme", scheme)
