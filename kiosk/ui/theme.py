"""Colours, type sizes and the shrink-to-fit label of the door screens, readable from two metres."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


@dataclass(frozen=True)
class Scheme:
    background: str
    text: str
    muted: str


# Amber carries dark text: white on amber is unreadable in a bright foyer.
SCHEMES = {
    "green": Scheme("#17803d", "#ffffff", "#d9f2e1"),
    "amber": Scheme("#f0a500", "#1d1d1d", "#3b3000"),
    "red": Scheme("#b3261e", "#ffffff", "#ffd9d6"),
    "ready": Scheme("#1e2a3a", "#ffffff", "#b8c4d4"),
}

STATUS_BAR_STYLE = """
StatusBar { background: #101418; }
StatusBar QLabel { color: #e8e8e8; padding: 2px 10px; font-size: 15pt; }
StatusBar QLabel[level="warn"] { background: #f0a500; color: #1d1d1d; border-radius: 4px; }
StatusBar QLabel[level="bad"] { background: #b3261e; color: #ffffff; border-radius: 4px; }
StatusBar QLabel[level="good"] { color: #7ee29b; }
"""

def button_style(text_colour: str = "#ffffff") -> str:
    """Big touch buttons that sit on any verdict colour (translucent, in the scheme's text colour)."""
    return (
        "QPushButton { font-size: 20pt; font-weight: bold; padding: 12px 32px; border-radius: 10px; "
        f"border: 3px solid {text_colour}; background: rgba(255, 255, 255, 40); color: {text_colour}; }}"
        "QPushButton:pressed { background: rgba(255, 255, 255, 110); }"
    )


def scheme_for(colour: str) -> Scheme:
    return SCHEMES.get(colour, SCHEMES["ready"])


def paint_background(widget: QWidget, scheme: Scheme) -> None:
    """Fill a whole page with the verdict colour, children included, without a style sheet cascade."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(scheme.background))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(scheme.text))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(scheme.text))
    palette.setColor(QPalette.ColorRole.Text, QColor(scheme.text))
    widget.setPalette(palette)
    widget.setAutoFillBackground(True)


def font(pixel_size: int, *, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(max(6, pixel_size))
    f.setBold(bold)
    return f


def valid_colour(text: str | None) -> QColor | None:
    """A guest's highlightColor as a QColor, or None when it is missing or not a colour at all."""
    if not text or not isinstance(text, str):
        return None
    colour = QColor(text.strip())
    return colour if colour.isValid() else None


class FitLabel(QLabel):
    """A label whose font shrinks until the text fits its width in at most `max_lines` lines.

    Long names (a Spanish double surname with titles) must stay whole on screen rather than be cut,
    so the label trades size for completeness, down to `min_px`.
    """

    def __init__(self, max_px: int, min_px: int = 14, *, bold: bool = False, max_lines: int = 2,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._max_px, self._min_px, self._bold, self._max_lines = max_px, min_px, bold, max_lines
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._fit()

    def set_max_px(self, max_px: int) -> None:
        self._max_px = max(self._min_px, max_px)
        self._fit()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def fitted_px(self) -> int:
        return self.font().pixelSize()

    def _fits(self, px: int, width: int) -> bool:
        metrics = QFontMetrics(font(px, bold=self._bold))
        flags = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignCenter)
        box = metrics.boundingRect(QRect(0, 0, width, 100_000), flags, self.text())
        longest_word = max((metrics.horizontalAdvance(w) for w in self.text().split()), default=0)
        return box.height() <= metrics.lineSpacing() * self._max_lines + 2 and longest_word <= width

    def _fit(self) -> None:
        width = max(50, self.contentsRect().width() or self.width())
        low, high = self._min_px, self._max_px
        # Binary search: the largest size that fits (the smallest allowed one if nothing does).
        while low < high:
            mid = (low + high + 1) // 2
            if self._fits(mid, width):
                low = mid
            else:
                high = mid - 1
        if self.font().pixelSize() != low or self.font().bold() != self._bold:
            self.setFont(font(low, bold=self._bold))
