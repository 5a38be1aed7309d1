"""The demo's panel on the ready screen: three sample codes as barcodes, and the demo server's switch."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.i18n import translate

if TYPE_CHECKING:
    from kiosk.ui.main_window import MainWindow
    from kiosk.ui.qt_app import DemoHooks

log = logging.getLogger(__name__)

MODULE_PX = 2  # bar width at full size; cards shrink to 1 px bars on a narrow screen
CARD_PADDING_PX = 16  # the card's padding and border around the barcode (see PANEL_STYLE)
CARDS_MARGIN_PX = 40  # the panel's margins and the spacing between cards

PANEL_STYLE = """
#DemoPanel { background: #2b3a4e; border-radius: 12px; }
#DemoPanel QLabel { color: #e9eef5; font-size: 14pt; }
#DemoPanel QPushButton { font-size: 14pt; padding: 6px 14px; }
#DemoPanel QToolButton { font-size: 16pt; font-family: monospace; padding: 6px; background: white;
                         color: black; border-radius: 6px; }
#DemoPanel QLineEdit { font-size: 16pt; padding: 4px; }
"""


def barcode_modules(code: str) -> str:
    """The Code 128 bar pattern of `code` as '1' (bar) and '0' (space) modules."""
    import barcode

    return "".join(barcode.get_barcode_class("code128")(code).build())


def _module_count(code: str) -> int:
    try:
        return len(barcode_modules(code))
    except Exception:  # no barcode for it: the card shows the text only
        return 0


def barcode_pixmap(code: str, module_px: int = MODULE_PX, height: int = 64) -> QPixmap | None:
    """Draws the bars directly: crisp at any size, with no SVG viewBox or image library involved."""
    try:
        modules = barcode_modules(code)
    except Exception as err:  # a code the symbology cannot encode: show the text only
        log.warning("no barcode for %r: %s", code, err)
        return None
    quiet = 10 * module_px
    pixmap = QPixmap(len(modules) * module_px + 2 * quiet, height)
    pixmap.fill(QColor("white"))
    painter = QPainter(pixmap)
    for index, bit in enumerate(modules):
        if bit == "1":
            painter.fillRect(quiet + index * module_px, 4, module_px, height - 8, QColor("black"))
    painter.end()
    return pixmap


class DemoPanel(QFrame):
    """Tap a card (or type a code and press Enter) to scan; the switch takes the demo server away."""

    def __init__(self, codes: Sequence[str], scan: Callable[[str], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DemoPanel")
        self.setStyleSheet(PANEL_STYLE)
        self._scan = scan
        layout = QVBoxLayout(self)
        title = QLabel(translate("Demo", "Demo: scan one of these codes, tap a card, or type a code and press Enter"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setWordWrap(True)
        layout.addWidget(title)
        cards = QHBoxLayout()
        self.cards: list[QToolButton] = []
        self._module_px = 0
        self._modules = {code: _module_count(code) for code in codes}
        for code in codes:
            card = QToolButton()
            card.setText(code)
            card.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            # Its own minimum (1 px bars), so that three cards never make the panel wider than the screen.
            card.setMinimumWidth(self._card_width(code, 1))
            card.setToolTip(translate("Demo", "Scan {code}").format(code=code))
            card.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            card.clicked.connect(lambda _=False, c=code: self._scan(c))
            cards.addWidget(card)
            self.cards.append(card)
        layout.addLayout(cards)
        self.entry = QLineEdit()
        self.entry.setPlaceholderText(translate("Demo", "Type an access code or badge number, then Enter"))
        self.entry.returnPressed.connect(self._typed)
        layout.addWidget(self.entry)
        row = QHBoxLayout()
        self.server_state = QLabel()
        self.switch = QPushButton()
        self.switch.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row.addWidget(self.server_state, 1)
        row.addWidget(self.switch)
        layout.addLayout(row)
        self._draw_cards(MODULE_PX)

    def _card_width(self, code: str, module_px: int) -> int:
        modules = self._modules.get(code) or 0
        return (modules + 20) * module_px + CARD_PADDING_PX  # bars plus the 10-module quiet zones

    def _draw_cards(self, module_px: int) -> None:
        if module_px == self._module_px:
            return
        self._module_px = module_px
        for card in self.cards:
            picture = barcode_pixmap(card.text(), module_px)
            if picture is not None:
                card.setIcon(picture)
                card.setIconSize(picture.size())

    def sizeHint(self) -> QSize:
        # Always what full-size cards need, whatever the cards are drawn at now: a panel laid out
        # narrow once must still get its full width back when the window grows.
        hint = super().sizeHint()
        return QSize(max(hint.width(), self._cards_width(MODULE_PX)), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # The widest bars that let the cards fit side by side (sizeHint asks for exactly MODULE_PX's room).
        fits = [px for px in range(MODULE_PX, 0, -1) if self._cards_width(px) <= self.width()]
        self._draw_cards(fits[0] if fits else 1)

    def _cards_width(self, module_px: int) -> int:
        return sum(self._card_width(card.text(), module_px) for card in self.cards) + CARDS_MARGIN_PX

    def _typed(self) -> None:
        text = self.entry.text().strip()
        self.entry.clear()
        if text:
            self._scan(text)

    def show_server_state(self, online: bool, busy: bool = False) -> None:
        if busy:
            self.server_state.setText(translate("Demo", "Demo server: switching…"))
        elif online:
            self.server_state.setText(translate("Demo", "Demo server: online"))
        else:
            self.server_state.setText(translate("Demo", "Demo server: OFFLINE. Scans still work and queue up."))
        offline, back = translate("Demo", "Take demo server offline"), translate("Demo", "Bring it back")
        self.switch.setText(offline if online else back)
        self.switch.setEnabled(not busy)


def attach_demo(window: MainWindow, demo: DemoHooks) -> DemoPanel:
    """Put the demo panel on the ready screen and the server switch in the staff tools."""
    controller = window.controller
    panel = DemoPanel(demo.codes, controller.handle_scan)
    window.ready.add_extra(panel)
    staff_switch = window.add_staff_tool("", lambda: None)
    switching: list[asyncio.Future[None]] = []

    def show_state(busy: bool = False) -> None:
        panel.show_server_state(demo.server_online, busy)
        staff_switch.setText(panel.switch.text())
        staff_switch.setEnabled(not busy)

    async def flip() -> None:
        target = not demo.server_online
        show_state(busy=True)
        try:
            # Stopping a server waits for its connections to end: never on the Qt thread.
            await asyncio.get_running_loop().run_in_executor(None, demo.set_server_online, target)
        except Exception as err:
            log.error("the demo server could not be switched: %s", err)
            window.status_bar.show_problem(
                translate("Demo", "The demo server could not be switched: {error}").format(error=err)
            )
        finally:
            show_state()
        if demo.server_online:
            controller.sync_now()

    def start_flip() -> None:
        if switching and not switching[-1].done():
            return
        switching[:] = [asyncio.ensure_future(flip())]

    panel.switch.clicked.connect(start_flip)
    staff_switch.clicked.connect(start_flip)
    show_state()
    return panel
