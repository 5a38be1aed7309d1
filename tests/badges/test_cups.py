"""Badges through a real CUPS (a private cupsd with a cups-pdf queue): each label size comes out the size it
is and scans back to the guest's code; a stopped printer fails the job, never the check-in, and a retry prints it."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.badges.printing import badge_sender
from kiosk.badges.sizes import SIZES
from kiosk.domain import Mode, VerdictKind
from kiosk.domain.models import Admission, Guest
from kiosk.services.badges import BadgeJobs, PrintOutcome
from kiosk.services.checkin import CheckIn
from kiosk.services.pin import PinGuard
from kiosk.storage import Store
from kiosk.storage.config import StationConfig, mirror_path, save_config
from kiosk.ui.controller import StationController
from kiosk.ui.main_window import MainWindow
from tests.badges.cups_server import Cups, private_cups
from tests.badges.pages import decoded_codes, need_poppler, page_sizes_mm
from tests.ui.door_station import door_station

pytestmark = pytest.mark.slow

GUESTS = [Guest(f"g-{i}", access_code=f"PRN-{i:03d}", admission=Admission.ADMISSIBLE, name=f"Printed Guest {i}",
                company="Acme", highlight_color="#2a7de1") for i in range(1, 4)]


@pytest.fixture(scope="module")
def cups() -> Iterator[Cups]:
    need_poppler()
    with private_cups() as server:
        server.add_pdf_queue("badges")
        yield server


def test_each_label_size_prints_at_its_size_and_scans_back_to_the_code(cups: Cups, tmp_path: Path) -> None:
    data = tmp_path / "station"
    save_config(data, StationConfig(server_url="http://127.0.0.1:9", event_id="ev", station="North",
                                    event_name="Summit", printer="badges"), "key")
    with Store.open(mirror_path(data)) as store:
        store.apply_pull_page(GUESTS, cursor="listed")
    before = len(cups.printed())
    env = {**cups.env, "QT_QPA_PLATFORM": "offscreen"}
    for n, key in enumerate(SIZES, start=1):
        subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(data), "badge", "PRN-001", "--print",
                        "--size", key], env=env, check=True, capture_output=True, timeout=60)
        pdf = cups.wait_printed(before + n)[-1]
        size = SIZES[key]
        ((width, height),) = page_sizes_mm(pdf)
        assert (width, height) == (pytest.approx(size.page_mm[0], abs=1), pytest.approx(size.page_mm[1], abs=1)), key
        # One badge asked for: on an A4 sheet it is the first of eight.
        assert decoded_codes(pdf) == ["PRN-001"], key
    with Store.open(mirror_path(data)) as store:
        log = store.print_log(guest_id="g-1")
    assert [r.state for r in log] == ["printed"] * len(SIZES)
    assert [r.reprint for r in log][-1] is False and all(r.reprint for r in log[:-1])


def _outcomes(jobs: BadgeJobs, count: int, timeout: float = 30) -> list[PrintOutcome]:
    deadline = time.monotonic() + timeout
    got: list[PrintOutcome] = []
    while len(got) < count and time.monotonic() < deadline:
        got += jobs.collect()
        time.sleep(0.01)
    assert len(got) == count, got
    return got


def test_a_stopped_printer_fails_the_badge_not_the_check_in_and_a_retry_prints_it(
        cups: Cups, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: object) -> None:
    monkeypatch.setenv("CUPS_SERVER", str(cups.socket))  # read by libcups in each new print thread
    store = Store.open(tmp_path / "s.sqlite3")
    store.apply_pull_page(GUESTS, cursor="listed")
    checkin = CheckIn(store, "North")
    jobs = BadgeJobs(store, "North", badge_sender("Summit"), printer="badges", size="62x100mm", auto_print=True)
    try:
        # Healthy: from the admission to the job handed to CUPS.
        started = time.perf_counter()
        assert checkin.scan("PRN-002", Mode.CHECK_IN).verdict.kind is VerdictKind.ADMITTED
        jobs.on_admitted(GUESTS[1])
        (ok,) = _outcomes(jobs, 1)
        to_cups = time.perf_counter() - started
        assert ok.ok, ok.error
        print(f"\nadmission to the job in CUPS: {to_cups * 1000:.0f} ms")
        assert to_cups < 1.0
        printed = len(cups.wait_printed(len(cups.printed())))

        cups.run("cupsdisable", "badges")
        started = time.perf_counter()
        outcome = checkin.scan("PRN-003", Mode.CHECK_IN)
        job = jobs.on_admitted(GUESTS[2])
        verdict_s = time.perf_counter() - started
        assert outcome.verdict.kind is VerdictKind.ADMITTED and verdict_s < 0.5
        assert job is not None
        (failed,) = _outcomes(jobs, 1)
        assert "stopped" in (failed.error or "")
        assert [r.id for r in store.print_log(state="failed")] == [job]
        assert store.get_guest("g-3").is_inside  # type: ignore[union-attr]
        # A second admission of the same guest does not print again: the failed badge waits for staff.
        assert jobs.on_admitted(GUESTS[2]) is None

        cups.run("cupsenable", "badges")
        assert jobs.retry(job)
        (retried,) = _outcomes(jobs, 1)
        assert retried.ok, retried.error
        record = store.print_job(job)
        assert record is not None and (record.state, record.attempts) == ("printed", 2)
        pdf = cups.wait_printed(printed + 1)[-1]
        assert decoded_codes(pdf) == ["PRN-003"]
    finally:
        jobs.close()
        store.close()


def test_a_printer_that_is_not_there_fails_the_badge_with_its_name(tmp_path: Path, qapp: object) -> None:
    with Store.open(tmp_path / "s.sqlite3") as store:
        store.apply_pull_page(GUESTS, cursor="listed")
        jobs = BadgeJobs(store, "North", badge_sender("Summit"), printer="no-such-printer", size="a6")
        try:
            job = jobs.request(GUESTS[0], by="staff")
            (outcome,) = _outcomes(jobs, 1)
        finally:
            jobs.close()
        assert "no-such-printer is not there" in (outcome.error or "")
        assert store.print_job(job).state == "failed"  # type: ignore[union-attr]


def test_the_door_on_a_disabled_cups_queue_admits_shows_the_notice_and_prints_on_retry(
        cups: Cups, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> None:
    monkeypatch.setenv("CUPS_SERVER", str(cups.socket))
    with door_station(tmp_path / "d", GUESTS) as station:
        station.config = replace(station.config, printer="badges", auto_print=True, badge_size="4x3in")
        window = MainWindow(StationController(station), pin_guard=PinGuard(station.data_dir))
        qtbot.addWidget(window)
        window.show()
        bar = window.status_bar
        try:
            cups.run("cupsdisable", "badges")
            printed = len(cups.printed())
            started = time.perf_counter()
            outcome = window.controller.handle_scan("PRN-001")
            assert time.perf_counter() - started < 0.5
            assert outcome is not None and outcome.verdict.kind is VerdictKind.ADMITTED
            qtbot.waitUntil(lambda: bar.said(bar.badges) is not None, timeout=10000)
            assert "badges is stopped" in (bar.said(bar.badges) or "")
            assert [j.state for j in station.store.print_log()] == ["failed"]
            cups.run("cupsenable", "badges")
            assert window.controller.retry_badges() == 1
            qtbot.waitUntil(lambda: station.store.print_log()[0].state == "printed", timeout=10000)
            pdf = cups.wait_printed(printed + 1)[-1]
            assert decoded_codes(pdf) == ["PRN-001"]
            assert [(round(w), round(h)) for w, h in page_sizes_mm(pdf)] == [(102, 76)]
        finally:
            window.close_now()
