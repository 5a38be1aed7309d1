"""Application-wide key filter: scanner bursts become `scanned(code)`, typing reaches its widget intact.

The filter holds each printable key press (it never reaches the widget) until `BurstDetector` knows
whether it belongs to a scan. Typing is replayed to the widget that had focus, as synthetic key events
sent synchronously and in order, so a person only sees a delay of about `max_key_gap_ms`. A scan,
and the Enter or Tab that ends it, never reaches any widget, whichever one has focus.

Consequences worth knowing:
- Single-key shortcuts without Ctrl/Alt/Meta do not fire while the filter is installed: a scan
  containing that letter must not trigger them. Ctrl/Alt/Meta combinations pass untouched, except a
  Ctrl key inside a burst (a scanner's GS, Ctrl+]) or the start of a configured control-key prefix:
  those belong to the scan, so a code is never split in two by them.
- Auto-repeated keys (a key held down) are typing by definition and pass straight through.
- Keys that arrive through an input method as QInputMethodEvent are not seen; a kiosk runs without one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.ui.scanner import BurstDetector, Decision, HeldKey, ScannerSettings

_KEY_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride})
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
)
# Scanners press Shift for capitals in the middle of a burst; modifier keys alone never end one.
_MODIFIER_KEYS = frozenset(
    int(k)
    for k in (
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
    )
)
# Shift+Tab arrives as Key_Backtab, so it is never taken for a terminator.
_TERMINATORS = {int(Qt.Key.Key_Return): "enter", int(Qt.Key.Key_Enter): "enter", int(Qt.Key.Key_Tab): "tab"}


@dataclass
class _KeyCopy:
    """Enough of a held key press to replay it; the QKeyEvent itself dies when the filter returns."""

    target: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    native_scan_code: int
    native_virtual_key: int
    native_modifiers: int
    released: bool = False  # its key release came while held, and is replayed after the press

    @classmethod
    def of(cls, target: QWidget, event: QKeyEvent) -> _KeyCopy:
        return cls(
            target,
            int(event.key()),
            event.modifiers(),
            event.text(),
            event.nativeScanCode(),
            event.nativeVirtualKey(),
            event.nativeModifiers(),
        )

    def event(self, kind: QEvent.Type) -> QKeyEvent:
        return QKeyEvent(
            kind,
            self.key,
            self.modifiers,
            self.native_scan_code,
            self.native_virtual_key,
            self.native_modifiers,
            self.text,
        )


def _control_char(event: QKeyEvent) -> str | None:
    """The ASCII control character a Ctrl+key press stands for (Ctrl+] is GS, 0x1d); None otherwise."""
    modifiers = event.modifiers()
    if event.isAutoRepeat() or not modifiers & Qt.KeyboardModifier.ControlModifier:
        return None
    if modifiers & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier):
        return None
    text = event.text()
    if len(text) == 1 and ord(text) < 0x20:
        return text
    key = int(event.key())
    # X11 gives the control character as the text; other platforms give none or the plain key: derive it.
    return chr(key - 0x40) if 0x40 <= key <= 0x5F else None


def _address(event: QEvent) -> int:
    return int(shiboken6.getCppPointer(event)[0])


class ScanFilter(QObject):
    """Install with `install(app)`; connect `scanned` for new scans and `duplicate` for debounced repeats."""

    scanned = Signal(str)
    duplicate = Signal(str)

    def __init__(
        self,
        settings: ScannerSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._detector = BurstDetector(settings or ScannerSettings(), clock)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer)
        # Addresses of the replay events being delivered right now, which the filter must let through.
        self._replaying: set[int] = set()
        self._app: QCoreApplication | None = None

    @property
    def settings(self) -> ScannerSettings:
        return self._detector.settings

    @settings.setter
    def settings(self, value: ScannerSettings) -> None:
        # Judge what is held under the rules it was typed with, then switch.
        self._apply(self._detector.end_burst())
        self._detector.settings = value
        self._reschedule()

    def install(self, app: QCoreApplication) -> None:
        if self._app is not None:
            self._app.removeEventFilter(self)
        self._app = app
        app.installEventFilter(self)

    def remove(self) -> None:
        """Stop filtering; keys still held are judged now, so nothing typed is lost."""
        app, self._app = self._app, None
        if app is not None:
            app.removeEventFilter(self)
        self._apply(self._detector.end_burst())
        self._timer.stop()
        if app is not None and self.parent() is app:
            self.setParent(None)  # whoever called remove() holds it now; the app need not keep it alive

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in _KEY_EVENTS or not isinstance(event, QKeyEvent):
            return False
        # Qt shows one key event to the window, then the focus widget, then its parents while they
        # ignore it. Acting on widgets only, and swallowing at the first, sees each press once.
        if not isinstance(watched, QWidget) or _address(event) in self._replaying:
            return False
        kind = event.type()
        if kind == QEvent.Type.KeyPress:
            return self._on_press(watched, event)
        if kind == QEvent.Type.KeyRelease:
            return self._on_release(event)
        if self._would_take(event):
            # Accepting the override keeps the shortcut map away from a key that belongs to a scan.
            event.accept()
            return True
        return False

    def _on_press(self, widget: QWidget, event: QKeyEvent) -> bool:
        key = int(event.key())
        if key in _MODIFIER_KEYS:
            return False
        control = _control_char(event)
        if control is not None and self._detector.takes_control(control):
            return self._apply(self._detector.feed_char(control, _KeyCopy.of(widget, event)))
        if event.isAutoRepeat() or event.modifiers() & _COMMAND_MODIFIERS:
            # Let held keys go first so the widget sees everything in the order it was typed.
            self._apply(self._detector.end_burst())
            return False
        terminator = _TERMINATORS.get(key)
        if terminator is not None:
            return self._apply(self._detector.feed_terminator(terminator))
        text = event.text()
        if not text or not text.isprintable():
            self._apply(self._detector.end_burst())
            return False
        return self._apply(self._detector.feed_char(text, _KeyCopy.of(widget, event)))

    def _on_release(self, event: QKeyEvent) -> bool:
        if event.isAutoRepeat():
            return False
        key = int(event.key())
        for held in self._detector.held:
            copy = held.payload
            if isinstance(copy, _KeyCopy) and copy.key == key and not copy.released:
                # A release before its press would leave e.g. a button pressed: keep it for the replay.
                copy.released = True
                return True
        return False

    def _would_take(self, event: QKeyEvent) -> bool:
        control = _control_char(event)
        if control is not None and self._detector.takes_control(control):
            return True
        key = int(event.key())
        if key in _MODIFIER_KEYS or event.isAutoRepeat() or event.modifiers() & _COMMAND_MODIFIERS:
            return False
        if key in _TERMINATORS:
            return self._detector.pending
        text = event.text()
        return bool(text) and text.isprintable()

    def _apply(self, decision: Decision) -> bool:
        if decision.release:
            self._replay(decision.release)
        self._reschedule()
        # Signals go last: a slot may open a dialog and run a nested event loop through this filter.
        if decision.code is not None:
            (self.duplicate if decision.duplicate else self.scanned).emit(decision.code)
        return decision.consume

    def _replay(self, keys: Iterable[HeldKey]) -> None:
        for held in keys:
            copy = held.payload
            if not isinstance(copy, _KeyCopy):
                continue
            target = copy.target if shiboken6.isValid(copy.target) else QApplication.focusWidget()
            if target is None:
                continue  # the widget is gone and nothing has focus: there is nowhere to type
            kinds = [QEvent.Type.KeyPress] + ([QEvent.Type.KeyRelease] if copy.released else [])
            for kind in kinds:
                synthetic = copy.event(kind)
                address = _address(synthetic)
                self._replaying.add(address)
                try:
                    QCoreApplication.sendEvent(target, synthetic)
                finally:
                    self._replaying.discard(address)

    def _reschedule(self) -> None:
        due = self._detector.poll_due_in()
        if due is None:
            self._timer.stop()
        else:
            self._timer.start(max(1, math.ceil(due * 1000)))

    def _on_timer(self) -> None:
        self._apply(self._detector.poll())


def install(
    app: QCoreApplication,
    settings: ScannerSettings | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ScanFilter:
    """Create a ScanFilter owned by `app` and install it application-wide."""
    scan_filter = ScanFilter(settings, clock, parent=app)
    scan_filter.install(app)
    return scan_filter
