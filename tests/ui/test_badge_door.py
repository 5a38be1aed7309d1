"""Badges at the door: auto-print off by default, a failing printer never delays the verdict and shows an amber
notice until staff retry or drop, reprints from the guest's detail, and the badge station that checks no one in."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.domain import VerdictKind
from kiosk.domain.models import Admission, Guest
from kiosk.services.pin import PinGuard
from kiosk.services.station import Station
from kiosk.storage.config import load_config, save_config
from kiosk.ui.controller import StationController
from kiosk.ui.main_window import MainWindow
from tests.ui.door_station import door_station

GUESTS = [Guest(f"g-{i}", access_code=f"B-{i}", admission=Admission.ADMISSIBLE, name=f"Door Guest {i}")
          for i in range(1, 4)]


class FakePrinter:
    """Slow, and off until switched on: what a label printer that is out of paper looks like to the door."""

    def __init__(self, delay: float = 1.0) -> None:
        self.on = False
        self.delay = delay
        self.printed: list[str] = []
        self.lock = threading.Lock()

    def send(self, guest: Guest, printer: str, size: str) -> None:
        time.sleep(self.delay)
        if not self.on:
            raise RuntimeError(f"{printer} is stopped (off, out of paper or disabled)")
        with self.lock:
            self.printed.append(f"{guest.access_code}@{printer}/{size}")


def window_for(qtbot: QtBot, station: Station, printer: FakePrinter) -> MainWindow:
    window = MainWindow(StationController(station, badge_send=printer.send), pin_guard=PinGuard(station.data_dir))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    return window


def configure(station: Station, **badges: object) -> None:
    station.config = replace(station.config, **badges)  # type: ignore[arg-type]
    save_config(station.data_dir, station.config)


def test_auto_print_is_off_until_staff_turn_it_on(qtbot: QtBot, tmp_path: Path) -> None:
    printer = FakePrinter(delay=0)
    printer.on = True
    with door_station(tmp_path / "d", GUESTS) as station:
        assert station.config.auto_print is False
        window = window_for(qtbot, station, printer)
        try:
            window.controller.handle_scan("B-1")
            assert station.store.print_log() == []
            window.controller.set_badge_settings(printer="labels", size="54x90mm", auto_print=True,
                                                 badge_station=False)
            kept = load_config(station.data_dir)
            assert (kept.printer, kept.badge_size, kept.auto_print) == ("labels", "54x90mm", True)
            window.controller.handle_scan("B-2")
            qtbot.waitUntil(lambda: printer.printed == ["B-2@labels/54x90mm"], timeout=5000)
        finally:
            window.close_now()


def test_a_stopped_printer_never_delays_the_verdict_shows_amber_and_a_retry_prints_once(
        qtbot: QtBot, tmp_path: Path) -> None:
    printer = FakePrinter(delay=1.0)
    with door_station(tmp_path / "d", GUESTS) as station:
        configure(station, auto_print=True, printer="badges")
        window = window_for(qtbot, station, printer)
        bar = window.status_bar
        try:
            started = time.perf_counter()
            outcome = window.controller.handle_scan("B-1")
            took = time.perf_counter() - started
            assert outcome is not None and outcome.verdict.kind is VerdictKind.ADMITTED
            assert window.current_page() is window.verdict
            assert took < 0.3, f"the verdict waited {took:.2f} s for the printer"
            qtbot.waitUntil(lambda: bar.said(bar.badges) is not None, timeout=5000)
            notice = bar.said(bar.badges) or ""
            assert "Badge of Door Guest 1 not printed: badges is stopped" in notice
            assert bar.badges.property("level") == "warn"
            (job,) = station.store.print_log()
            assert (job.state, job.by, job.station) == ("failed", "auto", "North")
            assert station.store.get_guest("g-1").is_inside  # type: ignore[union-attr]

            printer.on = True
            assert window.controller.retry_badges() == 1
            assert bar.said(bar.badges) is None  # sent again: nothing waits for staff
            qtbot.waitUntil(lambda: station.store.print_log()[0].state == "printed", timeout=5000)
            assert printer.printed == ["B-1@badges/62x100mm"]
            (job,) = station.store.print_log()
            assert (job.state, job.attempts) == ("printed", 2)
            assert window.controller.retry_badges() == 0  # printed once: nothing more to send
        finally:
            window.close_now()


def test_staff_drop_a_failed_badge_and_reprint_from_the_guests_detail(qtbot: QtBot, tmp_path: Path) -> None:
    printer = FakePrinter(delay=0)
    with door_station(tmp_path / "d", GUESTS) as station:
        window = window_for(qtbot, station, printer)
        bar = window.status_bar
        detail = window.staff_panel.detail
        try:
            assert window.controller.reprint("g-3")
            qtbot.waitUntil(lambda: bar.said(bar.badges) is not None, timeout=5000)
            assert window.controller.drop_badges() == 1
            assert bar.said(bar.badges) is None
            assert [j.state for j in station.store.print_log()] == ["dropped"]

            printer.on = True
            guest = station.store.get_guest("g-3")
            detail.show_guest(guest)
            assert detail.badge_button.text() == "Reprint badge"  # a dropped job is in its log
            detail.badge_button.click()
            detail.badge_button.click()
            qtbot.waitUntil(lambda: len(printer.printed) == 2, timeout=5000)
            qtbot.waitUntil(lambda: "Badges printed: 2 (1 reprint)" in detail.badge_label.text(), timeout=5000)
            assert [j.reprint for j in station.store.print_log()] == [True, False, False]
            # A door volunteer (search and check in, no PIN) sees the badges but prints none.
            window.staff_panel.set_volunteer(True)
            detail.show_guest(guest)
            assert detail.badge_button.isHidden() and not detail.badge_label.isHidden()
            window.staff_panel.set_volunteer(False)
            detail.show_guest(guest)
            assert not detail.badge_button.isHidden()
        finally:
            window.close_now()


def test_the_badge_station_prints_on_a_scan_and_checks_no_one_in(qtbot: QtBot, tmp_path: Path) -> None:
    printer = FakePrinter(delay=0)
    printer.on = True
    with door_station(tmp_path / "d", GUESTS) as station:
        configure(station, badge_station=True)
        window = window_for(qtbot, station, printer)
        try:
            assert window.controller.handle_scan("B-2") is None
            assert window.current_page() is window.verdict
            assert "Your badge is printing" in window.verdict.headline.text()
            qtbot.waitUntil(lambda: printer.printed == ["B-2@/62x100mm"], timeout=5000)
            assert not station.store.get_guest("g-2").is_inside  # type: ignore[union-attr]
            assert station.store.counts()["queued"] == 0
            (job,) = station.store.print_log()
            assert job.by == "badge station"
            window.controller.handle_scan("NOBODY-9")
            assert "No badge for this code" in window.verdict.headline.text()
            assert len(station.store.print_log()) == 1
        finally:
            window.close_now()
