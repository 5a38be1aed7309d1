"""The door window on a 7-inch 800x480 kiosk and a 1280x800 laptop: it never outgrows the screen.

Long names, the conflicts badge, the clock warning, a problem line, the staff and volunteer pages and
the demo panel must all leave the window within the screen, with the Staff button and every status
item inside it. Screenshots go to KIOSK_SCREENSHOTS (if set) or a temporary directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QRect, QSize
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app import open_station
from kiosk.domain.models import Admission
from kiosk.services.pin import PinGuard
from kiosk.services.station import Station
from kiosk.storage.config import StationConfig, save_config
from kiosk.ui.controller import StationController
from kiosk.ui.demo_panel import DemoPanel, attach_demo
from kiosk.ui.main_window import MainWindow
from tests.v1_guests import v1_guest

NOW = datetime.now(UTC)
LONG_NAME = "Maximilian-Alexander Constantin Friedrich-Wilhelm von und zu Hohenzollern-Sigmaringen"
LONG_COMPANY = "Internationale Gesellschaft für außergewöhnlich lange Firmennamen und Bezeichnungen mbH & Co. KG"
GUESTS = [
    v1_guest(
        id="g-long",
        access_code="GQVMA8XK",
        admission=Admission.ADMISSIBLE,
        client_update=NOW - timedelta(days=1),
        fields={
            "titlePrefix": "Prof. Dr. Dr. h.c.",
            "firstName": LONG_NAME,
            "lastName": LONG_NAME,
            "company": LONG_COMPANY,
            "notes": "Speaker " * 20,
            "customField1": "VIP " * 10,
        },
    ),
    v1_guest(
        id="g-dereg",
        access_code="DEREG123",
        admission=Admission.DEREGISTERED,
        client_update=NOW - timedelta(days=1),
        fields={"firstName": "Zoë", "lastName": "O'Brien"},
    ),
]
SCREENS = [QSize(800, 480), QSize(1280, 800)]


class FakeDemo:
    codes = ("MJNG2345", "SOREN234", "LUKASZ23")
    server_online = True

    def set_server_online(self, online: bool) -> None:
        self.server_online = online


@pytest.fixture()
def station(tmp_path: Path) -> Iterator[Station]:
    save_config(
        tmp_path,
        StationConfig(
            server_url="http://127.0.0.1:9",
            event_id="ev",
            station="North entrance, hall B, door 3 (next to the cloakroom)",
            event_name="Spring Gala 2026",
        ),
        "key",
    )
    st = open_station(tmp_path)
    st.store.apply_pull_page(GUESTS, cursor="listed")
    yield st
    st.store.close()


@pytest.fixture()
def window(qtbot: QtBot, station: Station) -> Iterator[MainWindow]:
    controller = StationController(station)
    win = MainWindow(controller, pin_guard=PinGuard(station.data_dir), ask_pin=lambda parent, guard: True)
    qtbot.addWidget(win)
    attach_demo(win, FakeDemo())
    win.show()
    yield win
    win.close_now()


@pytest.fixture()
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("KIOSK_SCREENSHOTS")
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("fit-shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def rect_in(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def assert_fits(qtbot: QtBot, window: MainWindow, screen: QSize) -> None:
    qtbot.wait(20)  # let the layout settle
    # A status refresh the window's own timer ran during that wait may have hidden or shown an item; its
    # layout request is still queued (the geometry is that of the moment before). Apply it, and only it:
    # running timers again could start another change.
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    hint = window.minimumSizeHint()
    assert hint.width() <= 800 and hint.height() <= 480, hint
    assert window.width() <= screen.width() and window.height() <= screen.height(), window.size()
    inside = window.rect()
    for button in (window.staff_button, window.search_button):
        assert inside.contains(rect_in(button, window)), (button.text(), rect_in(button, window))
    staff = rect_in(window.staff_button, window)
    bar = window.status_bar
    for label in bar.shown_items():
        where = rect_in(label, window)
        assert inside.contains(where) and not where.intersects(staff), (label.text(), where)
        assert label.width() >= label.sizeHint().width() - 1, (label.text(), label.width())  # not cut


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s.width()}x{s.height()}")
def test_the_window_stays_within_the_screen_whatever_it_shows(
    qtbot: QtBot, window: MainWindow, screen: QSize, shots: Path
) -> None:
    tag = f"{screen.width()}x{screen.height()}"
    window.resize(screen)
    controller = window.controller
    status = controller.refresh_status()
    assert status is not None
    window.status_bar.update_status(
        replace(
            status, conflicts=12, queued=1234, checked_in=12345, total=67890, clock_warning="The clock is 10 min off."
        )
    )
    assert_fits(qtbot, window, screen)
    bar = window.status_bar
    assert {bar.online, bar.clock, bar.conflicts} <= set(bar.shown_items())
    window.grab().save(str(shots / f"ready-{tag}.png"))

    controller.handle_scan("GQVMA8XK")  # the longest name there is, admitted
    assert_fits(qtbot, window, screen)
    window.grab().save(str(shots / f"verdict-{tag}.png"))
    bar.show_problem("This scan could not be saved: the local database is not writable: disk I/O error.")
    assert_fits(qtbot, window, screen)
    assert bar.problem in bar.shown_items()

    assert window.open_staff()
    panel = window.staff_panel
    panel.search_edit.setText("a")
    panel.run_search()
    panel.results.selectRow(0)
    assert_fits(qtbot, window, screen)
    window.grab().save(str(shots / f"staff-{tag}.png"))
    window.show_ready()
    window.open_search()
    assert_fits(qtbot, window, screen)
    window.grab().save(str(shots / f"volunteer-{tag}.png"))
    window.show_ready()
    assert_fits(qtbot, window, screen)


def test_the_pages_and_the_demo_panel_fit_the_smallest_screen_by_themselves(qtbot: QtBot, window: MainWindow) -> None:
    # The window caps what a page asks for; these pages must not need the cap.
    window.resize(800, 480)
    assert window.open_staff()
    qtbot.wait(20)
    for page in (window.staff_panel, window.ready.findChild(DemoPanel)):
        assert page is not None
        hint = page.minimumSizeHint()
        assert hint.width() <= 800 and hint.height() <= 370, (type(page).__name__, hint)
