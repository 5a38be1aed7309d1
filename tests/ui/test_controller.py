"""StationController on the qasync loop against a real reference server: scans, sync, mode, undo, stop."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import qasync
from PySide6.QtCore import QTimer

from kiosk.app import open_station
from kiosk.domain import VerdictKind, normalise_code
from kiosk.domain.models import Admission
from kiosk.platforms.invitario.emulator.run import ServerThread
from kiosk.services.checkin import ScanOutcome
from kiosk.services.desk import StatusSnapshot
from kiosk.services.station import Station
from kiosk.storage.config import StationConfig, save_config
from kiosk.ui.controller import StationController

EVENT, KEY = "ctl-event", "ctl-key"






def start_server(tmp_path: Path, guests: int) -> ServerThread:
    return ServerThread(tmp_path / "server.sqlite3", event_id=EVENT, api_key=KEY, guests=guests).start()


def make_station(data_dir: Path, url: str, *, interval: float = 30.0, **options: Any) -> Station:
    save_config(data_dir, StationConfig(server_url=url, event_id=EVENT, station="North", event_name="Gala",
                                        pull_interval_s=interval), KEY)
    return open_station(data_dir, timeout=5.0, **options)


async def until(predicate: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


def run_with_controller(
    loop: qasync.QEventLoop,
    station: Station,
    body: Callable[[StationController], Awaitable[None]],
    *,
    first_sync: bool = True,
    **options: Any,
) -> None:
    """Start a controller, run `body`, stop it: all inside ONE run of the loop.

    qasync processes leftover Qt events once more after each run_until_complete with no running asyncio
    loop; a background task stepped then would fail, so a test never leaves the loop while sync runs.
    """
    ctl = StationController(station, **options)

    async def main() -> None:
        ctl.start(asyncio.get_running_loop())
        try:
            if first_sync:
                await until(lambda: ctl.last_report is not None and ctl.last_report.ok)
            await body(ctl)
        finally:
            await ctl.stop()
            await station.aclose()

    loop.run_until_complete(asyncio.wait_for(main(), 90))


def history(server: ServerThread) -> list[dict[str, Any]]:
    with httpx.Client(base_url=server.url, trust_env=False, timeout=10) as client:
        response = client.get("/admin/history", headers={"X-Admin-Key": KEY})
        response.raise_for_status()
        body = response.json()
    return list(body["history"])


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[ServerThread]:
    srv = start_server(tmp_path, 300)
    yield srv
    srv.close()


@pytest.fixture()
def station(tmp_path: Path, server: ServerThread) -> Station:
    return make_station(tmp_path / "station", server.url)


def test_scan_during_a_running_full_sync_still_answers(tmp_path: Path, loop: qasync.QEventLoop) -> None:
    srv = start_server(tmp_path, 4000)
    station = make_station(tmp_path / "station", srv.url, page_size=100)
    codes = srv.sample_codes(60)
    answered: list[tuple[ScanOutcome | None, float, bool]] = []
    progress: list[tuple[int, int]] = []
    gaps: list[float] = []
    last_tick = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        gaps.append(now - last_tick[0])
        last_tick[0] = now

    async def body(ctl: StationController) -> None:
        def scan_now() -> None:
            known = [c for c in codes if station.store.find_guest(normalise_code(c)) is not None]
            started = time.monotonic()
            outcome = ctl.handle_scan(known[0]) if known else None
            answered.append((outcome, time.monotonic() - started, ctl.downloading_all))

        def on_progress(received: int, expected: int) -> None:
            progress.append((received, expected))
            if len(progress) == 1:
                QTimer.singleShot(0, scan_now)  # from the Qt loop, while the sync coroutine is suspended

        reports: list[Any] = []
        ctl.synced.connect(reports.append)
        ctl.sync_progress.connect(on_progress)
        assert ctl.downloading_all
        await until(lambda: bool(reports), timeout=30)
        first = reports[0]  # the full download; a push-only round for the scan follows it
        assert first.ok and first.full and first.pulled == 4000
        assert answered, "the scan never ran"
        outcome, seconds, during = answered[0]
        assert during, "the full download had already finished when the scan came"
        assert outcome is not None and outcome.kind is VerdictKind.ADMITTED
        assert seconds < 0.5
        assert progress[-1] == (4000, 4000) and len(progress) >= 10
        assert not ctl.downloading_all
        # The Qt thread kept turning while 4000 guests were written: no long stall anywhere.
        assert max(gaps) < 0.5
        # And the check-in made mid-download reaches the server once the loop comes round.
        guest_id = outcome.verdict.guest.id
        await until(lambda: any(h["guestId"] == guest_id for h in history(srv)))

    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(tick)
    heartbeat.start()
    try:
        run_with_controller(loop, station, body, first_sync=False)
    finally:
        heartbeat.stop()
        srv.close()


def test_a_scan_is_uploaded_soon_after_it_is_queued(
    station: Station, server: ServerThread, loop: qasync.QEventLoop
) -> None:
    async def body(ctl: StationController) -> None:
        statuses: list[StatusSnapshot] = []
        ctl.status_changed.connect(statuses.append)
        outcomes: list[ScanOutcome] = []
        ctl.outcome.connect(outcomes.append)
        outcome = ctl.handle_scan(server.sample_codes(1)[0])
        assert outcome is not None and outcome.kind is VerdictKind.ADMITTED and outcome.queued
        assert outcomes == [outcome]
        # The pull interval is 30 s: only the kick after queueing can upload this quickly.
        await until(lambda: station.store.queued_count() == 0, timeout=10)
        assert [h for h in history(server) if h["guestId"] == outcome.verdict.guest.id]  # type: ignore[union-attr]
        await until(lambda: bool(statuses) and statuses[-1].queued == 0 and statuses[-1].checked_in == 1)
        assert statuses[-1].online is True and statuses[-1].station == "North"

    run_with_controller(loop, station, body)


def test_offline_scans_queue_and_drain_when_the_server_returns(
    station: Station, server: ServerThread, loop: qasync.QEventLoop
) -> None:
    async def body(ctl: StationController) -> None:
        codes = server.sample_codes(2)
        await asyncio.to_thread(server.stop)
        reports: list[Any] = []
        ctl.synced.connect(reports.append)
        for code in codes:
            outcome = ctl.handle_scan(code)
            assert outcome is not None and outcome.kind is VerdictKind.ADMITTED
        ctl.sync_now()
        await until(lambda: any(not r.ok for r in reports))
        snapshot = ctl.refresh_status()
        assert snapshot is not None and snapshot.online is False and snapshot.queued == 2
        await asyncio.to_thread(server.start)
        ctl.sync_now()
        await until(lambda: station.store.queued_count() == 0)
        assert len(history(server)) == 2
        await until(lambda: ctl.snapshot is not None and ctl.snapshot.online is True)

    run_with_controller(loop, station, body)


def test_mode_switch_is_announced_used_and_remembered(
    station: Station, server: ServerThread, loop: qasync.QEventLoop, tmp_path: Path
) -> None:
    async def body(ctl: StationController) -> None:
        modes: list[str] = []
        problems: list[str] = []
        ctl.mode_changed.connect(modes.append)
        ctl.problem.connect(problems.append)
        code = server.sample_codes(1)[0]
        assert ctl.handle_scan(code).kind is VerdictKind.ADMITTED  # type: ignore[union-attr]
        assert ctl.set_mode("check-out")
        assert modes == ["check-out"]
        assert ctl.handle_scan(code).kind is VerdictKind.CHECKED_OUT  # type: ignore[union-attr]
        saved = json.loads((tmp_path / "station" / "config.json").read_text())
        assert saved["mode"] == "check-out"
        assert not ctl.set_mode("sideways")
        assert ctl.mode.value == "check-out" and problems and "sideways" in problems[0]

    run_with_controller(loop, station, body)


def test_undo_takes_back_the_last_check_in(station: Station, server: ServerThread,
                                           loop: qasync.QEventLoop) -> None:
    async def body(ctl: StationController) -> None:
        code = server.sample_codes(1)[0]
        first = ctl.handle_scan(code)
        assert first is not None and first.kind is VerdictKind.ADMITTED
        assert ctl.handle_scan(code).kind is VerdictKind.ALREADY_IN  # type: ignore[union-attr]
        outcomes: list[ScanOutcome] = []
        ctl.outcome.connect(outcomes.append)
        undone = ctl.undo_last()
        assert undone is not None and outcomes == [undone]
        assert not undone.verdict.guest.is_inside  # type: ignore[union-attr]
        assert ctl.handle_scan(code).kind is VerdictKind.ADMITTED  # type: ignore[union-attr]

    run_with_controller(loop, station, body)


def test_companions_are_checked_in_without_taking_over_the_screen(
    station: Station, loop: qasync.QEventLoop
) -> None:
    async def body(ctl: StationController) -> None:
        store = station.store
        parent = next(g for g in ctl.desk.search("a", 300)
                      if g.admission is Admission.ADMISSIBLE and store.companions_of(g))
        outcomes: list[ScanOutcome] = []
        ctl.outcome.connect(outcomes.append)
        first = ctl.act_on_guest(parent.id, "check-in")
        assert first is not None and first.kind is VerdictKind.ADMITTED and first.companions
        for companion in first.companions:
            result = ctl.act_on_guest(companion.id, "check-in", emit=False)
            assert result is not None and result.kind is VerdictKind.ADMITTED
        assert outcomes == [first]
        assert ctl.act_on_guest(parent.id, "upside-down") is None

    run_with_controller(loop, station, body)


def test_the_status_clock_ticks_and_turns_stale(station: Station, loop: qasync.QEventLoop) -> None:
    offset = [timedelta(0)]
    statuses: list[StatusSnapshot] = []

    def clock() -> datetime:
        return datetime.now(UTC) + offset[0]

    async def body(ctl: StationController) -> None:
        ctl.status_changed.connect(statuses.append)
        await until(lambda: bool(statuses) and statuses[-1].last_sync is not None)
        assert not statuses[-1].sync_is_stale
        offset[0] = timedelta(minutes=6)
        count = len(statuses)
        await until(lambda: len(statuses) > count + 1)
        assert statuses[-1].sync_is_stale and statuses[-1].seconds_since_sync > 300

    run_with_controller(loop, station, body, clock=clock, status_interval_ms=40)


def test_stop_ends_the_sync_loop_and_can_be_called_twice(station: Station, loop: qasync.QEventLoop) -> None:
    async def body(ctl: StationController) -> None:
        assert ctl.running
        await ctl.stop()
        assert not ctl.running
        await ctl.stop()
        # The UI store still answers after the background one closed.
        assert ctl.refresh_status() is not None

    run_with_controller(loop, station, body)
