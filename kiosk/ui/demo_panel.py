"""The demo's panel on the ready screen: three sample codes as barcodes, and the demo server's switch."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
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

if TYPE_CHECKING:
    from kiosk.ui.main_window import MainWindow
    from kiosk.ui.qt_app import DemoHooks

log = logging.getLogger(__name__)

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


def barcode_pixmap(code: str, module_px: int = 2, height: int = 64) -> QPixmap | None:
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

    def __init__(self, codes: Sequence[str], scan: Callable[[str], object], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("DemoPanel")
        self.setStyleSheet(PANEL_STYLE)
        self._scan = scan
        layout = QVBoxLayout(self)
        title = QLabel("Demo: scan one of these codes, tap a card, or type a code and press Enter")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        cards = QHBoxLayout()
        self.cards: list[QToolButton] = []
        for code in codes:
            card = QToolButton()
            card.setText(code)
            card.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            picture = barcode_pixmap(code)
            if picture is not None:
                card.setIcon(picture)
                card.setIconSize(picture.size())
            card.setToolTip(f"Scan {code}")
            card.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            card.clicked.connect(lambda _=False, c=code: self._scan(c))
            cards.addWidget(card)
            self.cards.append(card)
        layout.addLayout(cards)
        self.entry = QLineEdit()
        self.entry.setPlaceholderText("Type an access code or badge number, then Enter")
        self.entry.returnPressed.connect(self._typed)
        layout.addWidget(self.entry)
        row = QHBoxLayout()
        self.server_state = QLabel()
        self.switch = QPushButton()
        self.switch.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row.addWidget(self.server_state, 1)
        row.addWidget(self.switch)
        layout.addLayout(row)

    def _typed(self) -> None:
        text = self.entry.text().strip()
        self.entry.clear()
        if text:
            self._scan(text)

    def show_server_state(self, online: bool, busy: bool = False) -> None:
        if busy:
            self.server_state.setText("Demo server: switching…")
        elif online:
            self.server_state.setText("Demo server: online")
        else:
            self.server_state.setText("Demo server: OFFLINE. Scans still work and queue up.")
        self.switch.setText("Take demo server offline" if online else "Bring it back")
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
            window.status_bar.show_problem(f"The demo server could not be switched: {err}")
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
