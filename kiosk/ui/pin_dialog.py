"""Staff PIN entry for touch screens: masked digits, an on-screen keypad, and a visible lock-out wait.

`PinDialog` and `SetPinDialog` never block by themselves, so tests drive them with qtbot; `ask_pin`
and `set_pin_dialog` are what the window calls, and run them modally. A dialog left alone closes after
`PIN_IDLE_MS`, so a walked-away keypad never hides the door screen for long.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QRegularExpressionValidator, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.text import QT_TRANSLATE_NOOP
from kiosk.services.pin import LOCKED, PinGuard, pin_problem
from kiosk.ui.i18n import translate, translated

log = logging.getLogger(__name__)

MAX_PIN_LENGTH = 12
# Touch-sized keys that still leave the whole dialog inside an 800x480 screen.
_KEY_SIZE = 52
_ERROR_STYLE = "color: #b00020;"
PIN_IDLE_MS = 30_000
_ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin})


class PinPad(QWidget):
    """A masked digits field with a 3x4 keypad; `submitted(text)` on OK or Enter, once per press.

    Enter reaches the field's `returnPressed` only: no button is a default button, or the dialog would
    press it too for the same Enter and submit a second time, with the field already cleared.
    """

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setMaxLength(MAX_PIN_LENGTH)
        self.edit.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9]*"), self.edit))
        self.edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.edit.setMinimumHeight(_KEY_SIZE)
        font = self.edit.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        self.edit.setFont(font)
        self.edit.returnPressed.connect(self._submit)
        grid = QGridLayout()
        self.digit_buttons: dict[str, QPushButton] = {}
        for index, digit in enumerate("123456789"):
            grid.addWidget(self._key(digit, self._typer(digit)), index // 3, index % 3)
        grid.addWidget(self._key(translate("Pin", "Clear"), self.edit.clear), 3, 0)
        grid.addWidget(self._key("0", self._typer("0")), 3, 1)
        grid.addWidget(self._key("⌫", self.edit.backspace), 3, 2)
        self.ok_button = self._key(translate("Pin", "OK"), self._submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addLayout(grid)

    def _key(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setMinimumSize(_KEY_SIZE, _KEY_SIZE)
        # Keys must not take focus away from the field, or the keyboard would stop typing into it.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        if text.isdigit():
            self.digit_buttons[text] = button
        return button

    def _typer(self, digit: str) -> Callable[[], None]:
        return lambda: self.type_digit(digit)

    def type_digit(self, digit: str) -> None:
        if len(self.edit.text()) < MAX_PIN_LENGTH:
            self.edit.insert(digit)

    def text(self) -> str:
        return self.edit.text()

    def clear(self) -> None:
        self.edit.clear()

    def set_locked(self, locked: bool) -> None:
        self.setEnabled(not locked)
        self.ok_button.setEnabled(not locked)  # it sits in the dialog's bottom row, beside Cancel
        if not locked:
            self.edit.setFocus()

    def _submit(self) -> None:
        self.submitted.emit(self.edit.text())


class _PinDialogBase(QDialog):
    def __init__(self, title: str, prompt: str, parent: QWidget | None, idle_ms: int = PIN_IDLE_MS) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.4)  # read and tapped at arm's length
        self.setFont(font)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(idle_ms)
        self._idle.timeout.connect(self._idle_out)
        self.prompt = QLabel(prompt)
        self.prompt.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.pad = PinPad()
        self.pad.submitted.connect(self._on_submit)
        self.cancel_button = QPushButton(translate("Pin", "Cancel"))
        self.cancel_button.setMinimumHeight(_KEY_SIZE)
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.message)
        layout.addWidget(self.pad)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button, 1)
        buttons.addWidget(self.pad.ok_button, 2)
        layout.addLayout(buttons)
        self.pad.edit.setFocus()

    # --- closing by itself when nobody is there

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._idle.start()

    def hideEvent(self, event: QHideEvent) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._idle.stop()
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in _ACTIVITY
            and isinstance(watched, QWidget)
            and (watched is self or self.isAncestorOf(watched))
        ):
            self._idle.start()
        return False

    def _idle_out(self) -> None:
        log.info("PIN dialog closed after %d s without input", self._idle.interval() // 1000)
        self.reject()

    def _say(self, text: str, *, error: bool = True) -> None:
        self.message.setStyleSheet(_ERROR_STYLE if error else "")
        self.message.setText(text)

    def _on_submit(self, pin: str) -> None:
        raise NotImplementedError


class PinDialog(_PinDialogBase):
    """Asks for the staff PIN; accepted only when `guard` says it is right.

    After a wrong PIN the guard's message is shown; when it asks for a wait, entry is disabled and
    a countdown runs. `clock` and `tick_ms` exist so tests need not wait in real time.
    """

    def __init__(
        self,
        guard: PinGuard,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        tick_ms: int = 250,
        idle_ms: int = PIN_IDLE_MS,
    ) -> None:
        super().__init__(translate("Pin", "Staff PIN"), translate("Pin", "Enter the staff PIN."), parent, idle_ms)
        self._guard = guard
        self._clock = clock
        self._unlock_at: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._tick)

    @property
    def locked(self) -> bool:
        return self._unlock_at is not None

    def _on_submit(self, pin: str) -> None:
        if self.locked:
            return
        if not pin:
            self._say(translate("Pin", "Type the PIN first."))
            return
        try:
            result = self._guard.check(pin)
        except OSError as exc:
            log.warning("checking the staff PIN failed: %s", exc)
            self._say(translate("Pin", "The PIN could not be checked: {error}").format(error=exc))
            return
        if result.ok:
            self.accept()
            return
        self.pad.clear()
        self._say(translated(result.message) if result.message else translate("Pin", "Wrong PIN."))
        if result.wait_seconds > 0:
            self._unlock_at = self._clock() + result.wait_seconds
            self.pad.set_locked(True)
            self._timer.start()
            self._tick()

    def _tick(self) -> None:
        if self._unlock_at is None:
            self._timer.stop()
            return
        left = self._unlock_at - self._clock()
        if left <= 0:
            self._unlock_at = None
            self._timer.stop()
            self.pad.set_locked(False)
            self._say(translate("Pin", "Try the PIN again."), error=False)
            return
        self._say(translated(LOCKED.format(seconds=math.ceil(left))))


class SetPinDialog(_PinDialogBase):
    """Sets a new staff PIN, typed twice; accepted once the guard has stored it."""

    FIRST = QT_TRANSLATE_NOOP("Pin", "Choose a new staff PIN: 4 to 12 digits.")
    AGAIN = QT_TRANSLATE_NOOP("Pin", "Type the same PIN again.")

    def __init__(self, guard: PinGuard, parent: QWidget | None = None, *, idle_ms: int = PIN_IDLE_MS) -> None:
        super().__init__(translate("Pin", "New staff PIN"), translated(self.FIRST), parent, idle_ms)
        self._guard = guard
        self._first: str | None = None

    def _on_submit(self, pin: str) -> None:
        self.pad.clear()
        if self._first is None:
            problem = pin_problem(pin)
            if problem:
                self._say(translated(problem))
                return
            self._first = pin
            self.prompt.setText(translated(self.AGAIN))
            self._say("")
            return
        first, self._first = self._first, None
        self.prompt.setText(translated(self.FIRST))
        if pin != first:
            self._say(translate("Pin", "The two PINs were not the same. Start again."))
            return
        try:
            self._guard.set_pin(pin)
        except (ValueError, OSError) as exc:
            log.warning("setting the staff PIN failed: %s", exc)
            self._say(translate("Pin", "The PIN was not changed: {error}").format(error=exc))
            return
        self.accept()


def ask_pin(parent: QWidget | None, guard: PinGuard) -> bool:
    """True when the staff PIN was entered correctly, or when no PIN is set; False on cancel."""
    if not guard.is_set():
        return True
    dialog = PinDialog(guard, parent)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


def set_pin_dialog(parent: QWidget | None, guard: PinGuard, *, require_current: bool = True) -> bool:
    """Set a new staff PIN (typed twice); when one is set already it is asked for first.

    True only when the new PIN was stored.
    """
    if require_current and guard.is_set() and not ask_pin(parent, guard):
        return False
    dialog = SetPinDialog(guard, parent)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
