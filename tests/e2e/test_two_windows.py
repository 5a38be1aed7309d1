"""Two kiosk windows (two stations, two data dirs) on one reference server see each other's check-ins
within one pull interval, and the second door says "already checked in"."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from pytestqt.qtbot import QtBot

from kiosk.app import open_station
from kiosk.domain import VerdictKind, normalise_code
from kiosk.platforms.invitario.emulator.run import ServerThread
from kiosk.services.station import Station
from kiosk.storage.config import StationConfig, save_config
from kiosk.ui.controller import StationController
from kiosk.ui.main_window import MainWindow

EVENT, KEY = "two-doors", "two-doors-key"
INTERVAL = 1.0

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

@pytest.fixture(autouse=True)
def collect_qt_garbage() -> Iterator[None]:
    """Collect this test's cyclic garbage here, on the Qt thread: left to a later GC run in a worker
    thread (the reference server's, a sync thread), Qt objects in it would be destroyed off their thread."""
    yield
    gc.collect()





@pytest.fixture()
def server(tmp_path: Path) -> Iterator[ServerThread]:
    srv = ServerThread(tmp_path / "server.sqlite3", event_id=EVENT, api_key=KEY, guests=500).start()
    yield srv
    srv.close()


def station(data_dir: Path, url: str, name: str) -> Station:
    save_config(data_dir, StationConfig(server_url=url, event_id=EVENT, station=name, event_name="Two doors",
                                        pull_interval_s=INTERVAL), KEY)
    return open_station(data_dir, timeout=5.0)


async def until(predicate: Callable[[], bool], timeout: float = 20.0) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)
    return time.monotonic() - started


def inside(st: Station, code: str) -> bool:
    guest = st.store.find_guest(normalise_code(code))
    return guest is not None and guest.is_inside


def test_two_doors_see_each_other_within_one_pull_interval(
    qtbot: QtBot, tmp_path: Path, server: ServerThread, loop: qasync.QEventLoop
) -> None:
    north = station(tmp_path / "north", server.url, "North")
    south = station(tmp_path / "south", server.url, "South")
    controllers = [StationController(north), StationController(south)]
    windows = [MainWindow(c) for c in controllers]
    for window in windows:
        qtbot.addWidget(window)
        window.show()
    first, second = server.sample_codes(2)

    async def main() -> None:
        for c in controllers:
            c.start(asyncio.get_running_loop())
        try:
            await until(lambda: all(c.last_report is not None and c.last_report.ok for c in controllers))
            # North admits a guest; its upload follows at once (the kick), South pulls it in.
            outcome = controllers[0].handle_scan(first)
            assert outcome is not None and outcome.kind is VerdictKind.ADMITTED
            await until(lambda: north.store.queued_count() == 0, timeout=5)
            seen_after = await until(lambda: inside(south, first), timeout=10)
            assert seen_after <= INTERVAL + 1.0, f"South saw it only after {seen_after:.2f} s"
            again = controllers[1].handle_scan(first)
            assert again is not None and again.kind is VerdictKind.ALREADY_IN
            assert windows[1].verdict.colour == "amber" and "Checked in at" in windows[1].verdict.when.text()
            assert windows[1].current_page() is windows[1].verdict

            # And the other way round.
            controllers[1].handle_scan(second)
            await until(lambda: south.store.queued_count() == 0, timeout=5)
            seen_after = await until(lambda: inside(north, second), timeout=10)
            assert seen_after <= INTERVAL + 1.0
            # Both status lines count both check-ins (500 guests, none of them deleted).
            await until(lambda: all(w.status_bar.said(w.status_bar.counts) == "In 2 / 500" for w in windows), timeout=5)
        finally:
            for c in controllers:
                await c.stop()
            for window in windows:
                window.close_now()
            for st in (north, south):
                await st.aclose()

    loop.run_until_complete(asyncio.wait_for(main(), 90))
