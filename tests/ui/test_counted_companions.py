"""The door's question for counted companions, in the real window: one key or tap, kept, in the figures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.domain import VerdictKind
from kiosk.domain.models import Admission, Guest
from kiosk.services.station import Station
from kiosk.ui import verdict_view
from kiosk.ui.main_window import MainWindow
from kiosk.ui.scan_filter import install as install_scan_filter
from tests.ui.door_station import door_station, door_window

PARTY = Guest("reg-1", access_code="REG-1", admission=Admission.ADMISSIBLE, name="Ada Party", companion_count=2)
CROWD = Guest("reg-9", access_code="REG-9", admission=Admission.ADMISSIBLE, name="Big Group", companion_count=12)


@pytest.fixture()
def station(tmp_path: Path) -> Iterator[Station]:
    with door_station(tmp_path, [PARTY, CROWD], event_id="ev") as made:
        yield made


@pytest.fixture()
def window(qtbot: QtBot, station: Station) -> Iterator[MainWindow]:
    # The 7-inch kiosk: the question and its buttons must fit here.
    with door_window(qtbot, station, (800, 480)) as made:
        yield made


def test_a_digit_answers_how_many_came_and_the_figures_count_them(
    qtbot: QtBot, station: Station, window: MainWindow
) -> None:
    outcome = window.controller.handle_scan("REG-1")
    assert outcome is not None and outcome.kind is VerdictKind.ADMITTED
    prompt = window.verdict.count_prompt
    assert prompt.open and [b.text() for b in prompt.buttons] == ["0", "1", "2"]
    assert "+2 guests on this registration" in prompt.text.text()
    assert all(b.isVisible() and b.geometry().right() <= window.width() for b in prompt.buttons)
    QTest.keyClick(window, Qt.Key.Key_3)  # more than the registration counts: not an answer
    assert prompt.open and station.store.companions_in("reg-1") is None
    QTest.keyClick(window, Qt.Key.Key_1)
    assert not prompt.open and station.store.companions_in("reg-1") == 1
    assert prompt.text.text() == "✔ +1 guest in with Ada Party"
    window.controller.refresh_status()
    bar = window.status_bar
    assert bar.said(bar.counts) == "In 2 / 16"  # Ada and one of hers; 2 registrations, 14 counted companions
    assert window.verdict.recent.entries[0].label.endswith("· +1 of 2")


def test_a_tap_answers_too_and_a_large_party_gets_an_all_button(qtbot: QtBot, station: Station,
                                                               window: MainWindow) -> None:
    window.controller.handle_scan("REG-9")
    prompt = window.verdict.count_prompt
    labels = [b.text() for b in prompt.buttons]
    assert labels == [str(n) for n in range(10)] + ["All 12"]
    qtbot.mouseClick(prompt.buttons[-1], Qt.MouseButton.LeftButton)
    assert station.store.companions_in("reg-9") == 12


def test_an_unanswered_question_waits_and_the_next_scan_leaves_it_uncounted(
    qtbot: QtBot, station: Station, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(verdict_view.SHOW_SECONDS, "green", 0.1)
    window.controller.handle_scan("REG-1")
    qtbot.waitUntil(lambda: window.verdict.colour == "ready", timeout=2000)  # neutral, still asking
    assert window.current_page() is window.verdict and window.verdict.count_prompt.open
    window.controller.handle_scan("REG-9")
    first = window.verdict.recent.entries[1]
    assert first.label.endswith("· +2 not counted") and station.store.companions_in("reg-1") is None
    QTest.keyClick(window, Qt.Key.Key_Escape)  # none of the twelve came
    assert station.store.companions_in("reg-9") == 0


def test_a_person_pressing_a_digit_is_typing_not_a_scan_and_answers_the_question(
    qtbot: QtBot, station: Station, window: MainWindow, qapp: QApplication
) -> None:
    scan_filter = install_scan_filter(qapp)
    scan_filter.scanned.connect(window.controller.handle_scan)
    try:
        QTest.keyClicks(window, "REG-1")  # a scanner: the whole code within milliseconds, then Enter
        QTest.keyClick(window, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.verdict.count_prompt.open, timeout=2000)
        QTest.keyClick(window.verdict, Qt.Key.Key_2)  # held by the filter, then handed on as typing
        qtbot.waitUntil(lambda: station.store.companions_in("reg-1") == 2, timeout=2000)
    finally:
        scan_filter.remove()
