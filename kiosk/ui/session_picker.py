"""Staff choose the session this door serves (Conferences i/o): the platform's sessions, the current one marked.

Loading the list and checking the choice against the server run as asyncio tasks on the qasync loop, so
the door keeps answering scans meanwhile; nothing changes until the server has accepted the new session.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.platforms.base import Choice, RemoteError
from kiosk.storage import StoreError
from kiosk.storage.config import ConfigError
from kiosk.ui.i18n import translate

log = logging.getLogger(__name__)

LoadChoices = Callable[[], Awaitable[list[Choice]]]
Switch = Callable[[str], Awaitable[object]]
_ERROR_STYLE = "color: #b00020;"
_ID_ROLE = Qt.ItemDataRole.UserRole


class SessionPicker(QDialog):
    """A list of the event's sessions; "Serve this session" checks the choice with the server and saves it."""

    def __init__(self, current: str, load: LoadChoices, switch: Switch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("SessionPicker", "Session at this door"))
        self.current = current
        self._load, self._switch = load, switch
        self.task: asyncio.Task[None] | None = None
        self.heading = QLabel(translate("SessionPicker", "Which session does this door serve?"))
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.note = QLabel(translate("SessionPicker", "Check-ins made here for the current session stay on this "
                                                      "station and in its export."))
        self.note.setWordWrap(True)
        self.status = QLabel(translate("SessionPicker", "Loading the sessions…"))
        self.status.setWordWrap(True)
        self.sessions = QListWidget()
        self.sessions.setStyleSheet("QListWidget { font-size: 14pt; } QListWidget::item { padding: 10px; }")
        # Long session names wrap rather than run off the right edge of a small kiosk screen.
        self.sessions.setWordWrap(True)
        self.sessions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sessions.currentItemChanged.connect(lambda *_: self._update_button())
        self.serve_button = QPushButton(translate("SessionPicker", "Serve this session"))
        self.serve_button.setMinimumHeight(56)
        self.serve_button.setEnabled(False)
        self.serve_button.clicked.connect(self.start_switch)
        self.cancel_button = QPushButton(translate("SessionPicker", "Cancel"))
        self.cancel_button.setMinimumHeight(56)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.serve_button)
        layout = QVBoxLayout(self)
        for widget in (self.heading, self.note, self.status, self.sessions):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        # Fits the smallest kiosk screen (800x480) with room for the window frame.
        self.resize(720, 420)

    def start_loading(self) -> None:
        """Ask the platform for its sessions (an asyncio task; the dialog fills in when they arrive)."""
        self.task = asyncio.ensure_future(self._fill())

    def chosen(self) -> str | None:
        item = self.sessions.currentItem()
        return None if item is None else str(item.data(_ID_ROLE))

    def start_switch(self) -> None:
        """Check the chosen session with the server and save it; the dialog accepts once it is saved."""
        chosen = self.chosen()
        if chosen is None or chosen == self.current or (self.task is not None and not self.task.done()):
            return
        self.task = asyncio.ensure_future(self._serve(chosen))

    async def _fill(self) -> None:
        try:
            choices = await self._load()
        except RemoteError as err:
            self._say(translate("SessionPicker", "The sessions could not be loaded: {error}").format(error=err),
                      error=True)
            return
        if not choices:
            self._say(translate("SessionPicker", "The platform lists no sessions for this event."), error=True)
            return
        self.sessions.clear()
        for choice in choices:
            label = f"{choice.id}  ·  {choice.label}" if choice.label else choice.id
            if choice.id == self.current:
                label = translate("SessionPicker", "This door now: {session}").format(session=label)
            item = QListWidgetItem(label)
            item.setData(_ID_ROLE, choice.id)
            self.sessions.addItem(item)
            if choice.id == self.current:
                self.sessions.setCurrentItem(item)
        self._say(translate("SessionPicker", "Choose a session, then Serve this session."))

    async def _serve(self, session: str) -> None:
        self._busy(True)
        self._say(translate("SessionPicker", "Checking session {session} with the server…").format(session=session))
        try:
            await self._switch(session)
        except (RemoteError, ConfigError, StoreError, OSError) as err:
            log.warning("session switch to %r refused: %s", session[:64], err)
            self._say(translate("SessionPicker", "This door still serves its session: {error}").format(error=err),
                      error=True)
            self._busy(False)
            return
        log.info("this door now serves session %r", session[:64])
        self.accept()

    def reject(self) -> None:
        # Not while the server checks the choice: its answer decides, and a saved switch must reopen the door.
        if self.task is not None and not self.task.done() and not self.cancel_button.isEnabled():
            return
        super().reject()

    def _busy(self, busy: bool) -> None:
        self.sessions.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        self.serve_button.setEnabled(not busy)
        if not busy:
            self._update_button()

    def _update_button(self) -> None:
        chosen = self.chosen()
        self.serve_button.setEnabled(chosen is not None and chosen != self.current)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(_ERROR_STYLE if error else "")
