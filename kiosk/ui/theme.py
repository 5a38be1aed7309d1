"""Colours, type sizes and the shrink-to-fit label of the door screens, readable from two metres."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


@dataclass(frozen=True)
class Scheme:
    background: str
    text: str
    muted: str


# Amber carries dark text: white on amber is unreadable in a bright foyer. A check-out is indigo and an
# undo grey-purple, so that neither can be read as green "let in" from two metres.
SCHEMES = {
    "green": Scheme("#17803d", "#ffffff", "#d9f2e1"),
    "blue": Scheme("#3949ab", "#ffffff", "#dde1f7"),
    "undo": Scheme("#5e5470", "#ffffff", "#e6e0ee"),
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

# The smallest text on a door screen (notes, the highlight label, the next step): still readable at 2 m
# on a 7-inch 800x480 kiosk, and about 5% of the page height on larger screens.
SMALLEST_PX = 22
SMALL_TEXT_SHARE = 0.055


def small_text_px(page_height: int) -> int:
    return max(SMALLEST_PX, int(page_height * SMALL_TEXT_SHARE))


def button_style(text_colour: str = "#ffffff", px: int = 26) -> str:
    """Big touch buttons that sit on any verdict colour (translucent, in the scheme's text colour)."""
    pad_v, pad_h = max(4, px // 3), max(12, px)
    return (
        f"QPushButton {{ font-size: {px}px; font-weight: bold; padding: {pad_v}px {pad_h}px; border-radius: 10px; "
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


@functools.lru_cache(maxsize=512)
def _metrics(pixel_size: int, bold: bool) -> QFontMetrics:
    # Fitting a label measures its text at several sizes; building a font and its metrics each time
    # was half the cost of a verdict screen.
    return QFontMetrics(font(pixel_size, bold=bold))


def valid_colour(text: str | None) -> QColor | None:
    """A guest's highlightColor as a QColor, or None when it is missing or not a colour at all."""
    if not text or not isinstance(text, str):
        return None
    colour = QColor(text.strip())
    return colour if colour.isValid() else None


def text_colour_on(background: QColor) -> str:
    """Black or white, whichever reads better on a guest's highlight colour (yellow wants black)."""
    r, g, b = background.redF(), background.greenF(), background.blueF()
    return "#1d1d1d" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "#ffffff"


class FitLabel(QLabel):
    """A label whose font shrinks until the text fits its width in at most `max_lines` lines.

    Long names (a Spanish double surname with titles) must stay whole on screen rather than be cut,
    so the label trades size for completeness, down to `min_px`; only text that does not fit even then
    is elided. The label never asks for more width than it is given (its size policy ignores the hint),
    so a long name can never widen the window beyond a small screen.
    """

    def __init__(
        self, max_px: int, min_px: int = 14, *, bold: bool = False, max_lines: int = 2, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._max_px, self._min_px, self._bold, self._max_lines = max_px, min_px, bold, max_lines
        self._full = ""
        self._max_height = 0  # 0: no limit but the lines
        self._fitted_for: tuple[object, ...] | None = None
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._fit()

    def set_max_px(self, max_px: int) -> None:
        self._max_px = max(self._min_px, max_px)
        self._fit()

    def set_max_height(self, pixels: int) -> None:
        """Fit the text in this height as well (the room the other lines of a screen leave)."""
        self._max_height = max(0, pixels)
        self._fit()

    def set_max_lines(self, lines: int) -> None:
        self._max_lines = max(1, lines)
        self._fit()

    def setText(self, text: str) -> None:
        if text == self._full and self._fitted_for is not None:
            return  # shown as fitted already (perhaps elided): nothing to measure again
        self._full = text
        super().setText(text)
        self._fit()

    def full_text(self) -> str:
        """The whole text, also when the screen shows it elided."""
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def fitted_px(self) -> int:
        return self.font().pixelSize()

    # The heights are the text's own at the fitted size, and at least one line at `min_px`: not the
    # heights of whatever size the last, larger window chose, so a window can always shrink again.
    def hasHeightForWidth(self) -> bool:
        return False

    def sizeHint(self) -> QSize:
        if not self._full:
            return QSize(0, 0)
        return QSize(0, self.height_at(self.fitted_px(), self._fit_width()) + self._box_extra())

    def minimumSizeHint(self) -> QSize:
        if not self._full:
            return QSize(0, 0)
        return QSize(0, QFontMetrics(font(self._min_px, bold=self._bold)).lineSpacing() + self._box_extra())

    def _box_extra(self) -> int:
        """Border and padding of a style sheet (a band, a banner) around the text."""
        return max(0, self.height() - self.contentsRect().height())

    def _fit_width(self) -> int:
        return max(50, self.contentsRect().width() or self.width())

    def height_at(self, px: int, width: int) -> int:
        """The height this label's text needs at `px` in `width`, at most `max_lines` lines."""
        metrics = _metrics(px, self._bold)
        lines = min(self._max_lines, max(1, self._line_count(metrics, width)))
        return metrics.lineSpacing() * lines + 2

    def _line_count(self, metrics: QFontMetrics, width: int, text: str | None = None) -> int:
        flags = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignCenter)
        box = metrics.boundingRect(QRect(0, 0, width, 100_000), flags, self._full if text is None else text)
        # n lines are (n - 1) line spacings plus one line's height, which can be a pixel or two more.
        return max(1, round(box.height() / max(1, metrics.lineSpacing())))

    def _fits(self, px: int, width: int) -> bool:
        metrics = _metrics(px, self._bold)
        longest_word = max((metrics.horizontalAdvance(w) for w in self._full.split()), default=0)
        lines = self._line_count(metrics, width)
        if self._max_height and lines * metrics.lineSpacing() > self._max_height:
            return False
        return lines <= self._max_lines and longest_word <= width

    def _fit(self) -> None:
        width = self._fit_width()
        # The same text in the same room fits the same way: a verdict sets each size and text several
        # times (text, then the page's sizes), and each search costs a few font measurements.
        key = (self._full, width, self._min_px, self._max_px, self._max_lines, self._max_height, self._bold)
        if key == self._fitted_for:
            return
        self._fitted_for = key
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
        shown = self._full if self._fits(low, width) else self._elided(low, width)
        if shown != super().text():
            super().setText(shown)
        self.updateGeometry()

    def _elided(self, px: int, width: int) -> str:
        """The last resort: as much as fits in `max_lines` lines (and the height), ending in an ellipsis."""
        metrics = _metrics(px, self._bold)
        allowed = self._max_lines
        if self._max_height:
            allowed = max(1, min(allowed, self._max_height // max(1, metrics.lineSpacing())))
        lines = [line for line in self._full.splitlines() if line.strip()][:allowed] or [""]
        per_line = max(1, allowed // len(lines))
        if any(metrics.horizontalAdvance(word) > width for word in self._full.split()):
            per_line = 1  # a word wider than the label does not wrap: keep each line to one line
        shown = []
        for line in lines:
            # Eliding to n widths in one line is not n wrapped lines: wrapping breaks between words and
            # wastes the end of each line. Shorten until the wrapped text is n lines at most.
            budget = width * per_line - px
            text = metrics.elidedText(line, Qt.TextElideMode.ElideRight, budget)
            while budget > width and self._line_count(metrics, width, text) > per_line:
                budget -= max(px, width // 12)
                text = metrics.elidedText(line, Qt.TextElideMode.ElideRight, budget)
            shown.append(text)
        return "\n".join(shown)
