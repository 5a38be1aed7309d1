"""ScanFilter on real widgets, offscreen: scans never reach a widget, typing arrives intact."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.scan_filter import ScanFilter, install
from kiosk.ui.scanner import ScannerSettings

SCANNER_GAP_MS = 4
HUMAN_GAP_MS = 150


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms / 1000


class Desk(QWidget):
    """A stand-in for the kiosk window: a search field and a button."""

    def __init__(self) -> None:
        super().__init__()
        self.edit = QLineEdit()
        self.button = QPushButton("Check in")
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.button)
        self.clicks = 0
        self.returns: list[str] = []
        self.button.clicked.connect(self._clicked)
        self.edit.returnPressed.connect(lambda: self.returns.append(self.edit.text()))

    def _clicked(self) -> None:
        self.clicks += 1


class Recorder:
    def __init__(self, scan_filter: ScanFilter) -> None:
        self.scanned: list[str] = []
        self.duplicates: list[str] = []
        scan_filter.scanned.connect(self.scanned.append)
        scan_filter.duplicate.connect(self.duplicates.append)


@pytest.fixture
def desk(qtbot: QtBot) -> Desk:
    desk = Desk()
    qtbot.addWidget(desk)
    desk.show()
    qtbot.waitExposed(desk)
    desk.activateWindow()
    desk.edit.setFocus()
    return desk


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_filter(qapp: QApplication) -> Iterator[Callable[..., ScanFilter]]:
    made: list[ScanFilter] = []

    def make(clock: Callable[[], float] | None = None, **overrides: object) -> ScanFilter:
        settings = ScannerSettings(**overrides)  # type: ignore[arg-type]
        scan_filter = install(qapp, settings, clock) if clock else install(qapp, settings)
        made.append(scan_filter)
        return scan_filter

    yield make
    for scan_filter in made:
        scan_filter.remove()


def scanner_types(target: object, text: str, clock: FakeClock, enter: bool = True) -> None:
    for ch in text:
        clock.advance(SCANNER_GAP_MS)
        QTest.keyClick(target, ch)  # type: ignore[call-overload]
    if enter:
        clock.advance(SCANNER_GAP_MS)
        QTest.keyClick(target, Qt.Key.Key_Return)  # type: ignore[call-overload]


def test_scan_into_a_focused_line_edit_is_one_signal_and_no_text(
    desk: Desk, clock: FakeClock, make_filter: Callable[..., ScanFilter]
) -> None:
    got = Recorder(make_filter(clock))
    scanner_types(desk.edit, "ABC123", clock)
    assert got.scanned == ["ABC123"]
    assert desk.edit.text() == ""
    assert desk.returns == []  # the scan's Enter never reached the field


def test_scan_through_the_window_is_seen_once(
    qtbot: QtBot, desk: Desk, clock: FakeClock, make_filter: Callable[..., ScanFilter]
) -> None:
    qtbot.waitUntil(desk.edit.hasFocus, timeout=2000)
    got = Recorder(make_filter(clock))
    # The platform path: each key goes to the window first, then to the focus widget.
    scanner_types(desk.windowHandle(), "ABC123", clock)
    assert got.scanned == ["ABC123"]
    assert desk.edit.text() == ""


def test_human_typing_arrives_intact_and_emits_nothing(
    qtbot: QtBot, desk: Desk, make_filter: Callable[..., ScanFilter]
) -> None:
    got = Recorder(make_filter())  # the real clock: these gaps are real
    for ch in "Hi 7":
        QTest.keyClick(desk.edit, ch)  # type: ignore[call-overload]
        qtbot.wait(HUMAN_GAP_MS)
    QTest.keyClick(desk.edit, Qt.Key.Key_Return)
    assert desk.edit.text() == "Hi 7"
    assert desk.returns == ["Hi 7"]  # Enter came after the text, as typed
    assert got.scanned == got.duplicates == []


def test_fast_short_burst_is_typing_and_enter_follows_it(
    desk: Desk, clock: FakeClock, make_filter: Callable[..., ScanFilter]
) -> None:
    got = Recorder(make_filter(clock))
    scanner_types(desk.edit, "ok", clock)
    assert desk.edit.text() == "ok"
    assert desk.returns == ["ok"]
    assert got.scanned == []


def test_scan_with_focus_on_a_button_still_arrives(
    desk: Desk, clock: FakeClock, make_filter: Callable[..., ScanFilter]
) -> None:
    desk.button.setFocus()
    got = Recorder(make_filter(clock))
    scanner_types(desk.button, "AB 12", clock)  # the space would click the button if it got through
    assert got.scanned == ["AB 12"]
    assert desk.clicks == 0


def test_space_typed_on_a_button_still_clicks_it(
    qtbot: QtBot, desk: Desk, make_filter: Callable[..., ScanFilter]
) -> None:
    desk.button.setFocus()
    make_filter()
    # Press and release arrive together; the held release must follow the replayed press.
    QTest.keyClick(desk.button, Qt.Key.Key_Space)
    assert desk.clicks == 0
    qtbot.waitUntil(lambda: desk.clicks == 1, timeout=2000)
    assert not desk.button.isDown()


def test_ctrl_a_passes_through(desk: Desk, clock: FakeClock, make_filter: Callable[..., ScanFilter]) -> None:
    desk.edit.setText("hello")
    scan_filter = make_filter(clock)
    QTest.keyClick(desk.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert desk.edit.selectedText() == "hello"
    assert desk.edit.text() == "hello"
    assert scan_filter.settings == ScannerSettings()


def test_scan_does_not_fire_single_key_shortcuts_but_ctrl_shortcuts_work(
    qtbot: QtBot, desk: Desk, clock: FakeClock, make_filter: Callable[..., ScanFilter]
) -> None:
    qtbot.waitUntil(desk.edit.hasFocus, timeout=2000)
    fired: list[str] = []
    for sequence in ("A", "Ctrl+R"):
        shortcut = QShortcut(QKeySequence(sequence), desk)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(lambda s=sequence: fired.append(s))
    got = Recorder(make_filter(clock))
    desk.button.setFocus()  # a button does not claim letter keys, so only the filter keeps "A" away
    scanner_types(desk.button, "ABC123", clock)
    assert got.scanned == ["ABC123"]
    QTest.keyClick(desk.button, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert fired == ["Ctrl+R"]


def test_duplicate_scan_is_debounced(desk: Desk, clock: FakeClock, make_filter: Callable[..., ScanFilter]) -> None:
    got = Recorder(make_filter(clock))
    scanner_types(desk.edit, "ABC123", clock)
    clock.advance(800)
    scanner_types(desk.edit, "ABC123", clock)
    assert (got.scanned, got.duplicates) == (["ABC123"], ["ABC123"])
    clock.advance(2500)
    scanner_types(desk.edit, "ABC123", clock)
    assert got.scanned == ["ABC123", "ABC123"]
    assert desk.edit.text() == ""


def test_scan_without_terminator_ends_on_the_timer(
    qtbot: QtBot, desk: Desk, clock: FakeClock, make_filter: Callable[..., ScanFilter]
) -> None:
    scan_filter = make_filter(clock)
    got = Recorder(scan_filter)
    scanner_types(desk.edit, "XYZ789", clock, enter=False)
    assert got.scanned == []
    clock.advance(100)  # the fake clock says the silence is long enough; the Qt timer notices it
    with qtbot.waitSignal(scan_filter.scanned, timeout=2000):
        pass
    assert got.scanned == ["XYZ789"]
    assert desk.edit.text() == ""


def test_settings_change_at_run_time(desk: Desk, clock: FakeClock, make_filter: Callable[..., ScanFilter]) -> None:
    scan_filter = make_filter(clock)
    got = Recorder(scan_filter)
    scan_filter.settings = ScannerSettings(suffix="#", prefix="]")
    scanner_types(desk.edit, "]ABC#", clock, enter=False)
    assert got.scanned == ["ABC"]
    assert desk.edit.text() == ""


def test_remove_hands_back_held_keys_and_stops_filtering(
    desk: Desk, clock: FakeClock, make_filter: Callable[..., ScanFilter]
) -> None:
    scan_filter = make_filter(clock)
    QTest.keyClick(desk.edit, "x")  # type: ignore[call-overload]
    assert desk.edit.text() == ""  # held: it could be the start of a scan
    scan_filter.remove()
    assert desk.edit.text() == "x"
    scanner_types(desk.edit, "ABC", clock)
    assert desk.edit.text() == "xABC"


def test_a_gs_control_key_inside_a_burst_belongs_to_the_scan(
    desk: Desk, clock: FakeClock, make_filter: Callable[..., ScanFilter]
) -> None:
    # GS1 codes carry GS (Ctrl+]) between fields; it used to end the burst and split the code in two.
    got = Recorder(make_filter(clock))
    scanner_types(desk.edit, "9PA3", clock, enter=False)
    clock.advance(SCANNER_GAP_MS)
    QTest.keyClick(desk.edit, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    scanner_types(desk.edit, "6W5U", clock)
    assert got.scanned == ["9PA36W5U"]
    assert desk.edit.text() == ""


def test_a_control_key_prefix_is_part_of_the_scan(
    desk: Desk, clock: FakeClock, make_filter: Callable[..., ScanFilter]
) -> None:
    got = Recorder(make_filter(clock, prefix="\x02"))  # the scanner is set up to send Ctrl+B first
    QTest.keyClick(desk.edit, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    scanner_types(desk.edit, "AB12CD", clock)
    assert got.scanned == ["AB12CD"]
    assert desk.edit.text() == ""


def test_a_ctrl_shortcut_after_slow_typing_still_reaches_the_widget(
    desk: Desk, clock: FakeClock, make_filter: Callable[..., ScanFilter]
) -> None:
    got = Recorder(make_filter(clock))
    for ch in "hello":
        clock.advance(HUMAN_GAP_MS)
        QTest.keyClick(desk.edit, ch)  # type: ignore[call-overload]
    clock.advance(HUMAN_GAP_MS)
    QTest.keyClick(desk.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert desk.edit.text() == "hello" and desk.edit.selectedText() == "hello"
    assert got.scanned == []
