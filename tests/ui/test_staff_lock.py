"""The staff area locks itself after a spell without staff input; guests' scans do not keep it open."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app import open_station
from kiosk.domain.models import Admission
from kiosk.services.pin import PinGuard
from kiosk.services.station import Station
from kiosk.storage.config import StationConfig, save_config
from kiosk.ui import verdict_view
from kiosk.ui.controller import StationController
from kiosk.ui.main_window import MainWindow
from kiosk.ui.scan_filter import ScanFilter
from kiosk.ui.scan_filter import install as install_scan_filter
from tests.v1_guests import v1_guest

LOCK_S = 0.6
NOW = datetime.now(UTC)
GUESTS = [
    v1_guest(
        id=f"g-{n}",
        access_code=f"CODE{n:04d}",
        admission=Admission.ADMISSIBLE,
        client_update=NOW - timedelta(days=1),
        fields={"firstName": "Guest", "lastName": f"Number{n}"},
    )
    for n in range(30)
]


class AskPin:
    """Stands in for the PIN dialog: always the right PIN, and counts how often it was asked."""

    def __init__(self) -> None:
        self.asked = 0

    def __call__(self, parent: QWidget, guard: PinGuard) -> bool:
        self.asked += 1
        return True


def make_station(data_dir: Path, lock_s: float) -> Station:
    save_config(
        data_dir,
        StationConfig(server_url="http://127.0.0.1:9", event_id="ev", station="North", staff_lock_s=lock_s),
        "key",
    )
    station = open_station(data_dir)
    station.store.apply_pull_page(GUESTS, cursor="listed")
    PinGuard(data_dir).set_pin("2468")
    return station


@pytest.fixture()
def made(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []
    stations: list[Station] = []
    filters: list[ScanFilter] = []

    def make(lock_s: float = LOCK_S, ask: AskPin | None = None) -> MainWindow:
        station = make_station(tmp_path / f"station-{len(stations)}", lock_s)
        stations.append(station)
        controller = StationController(station)
        # The scanner first, as run_station_window does: the window must put it in front of its lock.
        scan_filter = install_scan_filter(qapp)
        scan_filter.scanned.connect(controller.handle_scan)
        window = MainWindow(
            controller, pin_guard=PinGuard(station.data_dir), ask_pin=ask or AskPin(), scan_filter=scan_filter
        )
        filters.append(scan_filter)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for scan_filter in filters:
        scan_filter.remove()
    for window in windows:
        window.close_now()
    for station in stations:
        station.store.close()


def wait(qtbot: QtBot, seconds: float, every: Callable[[], None] | None = None, step: float = 0.1) -> None:
    """Let `seconds` pass with the Qt loop running, doing `every` each `step`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if every is not None:
            every()
        qtbot.wait(int(step * 1000))


def test_the_staff_area_locks_after_the_idle_time_and_then_needs_the_pin_again(
    qtbot: QtBot, made: Callable[..., MainWindow]
) -> None:
    ask = AskPin()
    window = made(ask=ask)
    assert window.open_staff() and ask.asked == 1
    panel = window.staff_panel
    QTest.keyClicks(panel.search_edit, "n")
    panel.run_search()
    panel.ask_undo()

    qtbot.waitUntil(lambda: window.current_page() is window.ready, timeout=int(LOCK_S * 1000) + 2000)

    assert window.open_staff() and ask.asked == 2
    assert panel.search_edit.text() == ""
    assert panel.results.rowCount() == 0
    assert not panel.confirm_bar.isVisible()


def test_staff_typing_and_tapping_keep_it_open(qtbot: QtBot, made: Callable[..., MainWindow]) -> None:
    window = made()
    assert window.open_staff()
    search = window.staff_panel.search_edit
    letters = iter("number1" * 10)

    # A person types a letter every 0.2 s for three lock times: typing, not a scan.
    wait(qtbot, LOCK_S * 3, every=lambda: QTest.keyClicks(search, next(letters)), step=0.2)
    assert window.current_page() is window.staff_page
    assert search.text().startswith("number1")
    wait(qtbot, LOCK_S * 2, every=lambda: QTest.mouseClick(search, Qt.MouseButton.LeftButton), step=0.2)
    assert window.current_page() is window.staff_page

    qtbot.waitUntil(lambda: window.current_page() is window.ready, timeout=int(LOCK_S * 1000) + 2000)


def test_guests_scanning_do_not_keep_it_open(
    qtbot: QtBot, made: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(verdict_view.SHOW_SECONDS, "green", 0.1)
    window = made()
    assert window.open_staff()
    codes = iter(f"CODE{n:04d}" for n in range(30))

    def scanner_burst() -> None:
        target = QApplication.focusWidget() or window
        QTest.keyClicks(target, next(codes))  # a scanner types the whole code within milliseconds
        QTest.keyClick(target, Qt.Key.Key_Return)

    started = time.monotonic()
    wait(qtbot, LOCK_S * 3, every=scanner_burst, step=0.15)

    assert window.current_page() is window.ready
    assert window.controller.desk.status(now=datetime.now(UTC)).checked_in >= 10  # the scans did land
    assert time.monotonic() - started >= LOCK_S


def test_a_dialog_left_open_is_closed_with_the_staff_area(qtbot: QtBot, made: Callable[..., MainWindow]) -> None:
    window = made()
    assert window.open_staff()
    dialog = QDialog(window)
    results: list[int] = []
    QTimer.singleShot(0, lambda: results.append(dialog.exec()))

    qtbot.waitUntil(lambda: bool(results), timeout=int(LOCK_S * 1000) + 3000)

    assert results == [QDialog.DialogCode.Rejected]
    assert window.current_page() is window.ready


def test_zero_keeps_the_staff_area_open(qtbot: QtBot, made: Callable[..., MainWindow]) -> None:
    window = made(lock_s=0)
    assert window.staff_lock is None
    assert window.open_staff()
    wait(qtbot, LOCK_S * 2)
    assert window.current_page() is window.staff_page


def test_the_volunteer_search_locks_too(qtbot: QtBot, made: Callable[..., MainWindow]) -> None:
    ask = AskPin()
    window = made(ask=ask)
    window.open_search()
    assert window.current_page() is window.staff_page and ask.asked == 0
    QTest.keyClicks(window.staff_panel.search_edit, "n")
    qtbot.waitUntil(lambda: window.current_page() is window.ready, timeout=int(LOCK_S * 1000) + 2000)
    assert window.staff_panel.search_edit.text() == ""
