"""Staff switch the session a Conferences i/o door serves, from the window, against the real emulator on loopback."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.app import configure_station, open_station, switch_session
from kiosk.domain import Mode, VerdictKind
from kiosk.platforms.conferences_io.emulator import ConferencesIoServer, ConferencesIoState
from kiosk.services.station import Station
from kiosk.storage.config import StationConfig, load_config
from kiosk.ui.controller import StationController
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt_app import run_first_run
from kiosk.ui.session_picker import SessionPicker

KEY = "cnf-picker-key"


@pytest.fixture()
def emulator() -> Iterator[tuple[ConferencesIoServer, ConferencesIoState]]:
    state = ConferencesIoState(api_key=KEY)
    state.generate(20, seed=2)
    with ConferencesIoServer(state) as server:
        yield server, state


def configured(loop: qasync.QEventLoop, data_dir: Path, url: str) -> Station:
    config = StationConfig(server_url=url, event_id="app", station="North", platform="conferences-io", session="keyn")
    loop.run_until_complete(configure_station(data_dir, config, KEY))
    station = open_station(data_dir)
    assert loop.run_until_complete(station.make_sync().run_once()).ok
    return station


def window_for(qtbot: QtBot, station: Station, data_dir: Path) -> MainWindow:
    window = MainWindow(StationController(station), switch_session=functools.partial(switch_session, data_dir))
    qtbot.addWidget(window)
    window.show()
    return window


def finish(loop: qasync.QEventLoop, dialog: SessionPicker) -> None:
    assert dialog.task is not None
    loop.run_until_complete(asyncio.wait_for(dialog.task, 15))


def pick(dialog: SessionPicker, session: str) -> None:
    rows = [dialog.sessions.item(i) for i in range(dialog.sessions.count())]
    (row,) = [r for r in rows if r.data(Qt.ItemDataRole.UserRole) == session]
    dialog.sessions.setCurrentItem(row)


def test_staff_switch_the_door_to_another_session_and_the_station_opens_on_it(
    qtbot: QtBot, loop: qasync.QEventLoop, tmp_path: Path,
    emulator: tuple[ConferencesIoServer, ConferencesIoState],
) -> None:
    server, state = emulator
    data_dir = tmp_path / "north"
    station = configured(loop, data_dir, server.api_url)
    outcomes = [station.checkin.scan(code, Mode.CHECK_IN) for code in state.codes("keyn")]
    admitted = next(o.verdict.guest.id for o in outcomes if o.kind is VerdictKind.ADMITTED and o.verdict.guest)
    window = window_for(qtbot, station, data_dir)
    assert "Session…" in [b.text() for b in window.staff_panel.findChildren(type(window.staff_panel.close_button))]

    dialog = window.choose_session()
    assert dialog is not None
    finish(loop, dialog)
    labels = [dialog.sessions.item(i).text() for i in range(dialog.sessions.count())]
    # Every session with when, what and where; the door's own marked and chosen, so there is nothing to serve yet.
    assert labels[0].startswith("This door now: keyn  ·  2026-06-01 08:30, Opening keynote"), labels[0]
    assert any(label.startswith("wrk1  ·  ") for label in labels) and not dialog.serve_button.isEnabled()

    pick(dialog, "wrk1")
    assert dialog.serve_button.isEnabled()
    dialog.serve_button.click()
    finish(loop, dialog)
    # Saved, and the window closes for the station to be opened again on the new session.
    assert window.reopen and not window.isVisible()
    saved = load_config(data_dir)
    assert saved.session == "wrk1" and saved.event_name.endswith(state.sessions["wrk1"].meta["name"])
    loop.run_until_complete(station.aclose())

    again = open_station(data_dir)
    try:
        assert loop.run_until_complete(again.make_sync().run_once()).ok
        # The keynote's check-ins stay on the station (kept, for the export), though its listing is gone.
        assert [c.guest_id for c in again.store.local_changes_for(admitted)] == [admitted]
        assert again.store.queued_count() == len([o for o in outcomes if o.change is not None])
        # And the door now answers for the workshop's attendees.
        first = state.codes("wrk1")[0]
        scanned = again.checkin.scan(first, Mode.CHECK_IN).verdict.guest
        assert scanned is not None and scanned.id.startswith("wrk1/")
    finally:
        loop.run_until_complete(again.aclose())


def test_a_session_the_server_refuses_leaves_the_door_as_it_was(
    qtbot: QtBot, loop: qasync.QEventLoop, tmp_path: Path,
    emulator: tuple[ConferencesIoServer, ConferencesIoState],
) -> None:
    server, state = emulator
    data_dir = tmp_path / "north"
    station = configured(loop, data_dir, server.api_url)
    window = window_for(qtbot, station, data_dir)
    dialog = window.choose_session()
    assert dialog is not None
    finish(loop, dialog)
    pick(dialog, "wrk1")
    del state.sessions["wrk1"]  # removed by the organiser while staff were choosing
    dialog.serve_button.click()
    finish(loop, dialog)
    assert "still serves its session" in dialog.status.text() and "wrk1" in dialog.status.text()
    assert dialog.isVisible() and window.isVisible() and not window.reopen
    assert load_config(data_dir).session == "keyn"
    window.close_now()
    loop.run_until_complete(station.aclose())


def test_only_a_door_that_serves_a_session_offers_the_switch(qtbot: QtBot, tmp_path: Path) -> None:
    from kiosk.platforms.invitario.emulator.run import ServerThread

    with ServerThread(tmp_path / "server.sqlite3", event_id="ev", api_key="k", guests=5, seed=1) as srv:
        data_dir = tmp_path / "door"
        config = StationConfig(server_url=srv.url, event_id="ev", station="North")
        asyncio.run(configure_station(data_dir, config, "k"))
        station = open_station(data_dir)
        window = window_for(qtbot, station, data_dir)
        texts = [b.text() for b in window.staff_panel.findChildren(type(window.staff_panel.close_button))]
        assert "Badge printing…" in texts and "Session…" not in texts
        window.close_now()
        asyncio.run(station.aclose())


def test_the_window_opens_again_on_the_new_session_after_the_switch(
    qapp: QApplication, tmp_path: Path, emulator: tuple[ConferencesIoServer, ConferencesIoState]
) -> None:
    """The whole `kiosk` window loop: switch from the staff tools, then the next window serves the workshop."""
    server, _state = emulator
    data_dir = tmp_path / "north"
    config = StationConfig(server_url=server.api_url, event_id="app", station="North", platform="conferences-io",
                           session="keyn")
    asyncio.run(configure_station(data_dir, config, KEY))
    opened: list[str] = []

    def open_and_note(path: Path) -> Station:
        station = open_station(path)
        opened.append(station.config.session)
        return station

    async def drive() -> None:
        # The first window: pick the workshop and serve it; the second: note it and close.
        while True:
            await asyncio.sleep(0.05)
            windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
            if not windows:
                continue
            window = windows[0]
            if window.controller.station.config.session == "wrk1":
                window.close_now()
                return
            dialog = window.choose_session()
            assert dialog is not None
            await asyncio.wait_for(dialog.task, 15)  # type: ignore[arg-type]
            pick(dialog, "wrk1")
            dialog.serve_button.click()
            await asyncio.wait_for(dialog.task, 15)  # type: ignore[arg-type]

    driver: list[asyncio.Task[None]] = []
    QTimer.singleShot(0, lambda: driver.append(asyncio.ensure_future(drive())))
    code = run_first_run(data_dir, open_station=open_and_note, configure=configure_station,
                         switch_session=switch_session)
    assert code == 0 and opened == ["keyn", "wrk1"]
    assert driver and driver[0].done() and driver[0].exception() is None
