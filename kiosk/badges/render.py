"""The badge layout painted with QPainter at the paint device's resolution, and badges written to a PDF."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPagedPaintDevice, QPageLayout, QPageSize, QPainter, QPdfWriter

from kiosk.badges.content import Badge, code128_modules
from kiosk.badges.sizes import MM_PER_INCH, LabelSize

PDF_DPI = 600
FONT_FAMILY = "DejaVu Sans"
# Code 128 wants ten modules of white on each side for a scanner to find the start.
QUIET_MODULES = 10
# A name is never cut: it shrinks (down to this fraction of a pixel size it never reaches in practice)
# until every word fits; one step is 5 % so a long name keeps as much size as it can.
_SHRINK = 0.95
_MIN_PX = 2.0
_NAME_LINES = 2


def page_layout(size: LabelSize) -> QPageLayout:
    """The label as a page with no margins (the layout keeps its own), as wide and tall as it is fed."""
    width, height = size.page_mm
    page = QPageSize(QSizeF(width, height), QPageSize.Unit.Millimeter, size.title, QPageSize.SizeMatchPolicy.ExactMatch)
    # A custom QPageSize keeps the width and height given; Landscape would swap them (a 4x3 in label
    # would come out 3 wide and 4 tall), so every label is "portrait" of its own size.
    return QPageLayout(page, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def fitted_font(text: str, px: float, box: QRectF, flags: int, *, bold: bool = False) -> tuple[QFont, float]:
    """The font at the largest pixel size <= px at which `text`, laid out with `flags`, fits `box` whole."""
    font = QFont(FONT_FAMILY)
    font.setBold(bold)
    while True:
        font.setPixelSize(max(1, round(px)))
        used = QFontMetricsF(font).boundingRect(box, flags, text)
        if (used.width() <= box.width() + 0.5 and used.height() <= box.height() + 0.5) or px <= _MIN_PX:
            return font, px
        px *= _SHRINK


def name_fits(font: QFont, text: str, box: QRectF) -> bool:
    """Whether the name laid out as paint_badge lays it out stays within its box (tests measure with this)."""
    used = QFontMetricsF(font).boundingRect(box, _NAME_FLAGS, text)
    return used.width() <= box.width() + 0.5 and used.height() <= box.height() + 0.5


_NAME_FLAGS = int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
_LINE_FLAGS = int(Qt.AlignmentFlag.AlignCenter)


class BadgeGeometry:
    """Where each part of a badge goes in a badge rectangle of `rect` device pixels at `dpi`."""

    def __init__(self, rect: QRectF, dpi: float) -> None:
        self.dpi = dpi
        self.rect = rect
        mm = dpi / MM_PER_INCH
        margin = max(3 * mm, min(rect.width(), rect.height()) * 0.05)
        inner = rect.adjusted(margin, margin, -margin, -margin)
        height = inner.height()
        self.band = QRectF(rect.left(), rect.top(), rect.width(), max(4 * mm, rect.height() * 0.10))
        top = self.band.bottom() + margin * 0.6
        self.event = QRectF(inner.left(), top, inner.width(), height * 0.08)
        self.name = QRectF(inner.left(), self.event.bottom(), inner.width(), height * 0.34)
        self.company = QRectF(inner.left(), self.name.bottom(), inner.width(), height * 0.10)
        self.code_text = QRectF(inner.left(), inner.bottom() - height * 0.06, inner.width(), height * 0.06)
        bars_top = self.company.bottom() + height * 0.03
        self.bars = QRectF(inner.left(), bars_top, inner.width(), self.code_text.top() - bars_top)
        # The name's starting size: two lines filling its box, never above 14 mm (a giant name on A6 reads badly).
        self.name_px = min(self.name.height() / (_NAME_LINES * 1.25), 14 * mm)


def paint_badge(painter: QPainter, rect: QRectF, badge: Badge, dpi: float) -> QFont:
    """Paint one badge into `rect` (device pixels); returns the name's font (what the tests measure)."""
    g = BadgeGeometry(rect, dpi)
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    if badge.color:
        painter.fillRect(g.band, QColor(badge.color))
    painter.setPen(QColor("black"))
    if badge.event:
        font, _ = fitted_font(badge.event, g.event.height() * 0.7, g.event, _LINE_FLAGS)
        painter.setFont(font)
        painter.drawText(g.event, _LINE_FLAGS, badge.event)
    name_font, _ = fitted_font(badge.name, g.name_px, g.name, _NAME_FLAGS, bold=True)
    painter.setFont(name_font)
    painter.drawText(g.name, _NAME_FLAGS, badge.name)
    if badge.company:
        font, _ = fitted_font(badge.company, g.company.height() * 0.7, g.company, _LINE_FLAGS)
        painter.setFont(font)
        painter.drawText(g.company, _LINE_FLAGS, badge.company)
    _paint_bars(painter, g.bars, badge.code)
    font, _ = fitted_font(badge.code, g.code_text.height() * 0.8, g.code_text, _LINE_FLAGS)
    painter.setFont(font)
    painter.drawText(g.code_text, _LINE_FLAGS, badge.code)
    painter.restore()
    return name_font


def _paint_bars(painter: QPainter, box: QRectF, code: str) -> None:
    modules = code128_modules(code)
    # Whole device pixels per module, so every bar edge falls on the printer's dot grid (no uneven bars).
    module = int(box.width() // (len(modules) + 2 * QUIET_MODULES))
    if module < 1:
        module = 1  # a code too long for the label still prints; a scanner may not read it
    left = box.left() + (box.width() - module * len(modules)) / 2
    black = QColor("black")
    run_start = None
    for i, bit in enumerate(modules + "0"):
        if bit == "1" and run_start is None:
            run_start = i
        elif bit == "0" and run_start is not None:
            painter.fillRect(QRectF(round(left) + run_start * module, box.top(), (i - run_start) * module,
                                    box.height()), black)
            run_start = None


def paint_pages(device: QPagedPaintDevice, size: LabelSize, badges: Iterable[Badge],
                on_badge: Callable[[int], None] | None = None) -> int:
    """Paint the badges onto `device`, `size.per_page` a page, one page at a time; returns how many."""
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("the badge page could not be started (printer or file refused it)")
    done = 0
    try:
        # A PDF writer's and a printer's logical dpi is their resolution: painting is in the device's own dots.
        dpi = device.logicalDpiX()
        page = device.pageLayout().fullRectPixels(dpi)
        cell_w, cell_h = page.width() / size.columns, page.height() / size.rows
        for badge in badges:
            slot = done % size.per_page
            if done and slot == 0:
                device.newPage()
            col, row = slot % size.columns, slot // size.columns
            paint_badge(painter, QRectF(col * cell_w, row * cell_h, cell_w, cell_h), badge, dpi)
            done += 1
            if on_badge is not None:
                on_badge(done)
    finally:
        painter.end()
    return done


def write_pdf(path: Path, size: LabelSize, badges: Iterable[Badge],
              on_badge: Callable[[int], None] | None = None, dpi: int = PDF_DPI) -> int:
    """Write the badges to a PDF with pages of the label's size; returns how many badges it holds."""
    writer = QPdfWriter(str(path))
    writer.setResolution(dpi)
    writer.setPageLayout(page_layout(size))
    writer.setCreator("kiosk")
    return paint_pages(writer, size, badges, on_badge)
