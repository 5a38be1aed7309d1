"""Screenshots of the door screens (ready, verdicts, offline, search, demo), saved for people to look at.

They are for people to look at (missing glyphs show as boxes, text that does not fit is cut); the tests
also check each screen's colour, so a verdict painted in the wrong colour fails here too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.app import open_station
from kiosk.domain.models import Admission
from kiosk.services.pin import PinGuard
from kiosk.services.station import Station
from kiosk.storage.config import StationConfig, save_config
from kiosk.ui.controller import StationController
from kiosk.ui.demo_panel import attach_demo
from kiosk.ui.main_window import MainWindow
from kiosk.ui.theme import SCHEMES
from tests.v1_guests import v1_guest

# Where the pictures go: KIOSK_SCREENSHOTS=DIR keeps them (to look at, or to refresh the README's), else a
# temporary directory; never the checkout.
SHOTS_ENV = "KIOSK_SCREENSHOTS"
NOW = datetime.now(UTC).replace(microsecond=0)

GUESTS = [
    v1_guest(id="g-maria", access_code="MJNG2345", admission=Admission.ADMISSIBLE, highlight_color="#7B1FA2",
          companions=("g-luis", "g-ines"), client_update=NOW - timedelta(days=3),
          fields={"titlePrefix": "Dr.", "firstName": "María José", "lastName": "Núñez García de la Peña",
                  "company": "Universidad de Sevilla", "notes": "Speaker: panel at 14:00, hall B",
                  "customField1": "VIP", "externalId": "B000101"}),
    v1_guest(id="g-luis", access_code="LUIS2345", parent_id="g-maria", admission=Admission.ADMISSIBLE,
          client_update=NOW - timedelta(days=3),
          fields={"firstName": "Luis", "lastName": "Núñez", "company": "Universidad de Sevilla"}),
    v1_guest(id="g-ines", access_code="INES2345", parent_id="g-maria", admission=Admission.ADMISSIBLE,
          client_update=NOW - timedelta(days=3),
          fields={"firstName": "Inés", "lastName": "Núñez Ibáñez"}),
    v1_guest(id="g-soren", access_code="SOREN234", admission=Admission.ADMISSIBLE,
          client_update=NOW - timedelta(days=3),
          fields={"firstName": "Søren", "lastName": "Kjær", "company": "Østergaard & Sønner ApS",
                  "customField1": "Press", "externalId": "B000102"}),
    v1_guest(id="g-lukasz", access_code="LUKASZ23", admission=Admission.ADMISSIBLE,
          client_update=NOW - timedelta(days=3),
          fields={"firstName": "Łukasz", "lastName": "Wiśniewski", "company": "Dąbrowski Sp. z o.o."}),
    v1_guest(id="g-zoe", access_code="ZOE23456", admission=Admission.DEREGISTERED,
          client_update=NOW - timedelta(days=3),
          fields={"firstName": "Zoë", "lastName": "O'Brien", "company": "Fitzgerald Ltd"}),
]




class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture()
def station(tmp_path: Path) -> Iterator[Station]:
    # Port 9 (discard) on loopback: nothing answers, and the sync loop is never started here anyway.
    save_config(tmp_path, StationConfig(server_url="http://127.0.0.1:9", event_id="gala-2026",
                                        station="North entrance", event_name="Spring Gala 2026"), "key")
    st = open_station(tmp_path)
    st.store.apply_pull_page(GUESTS, cursor="listed")
    st.store.update_sync_state(online=True, last_success=NOW - timedelta(seconds=20))
    yield st
    for widget in QApplication.topLevelWidgets():  # before the store closes: no status read after it
        if isinstance(widget, MainWindow):
            widget.close_now()
    st.store.close()


# The two screens the door screens are looked at on: a 7-inch kiosk and a laptop.
SIZES = [(800, 480), (1280, 800)]


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return request.param


@pytest.fixture()
def shoot(
    qtbot: QtBot, tmp_path_factory: pytest.TempPathFactory, size: tuple[int, int]
) -> Callable[[MainWindow, str], QImage]:
    chosen = os.environ.get(SHOTS_ENV)
    shots = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    shots.mkdir(parents=True, exist_ok=True)

    def take(window: MainWindow, name: str) -> QImage:
        qtbot.wait(60)  # the status counts are re-read just after a scan
        image = window.grab().toImage()
        # Nothing may make the window wider or taller than the screen it is shown on.
        assert (image.width(), image.height()) == size, f"{name}: {image.width()}x{image.height()}"
        assert image.save(str(shots / f"{name}-{size[0]}x{size[1]}.png"))
        return image

    return take


def make_window(
    qtbot: QtBot, station: Station, clock: Clock, size: tuple[int, int] = (1280, 800)
) -> tuple[MainWindow, StationController]:
    controller = StationController(station, clock=clock)
    window = MainWindow(controller, pin_guard=PinGuard(station.data_dir))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    controller.refresh_status()
    return window, controller


def colour_at(image: QImage, x: int, y: int) -> str:
    return QColor(image.pixel(x, y)).name()


def test_ready_and_verdict_screens(
    qtbot: QtBot, station: Station, shoot: Callable[..., QImage], size: tuple[int, int]
) -> None:
    clock = Clock()
    window, controller = make_window(qtbot, station, clock, size)
    assert colour_at(shoot(window, "ready"), 20, 20) == SCHEMES["ready"].background

    clock.now = NOW - timedelta(minutes=12)
    controller.handle_scan("SOREN234")
    clock.now = NOW
    already = controller.handle_scan("soren234")
    assert already is not None and already.kind.value == "already_in"
    assert colour_at(shoot(window, "already-in"), 20, 20) == SCHEMES["amber"].background

    admitted = controller.handle_scan("MJNG2345")
    assert admitted is not None and len(admitted.companions) == 2
    image = shoot(window, "admitted")  # with its companions question
    assert colour_at(image, 20, 20) == SCHEMES["green"].background
    assert window.verdict.prompt_visible
    window.verdict.answer_companions(True)
    assert colour_at(shoot(window, "companions"), 20, 20) == SCHEMES["green"].background

    controller.handle_scan("ZX-404-NOPE")
    assert colour_at(shoot(window, "unknown"), 20, 20) == SCHEMES["red"].background

    controller.handle_scan("ZOE23456")
    assert colour_at(shoot(window, "deregistered"), 20, 20) == SCHEMES["red"].background

    # What the controller sends when a scan cannot be saved: the status line and the red screen.
    controller.problem.emit("The scan could not be saved: database or disk is full. Please try again.")
    window.show_not_saved("database or disk is full")
    assert colour_at(shoot(window, "not-saved"), 20, 20) == SCHEMES["red"].background
    assert window.status_bar.problem in window.status_bar.shown_items()

    assert controller.set_mode("check-out")
    window.show_ready()
    shoot(window, "ready-check-out")
    out = controller.handle_scan("SOREN234")
    assert out is not None and out.kind.value == "checked_out"
    assert colour_at(shoot(window, "checked-out"), 20, 20) == SCHEMES["blue"].background


def test_offline_screen(
    qtbot: QtBot, station: Station, shoot: Callable[..., QImage], size: tuple[int, int]
) -> None:
    window, controller = make_window(qtbot, station, Clock(), size)
    controller.handle_scan("LUKASZ23")
    station.store.update_sync_state(online=False, last_success=NOW - timedelta(minutes=9),
                                    last_error="Server unreachable: connection refused")
    window.show_ready()
    controller.refresh_status()
    shoot(window, "offline")
    bar = window.status_bar
    assert bar.online.text() == "● Offline" and bar.online.property("level") == "bad"
    assert bar.sync_age.property("level") == "warn" and "9 min ago" in bar.sync_age.text()
    assert bar.queued.text() == "Queued 1"


def test_search_screen(
    qtbot: QtBot, station: Station, shoot: Callable[..., QImage], size: tuple[int, int]
) -> None:
    window, _ = make_window(qtbot, station, Clock(), size)
    assert window.open_staff()
    panel = window.staff_panel
    panel.search_edit.setText("nunez")
    panel.run_search()
    panel.results.selectRow(0)
    shoot(window, "search")
    assert panel.results.rowCount() >= 3


class FakeDemo:
    codes = ("MJNG2345", "SOREN234", "LUKASZ23")
    server_online = True

    def set_server_online(self, online: bool) -> None:
        self.server_online = online


def test_demo_ready_screen(
    qtbot: QtBot, station: Station, shoot: Callable[..., QImage], size: tuple[int, int]
) -> None:
    window, _ = make_window(qtbot, station, Clock(), size)
    panel = attach_demo(window, FakeDemo())
    shoot(window, "demo-ready")
    assert [card.text() for card in panel.cards] == list(FakeDemo.codes)
    assert all(not card.icon().isNull() for card in panel.cards)
