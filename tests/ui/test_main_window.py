"""The kiosk window as door staff use it: scans whatever has focus, prompts, PIN-guarded staff tools,
kiosk mode, mode switch, the first-download progress bar, and a clean stop when it closes."""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app import open_station
from kiosk.domain import Mode, VerdictKind
from kiosk.domain.models import Admission
from kiosk.platforms.invitario.emulator.run import ServerThread
from kiosk.services.pin import PinGuard
from kiosk.services.station import Station
from kiosk.storage import Store
from kiosk.storage.config import StationConfig, save_config
from kiosk.ui import verdict_view
from kiosk.ui.controller import StationController
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt_app import run_station_window
from kiosk.ui.scan_filter import install as install_scan_filter
from kiosk.ui.setup_dialog import SetupDialog
from kiosk.ui.theme import SCHEMES
from tests.v1_guests import v1_guest

NOW = datetime.now(UTC)
GUESTS = [
    v1_guest(
        id="g-anna",
        access_code="ANNA2345",
        admission=Admission.ADMISSIBLE,
        companions=("g-ben", "g-cara"),
        client_update=NOW - timedelta(days=1),
        fields={"firstName": "Anna", "lastName": "Müller"},
    ),
    v1_guest(
        id="g-ben",
        access_code="BEN23456",
        parent_id="g-anna",
        admission=Admission.ADMISSIBLE,
        client_update=NOW - timedelta(days=1),
        fields={"firstName": "Ben", "lastName": "Müller"},
    ),
    v1_guest(
        id="g-cara",
        access_code="CARA2345",
        parent_id="g-anna",
        admission=Admission.ADMISSIBLE,
        client_update=NOW - timedelta(days=1),
        fields={"firstName": "Cara", "lastName": "Müller"},
    ),
    v1_guest(
        id="g-dan",
        access_code="DAN23456",
        admission=Admission.ADMISSIBLE,
        client_update=NOW - timedelta(days=1),
        fields={"firstName": "Dan", "lastName": "Nowak"},
    ),
]




class FakeAskPin:
    """Stands in for the PIN dialog: answers from a list and counts the questions."""

    def __init__(self, *answers: bool) -> None:
        self.answers = list(answers)
        self.asked = 0

    def __call__(self, parent: QWidget, guard: PinGuard) -> bool:
        self.asked += 1
        return self.answers.pop(0) if self.answers else False


def configure(data_dir: Path, url: str = "http://127.0.0.1:9", interval: float = 30.0) -> None:
    save_config(
        data_dir,
        StationConfig(
            server_url=url, event_id="ev", station="North", event_name="Gala", pull_interval_s=interval
        ),
        "key",
    )


@pytest.fixture()
def station(tmp_path: Path) -> Iterator[Station]:
    configure(tmp_path)  # port 9 on loopback: nothing listens; these tests never start sync
    st = open_station(tmp_path)
    st.store.apply_pull_page(GUESTS, cursor="listed")
    yield st
    st.store.close()


MakeWindow = Callable[..., MainWindow]


@pytest.fixture()
def make_window(qtbot: QtBot, station: Station) -> Iterator[MakeWindow]:
    made: list[MainWindow] = []

    def make(ask: FakeAskPin | None = None) -> MainWindow:
        window = MainWindow(StationController(station), pin_guard=PinGuard(station.data_dir), ask_pin=ask)
        qtbot.addWidget(window)
        window.resize(1280, 800)  # a laptop screen: the status bar has room for every item in full
        window.show()
        made.append(window)
        return window

    yield make
    for window in made:  # before the station's store closes: no status read may come after it
        window.close_now()


