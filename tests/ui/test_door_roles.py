"""Door volunteers and staff at the window: the PIN-free guest search, the staff area behind the PIN,
a PIN keypad that gives way to a guest's verdict, and a search box that takes the first letter typed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app import open_station
from kiosk.domain import Mode, VerdictKind
from kiosk.domain.models import Admission
from kiosk.services.pin import PinGuard
from kiosk.services.station import Station
from kiosk.storage.config import StationConfig, save_config
from kiosk.ui.controller import StationController
from kiosk.ui.main_window import MainWindow
from kiosk.ui.pin_dialog import PinDialog
from tests.v1_guests import v1_guest

NOW = datetime.now(UTC)
GUESTS = [
    v1_guest(
        id="g-anna",
        access_code="ANNA2345",
        admission=Admission.ADMISSIBLE,
        highlight_color="#f5c518",
        client_update=NOW - timedelta(days=1),
        fields={"firstName": "Anna", "lastName": "Müller", "customField1": "VIP"},
    ),
    v1_guest(
        id="g-dan",
        access_code="DAN23456",
        admission=Admission.ADMISSIBLE,
        client_update=NOW - timedelta(days=1),
        fields={"firstName": "Dan", "lastName": "Nowak"},
    ),
]


class AskPin:
    def __init__(self, *answers: bool) -> None:
        self.answers = list(answers)
        self.asked = 0

    def __call__(self, parent: QWidget, guard: PinGuard) -> bool:
        self.asked += 1
        return self.answers.pop(0) if self.answers else False


def make_station(data_dir: Path, **extra: object) -> Station:
    save_config(
        data_dir,
        StationConfig(server_url="http://127.0.0.1:9", event_id="ev", station="North", extra=dict(extra)),
        "key",
    )
    station = open_station(data_dir)
    station.store.apply_pull_page(GUESTS, cursor="listed")
    PinGuard(data_dir).set_pin("2468")
    return station


MakeWindow = Callable[..., MainWindow]


@pytest.fixture()
def make_window(qtbot: QtBot, tmp_path: Path) -> Iterator[MakeWindow]:
    made: list[tuple[MainWindow, Station]] = []

    def make(ask: AskPin | None = None, **extra: object) -> MainWindow:
        station = make_station(tmp_path / f"st-{len(made)}", **extra)
        window = MainWindow(StationController(station), pin_guard=PinGuard(station.data_dir), ask_pin=ask)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        made.append((window, station))
        return window

    yield make
    for window, station in made:
        window.close_now()
        station.store.close()


def test_a_volunteer_searches_and_checks_in_without_the_pin_and_sees_nothing_else(
    make_window: MakeWindow,
) -> None:
    ask = AskPin()
    window = make_window(ask)
    assert window.search_button.isVisibleTo(window)
    window.search_button.click()
    panel = window.staff_panel
    assert window.current_page() is window.staff_page and ask.asked == 0 and panel.volunteer
    assert not panel.undo_button.isVisibleTo(window)
    assert not panel.check_out_button.isVisibleTo(window)
    # Only the guest search: every other tab (conflicts, station, statistics) is hidden.
    tabs = panel.tabs.count()
    assert [panel.tabs.isTabVisible(i) for i in range(tabs)] == [True] + [False] * (tabs - 1)
    assert not any(button.isVisibleTo(window) for button in panel.mode_buttons.values())
    panel.search_edit.setText("dan")
    panel.run_search()
    panel.results.selectRow(0)
    panel.check_in_button.click()
    assert window.current_page() is window.verdict and window.verdict.outcome is not None
    assert window.verdict.outcome.kind is VerdictKind.ADMITTED
    # What a volunteer may not do is refused even when asked for directly.
    assert panel.act("g-dan", Mode.CHECK_OUT) is None
    panel.ask_undo()
    assert not panel.confirm_bar.isVisibleTo(window)
    assert [c.guest_id for c in window.controller.station.store.queued_changes()] == ["g-dan"]


def test_staff_from_the_volunteer_search_needs_the_pin_and_then_shows_everything(make_window: MakeWindow) -> None:
    ask = AskPin(False, True)
    window = make_window(ask)
    window.open_search()
    panel = window.staff_panel
    assert not window.open_staff() and panel.volunteer and ask.asked == 1  # wrong PIN: still a volunteer
    assert window.open_staff() and not panel.volunteer and ask.asked == 2
    assert panel.undo_button.isVisibleTo(window) and panel.check_out_button.isVisibleTo(window)
    assert all(panel.tabs.isTabVisible(i) for i in range(panel.tabs.count()))
    window.open_search()  # staff already in: the search does not take their tools away
    assert not panel.volunteer
    window.show_ready()
    window.open_search()
    assert panel.volunteer  # the next person at the door is a volunteer again


def test_the_volunteer_search_can_be_switched_off(make_window: MakeWindow) -> None:
    window = make_window(AskPin(), volunteer_search=False)
    assert not window.search_button.isVisibleTo(window)
    # A refusal then names the way that is left: the staff area.
    window.controller.handle_scan("NOPE-0000")
    assert window.verdict.colour == "red"
    assert window.verdict.advice.full_text().startswith("Staff: search the guest by name (Staff button, F2)")


def test_the_search_box_has_the_focus_when_the_staff_area_opens(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(AskPin(True))
    window.activateWindow()
    qtbot.waitActive(window)
    for open_it in (window.open_staff, window.open_search):
        window.show_ready()
        open_it()
        search = window.staff_panel.search_edit
        qtbot.waitUntil(search.hasFocus, timeout=2000)
        target = QApplication.focusWidget()
        assert target is not None
        QTest.keyClicks(target, "mu")  # typed at once: the first letters must not be lost
        assert search.text() == "mu"
        search.clear()


def test_a_scan_closes_a_pin_keypad_left_open_and_shows_its_verdict(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()  # the real PIN dialog
    seen: list[bool] = []

    def guest_scans() -> None:
        modal = QApplication.activeModalWidget()
        seen.append(isinstance(modal, PinDialog) and modal.isVisible())
        window.controller.handle_scan("ANNA2345")

    def give_up() -> None:  # the old behaviour: the keypad stays; close it so the test ends
        modal = QApplication.activeModalWidget()
        if isinstance(modal, PinDialog):
            seen.append(False)
            modal.reject()

    QTimer.singleShot(200, guest_scans)
    QTimer.singleShot(3000, give_up)
    assert not window.open_staff()  # Staff tapped, then walked away
    assert seen == [True]
    assert window.current_page() is window.verdict and window.verdict.colour == "green"
    assert QApplication.activeModalWidget() is None


def test_the_band_says_what_the_event_calls_the_highlight_colour(make_window: MakeWindow) -> None:
    window = make_window(AskPin(), highlight_labels={"#F5C518": "VIP: escort to the front row"})
    window.controller.handle_scan("ANNA2345")
    assert window.verdict.colour == "green"
    assert window.verdict.band.isVisibleTo(window) and window.verdict.band.text() == "★ VIP: escort to the front row"
