"""The statistics tab in the real window: live figures read off the Qt thread, and the arrival chart."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import qasync
from pytestqt.qtbot import QtBot

from kiosk.domain.models import Admission, Guest
from kiosk.services.station import Station
from kiosk.ui.main_window import MainWindow
from tests.ui.door_station import door_station, door_window

DOORS_OPEN = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)


def event_day(count: int = 2000) -> list[Guest]:
    """A day of arrivals: a morning rush, a lull at lunch, a smaller afternoon wave; a tenth never come."""
    rng = random.Random(7)
    made = []
    for n in range(count):
        wave = rng.random()
        minutes = rng.gauss(60, 35) if wave < 0.7 else rng.gauss(330, 40)
        came = DOORS_OPEN + timedelta(minutes=max(0.0, minutes)) if n % 10 else None
        made.append(Guest(f"g-{n}", access_code=f"C-{n}", admission=Admission.ADMISSIBLE, name=f"Guest {n}",
                          check_in=came, companion_count=1 if n % 25 == 0 else 0))
    return made


@pytest.fixture()
def station(tmp_path: Path) -> Iterator[Station]:
    with door_station(tmp_path, event_day(), event_id="ev") as made:
        yield made


@pytest.fixture()
def window(qtbot: QtBot, station: Station) -> Iterator[MainWindow]:
    with door_window(qtbot, station, (1280, 800)) as made:
        yield made


def test_the_tab_reads_the_figures_off_the_qt_thread_and_draws_the_day(
    qtbot: QtBot, window: MainWindow, loop: qasync.QEventLoop, tmp_path: Path
) -> None:
    assert window.open_staff()
    panel = window.staff_panel
    panel.tabs.setCurrentWidget(panel.statistics_page)  # shown: it asks for figures

    async def figures_shown() -> None:
        while panel.statistics.figures["inside"].text() == "–":
            await asyncio.sleep(0.02)

    loop.run_until_complete(asyncio.wait_for(figures_shown(), 20))
    f = panel.statistics.figures
    assert (f["inside"].text(), f["checked_in"].text(), f["no_shows"].text()) == ("1800", "1800 / 2080", "200")
    bars = panel.statistics.chart.arrivals
    assert sum(people for _, people in bars) == 1800 and len(bars) > 20
    panel.statistics.chart.grab().save(str(tmp_path / "arrivals.png"))


def test_volunteers_do_not_see_the_statistics(window: MainWindow) -> None:
    window.open_search()
    assert not window.staff_panel.tabs.isTabVisible(3)
