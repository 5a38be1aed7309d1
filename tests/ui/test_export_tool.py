"""The staff tool "Export attendance…" in the real window: asks where, writes while scans go on, says so."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.domain import VerdictKind
from kiosk.domain.models import Admission, Guest
from kiosk.services.station import Station
from kiosk.ui.export_tool import suggested_path
from kiosk.ui.main_window import MainWindow
from tests.ui.door_station import door_station, door_window

GUESTS = [Guest(f"g-{n}", access_code=f"CODE-{n}", admission=Admission.ADMISSIBLE, name=f"Gäst {n}",
                sort_name=f"Gäst {n:03d}") for n in range(50)]


@pytest.fixture()
def station(tmp_path: Path) -> Iterator[Station]:
    with door_station(tmp_path / "station", GUESTS, event_id="ev/2026 Gala") as made:
        yield made


@pytest.fixture()
def window(qtbot: QtBot, station: Station) -> Iterator[MainWindow]:
    with door_window(qtbot, station, (1280, 800)) as made:
        yield made


def tool_button(window: MainWindow) -> QPushButton:
    (button,) = [b for b in window.staff_panel.findChildren(QPushButton) if b.text() == "Export attendance…"]
    return button


def test_the_staff_button_writes_every_attendee_and_says_where(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, loop: qasync.QEventLoop
) -> None:
    target = tmp_path / "out.csv"
    asked: list[Path] = []

    def ask(parent: QWidget, suggested: Path) -> Path:
        asked.append(suggested)
        return target

    window.export_tool._ask_path = ask
    window.controller.handle_scan("CODE-7")
    qtbot.mouseClick(tool_button(window), Qt.MouseButton.LeftButton)
    task = window.export_tool.running
    assert task is not None
    # The door keeps answering while the file is written on a worker thread.
    assert window.controller.handle_scan("CODE-8").kind is VerdictKind.ADMITTED  # type: ignore[union-attr]
    assert loop.run_until_complete(asyncio.wait_for(task, 20)) == 50
    assert asked[0].name.startswith("attendance-ev-2026-Gala-") and asked[0].suffix == ".csv"
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 50 and rows[7]["Name"] == "Gäst 7" and rows[7]["Status"] == "inside"
    assert window.staff_panel.message.text() == f"50 attendees written to {target}."


def test_a_cancelled_dialog_writes_nothing_and_a_failed_write_says_so_in_red(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, loop: qasync.QEventLoop
) -> None:
    window.export_tool._ask_path = lambda parent, suggested: None
    assert window.export_tool.run() is None and list(tmp_path.glob("*.csv")) == []
    window.export_tool._ask_path = lambda parent, suggested: tmp_path / "no such folder" / "out.csv"
    task = window.export_tool.run()
    assert task is not None and loop.run_until_complete(asyncio.wait_for(task, 20)) is None
    message = window.staff_panel.message
    assert "could not be written" in message.text() and "b00020" in message.styleSheet()


def test_the_suggested_name_is_safe_for_any_file_system() -> None:
    from datetime import datetime

    path = suggested_path('ev:"*?<>|/\\', datetime(2026, 12, 3, 9, 5))
    assert path.name == "attendance-ev-20261203-0905.csv"