def test_a_scan_shows_the_verdict_then_the_ready_screen_returns(
    qtbot: QtBot, station: Station, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(verdict_view.SHOW_SECONDS, "green", 0.1)
    window = make_window()
    assert window.current_page() is window.ready
    outcome = window.controller.handle_scan("DAN23456")
    assert outcome is not None and outcome.kind is VerdictKind.ADMITTED
    assert window.current_page() is window.verdict and window.verdict.colour == "green"
    qtbot.waitUntil(lambda: window.current_page() is window.ready, timeout=2000)


def test_the_next_scan_replaces_the_verdict_at_once(
    qtbot: QtBot, station: Station, make_window: MakeWindow
) -> None:
    window = make_window()
    window.controller.handle_scan("DAN23456")
    window.controller.handle_scan("DAN23456")
    assert window.verdict.outcome is not None and window.verdict.outcome.kind is VerdictKind.ALREADY_IN
    assert window.verdict.colour == "amber"


def test_a_refusal_stays_in_view_on_the_ready_screen_after_the_next_scan(
    qtbot: QtBot, station: Station, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(verdict_view.SHOW_SECONDS, "green", 0.1)
    window = make_window()
    window.controller.handle_scan("NOPE-404")
    assert window.verdict.colour == "red"
    window.controller.handle_scan("DAN23456")  # 300 ms later at a real door: the red screen is gone
    qtbot.waitUntil(lambda: window.current_page() is window.ready, timeout=2000)
    strip = window.ready.strip
    assert strip is not None and strip.isVisible()
    texts = strip.chip_texts()
    assert len(texts) == 2 and "Dan Nowak" in texts[0] and "NOPE-404" in texts[1]
    assert strip.chips[1].property("scheme") == "red"


def test_scanner_burst_needs_no_focus_and_one_key_answers_the_companion_prompt(
    qtbot: QtBot, station: Station, make_window: MakeWindow, qapp: QApplication
) -> None:
    window = make_window()
    scan_filter = install_scan_filter(qapp)
    scan_filter.scanned.connect(window.controller.handle_scan)
    try:
        assert window.open_staff()
        search = window.staff_panel.search_edit
        search.setFocus()
        # A scanner types the whole code within milliseconds and ends it with Enter.
        QTest.keyClicks(search, "ANNA2345")
        QTest.keyClick(search, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.current_page() is window.verdict, timeout=2000)
        assert search.text() == ""  # the scan never reached the field that had focus
        assert window.verdict.prompt_visible
        # A person presses Y: slower than a scanner, so it is typing and reaches the window.
        QTest.keyClick(window.verdict, Qt.Key.Key_Y)
        qtbot.waitUntil(lambda: "checked in" in window.verdict.prompt_text.text(), timeout=2000)
        assert window.verdict.prompt_text.text() == "✔ 2 companions checked in"
        assert {c.guest_id for c in station.store.queued_changes()} == {"g-anna", "g-ben", "g-cara"}
    finally:
        scan_filter.remove()


def test_a_scan_that_cannot_be_saved_says_so_at_the_door_and_loses_nothing(
    qtbot: QtBot, station: Station, make_window: MakeWindow
) -> None:
    window = make_window()
    conn = station.store._conn  # the window's own connection: its writes are the ones that must fail
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # as a full disk: the database file cannot grow
    saved = 0
    for _ in range(2000):
        if window.controller.handle_scan("DAN23456") is None:
            break
        saved += 1
    else:
        raise AssertionError("the database never ran out of room")

    assert window.current_page() is window.verdict and window.verdict.colour == "red"
    assert window.verdict.headline.text().endswith("Not saved: please scan again")
    assert window.verdict.name.isHidden()
    assert not window.status_bar.problem.isHidden()
    assert "could not be saved" in window.status_bar.problem.toolTip()
    counts = station.store.counts()
    assert counts["scans"] == saved and counts["queued"] == 1  # one check-in, then "already in"s
    assert station.store.integrity_check() == "ok"

    conn.execute(f"PRAGMA max_page_count = {pages * 100}")  # room again
    outcome = window.controller.handle_scan("ANNA2345")
    assert outcome is not None and outcome.kind is VerdictKind.ADMITTED
    assert window.verdict.colour == "green" and not window.verdict.name.isHidden()


def test_staff_tools_ask_the_pin_when_one_is_set(
    qtbot: QtBot, station: Station, make_window: MakeWindow
) -> None:
    PinGuard(station.data_dir).set_pin("2468")
    ask = FakeAskPin(False, True)
    window = make_window(ask)
    qtbot.mouseClick(window.staff_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.ready and ask.asked == 1
    qtbot.mouseClick(window.staff_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.staff_page and ask.asked == 2


def test_without_a_pin_staff_tools_open_directly_also_with_f2(
    qtbot: QtBot, station: Station, make_window: MakeWindow
) -> None:
    ask = FakeAskPin()
    window = make_window(ask)
    window.activateWindow()
    window.setFocus()
    QTest.keyClick(window, Qt.Key.Key_F2)
    if window.current_page() is not window.staff_page:  # shortcuts need an active window
        assert window.open_staff()
    assert window.current_page() is window.staff_page and ask.asked == 0


def test_leaving_kiosk_mode_and_exiting_need_the_pin(
    qtbot: QtBot, station: Station, make_window: MakeWindow
) -> None:
    PinGuard(station.data_dir).set_pin("2468")
    ask = FakeAskPin(False, True, False)
    window = make_window(ask)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    assert window.set_full_screen(True) and window.isFullScreen() and ask.asked == 0
    assert not window.set_full_screen(False) and window.isFullScreen()
    assert window.set_full_screen(False) and not window.isFullScreen()
    window.close()
    assert not closed and window.isVisible() and ask.asked == 3
    window.close_now()  # a stop signal or the demo timer: no question asked
    assert closed == [True] and ask.asked == 3


def test_mode_switch_from_the_staff_panel_reaches_every_screen(
    qtbot: QtBot, station: Station, make_window: MakeWindow
) -> None:
    window = make_window()
    panel = window.staff_panel
    panel.mode_change_requested.emit("check-out")
    assert window.controller.mode is Mode.CHECK_OUT
    assert window.status_bar.mode.text() == "Mode: Check-out"
    assert window.ready.mode.text() == "Mode: Check-out"
    assert json.loads((station.data_dir / "config.json").read_text())["mode"] == "check-out"
    assert window.controller.handle_scan("DAN23456").kind is VerdictKind.NOT_IN  # type: ignore[union-attr]
    panel.mode_change_requested.emit("sideways")
    assert not window.status_bar.problem.isHidden() and "sideways" in window.status_bar.problem.text()


def test_a_manual_check_in_shows_its_verdict_then_returns_to_the_staff_tools(
    qtbot: QtBot, station: Station, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(verdict_view.SHOW_SECONDS, "green", 0.1)
    window = make_window()
    panel = window.staff_panel
    assert window.open_staff()
    panel.act("g-dan", Mode.CHECK_IN)
    assert window.current_page() is window.verdict and window.verdict.colour == "green"
    qtbot.waitUntil(lambda: window.current_page() is window.staff_page, timeout=2000)
    assert window.status_bar.counts.text() == "In 1 / 4"


def test_the_screens_use_the_verdict_colours(qtbot: QtBot, station: Station, make_window: MakeWindow) -> None:
    window = make_window()
    for code, colour in (("DAN23456", "green"), ("dan23456", "amber"), ("NOPE-1", "red")):
        window.controller.handle_scan(code)
        assert (
            window.verdict.palette().color(window.verdict.backgroundRole()).name()
            == SCHEMES[colour].background
        )


# --- with the reference server and the sync loop (each test runs inside one run of the qasync loop)




@pytest.fixture()
def server(tmp_path: Path) -> Iterator[ServerThread]:
    srv = ServerThread(tmp_path / "server.sqlite3", event_id="ev", api_key="key", guests=2000).start()
    yield srv
    srv.close()


async def until(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


def test_progress_bar_during_the_first_download_only(
    qtbot: QtBot, tmp_path: Path, server: ServerThread, loop: qasync.QEventLoop
) -> None:
    configure(tmp_path / "st", server.url)
    station = open_station(tmp_path / "st", page_size=200)
    controller = StationController(station)
    window = MainWindow(controller)
    qtbot.addWidget(window)
    window.show()
    seen: list[tuple[bool, str]] = []
    controller.sync_progress.connect(
        lambda *_: seen.append((window.progress_row.isVisible(), window.progress_text.text()))
    )

    async def main() -> None:
        controller.start(asyncio.get_running_loop())
        try:
            assert not window.progress_row.isVisible()
            await until(lambda: controller.last_report is not None)
            assert controller.last_report is not None and controller.last_report.ok
            assert len(seen) >= 10 and all(visible for visible, _ in seen)
            assert seen[0][1] == "Downloading the guest list: 200 received"
            assert seen[-1][1] == "Downloading the guest list: 2,000 of 2,000"
            assert window.progress.maximum() == 2000 and window.progress.value() == 2000
            assert not window.progress_row.isVisible()
            controller.sync_now()  # a later pull is incremental: no bar
            count = len(seen)
            await until(lambda: controller.last_report is not None and controller.last_report.full is False)
            assert len(seen) == count and not window.progress_row.isVisible()
        finally:
            await controller.stop()
            await station.aclose()

    loop.run_until_complete(asyncio.wait_for(main(), 60))


def test_closing_the_window_stops_sync_and_closes_the_station(
    tmp_path: Path, server: ServerThread, loop: qasync.QEventLoop, qapp: QApplication
) -> None:
    configure(tmp_path / "st", server.url, interval=0.3)
    station = open_station(tmp_path / "st")
    started = time.monotonic()
    during: list[tuple[bool, bool]] = []
    QTimer.singleShot(500, lambda: during.append((gc.isenabled(), gc.get_freeze_count() > 10_000)))
    assert (
        loop.run_until_complete(asyncio.wait_for(run_station_window(qapp, station, quit_after=1.5), 30)) == 0
    )
    assert time.monotonic() - started < 10
    # Cycles were collected on the Qt thread only while the window was up, and what existed at its start
    # (modules, Qt wrappers: tens of thousands of objects) was frozen out of the collector's walks.
    # Afterwards everything is as before.
    assert during == [(False, True)] and gc.isenabled() and gc.get_freeze_count() == 0
    leftovers: list[Any] = [t for t in asyncio.all_tasks(loop) if not t.done()]
    assert leftovers == []
    with pytest.raises(Exception, match="closed"):
        station.store.counts()  # the window's store is closed with the station
    with Store.open(tmp_path / "st" / "kiosk.sqlite3") as mirror:
        assert mirror.counts()["guests"] == 2000 and mirror.sync_state().last_success is not None


def test_signals_cannot_exhaust_none_or_true(qtbot: QtBot, station: Station, make_window: MakeWindow) -> None:
    """PySide6 6.12.0 drops a reference to None/True per signal; thousands must not abort the process."""
    window = make_window()
    for _ in range(3000):  # each one is an emit from Python and a call into a Python slot
        window.controller.mode_changed.emit("toggle")
    assert window.ready.mode.text() == "Mode: In / out"


def test_first_run_setup_dialog_saves_a_station_the_window_can_open(
    tmp_path: Path, server: ServerThread, loop: qasync.QEventLoop, qapp: QApplication
) -> None:
    from kiosk.app import configure_station
    from kiosk.ui.qt_app import ask_setup

    data_dir = tmp_path / "new-station"

    async def main() -> bool:
        answer = asyncio.ensure_future(ask_setup(data_dir, configure_station))
        await until(lambda: any(isinstance(w, SetupDialog) and w.isVisible()
                                for w in qapp.topLevelWidgets()), timeout=5)
        dialog = next(w for w in qapp.topLevelWidgets() if isinstance(w, SetupDialog) and w.isVisible())
        dialog.url_edit.setText(server.url)
        dialog.event_edit.setText("ev")
        dialog.key_edit.setText("key")
        dialog.station_edit.setText("West")
        dialog.connect_button.click()
        return await asyncio.wait_for(answer, 20)

    assert loop.run_until_complete(main()) is True
    station = open_station(data_dir)
    try:
        assert station.config.station == "West" and station.config.server_url == server.url
    finally:
        loop.run_until_complete(station.aclose())


def test_a_webkasa_window_says_its_check_ins_are_kept_on_this_station(qtbot: QtBot, tmp_path: Path) -> None:
    save_config(tmp_path, StationConfig(server_url="http://127.0.0.1:9", event_id="evt_1", station="North",
                                        platform="webkasa"), "key")
    st = open_station(tmp_path)
    st.store.apply_pull_page(GUESTS, cursor="listed")
    window = MainWindow(StationController(st), pin_guard=PinGuard(st.data_dir))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    try:
        window.controller.handle_scan("DAN23456")
        qtbot.waitUntil(lambda: window.status_bar.said(window.status_bar.queued) ==
                        "Check-ins kept on this station: 1")
    finally:
        window.close_now()
        st.store.close()
