"""The status line: online state, sync age with its five-minute warning, queue, conflicts, counts, clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from kiosk.services.desk import StatusSnapshot
from kiosk.ui.status_bar import StatusBar, format_age

NOW = datetime(2026, 5, 14, 10, 0, tzinfo=UTC)


def snapshot(**changes: object) -> StatusSnapshot:
    values: dict[str, object] = {
        "station": "North entrance",
        "online": True,
        "last_sync": NOW - timedelta(seconds=30),
        "seconds_since_sync": 30.0,
        "queued": 0,
        "conflicts": 0,
        "checked_in": 3,
        "total": 10,
        "last_error": None,
        "clock_warning": None,
    }
    values.update(changes)
    return StatusSnapshot(**values)  # type: ignore[arg-type]


@pytest.fixture()
def bar(qtbot: QtBot) -> StatusBar:
    widget = StatusBar()
    qtbot.addWidget(widget)
    widget.resize(1280, 44)  # a full-width bar on a 1280 px screen: everything fits
    widget.show()
    return widget


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "never"),
        (-3.0, "just now"),
        (4.0, "just now"),
        (42.9, "42 s ago"),
        (61.0, "1 min ago"),
        (59 * 60.0, "59 min ago"),
        (3600.0, "1 h ago"),
        (3 * 3600 + 5 * 60.0, "3 h 5 min ago"),
    ],
)
def test_format_age(seconds: float | None, text: str) -> None:
    assert format_age(seconds) == text


def test_online_fresh_and_counted(bar: StatusBar) -> None:
    bar.update_status(snapshot())
    assert bar.online.text() == "● Online" and bar.online.property("level") == "good"
    assert bar.sync_age.text() == "Synced 30 s ago" and bar.sync_age.property("level") == ""
    assert bar.queued.text() == "Queue empty"
    assert bar.counts.text() == "In 3 / 10"
    assert bar.station.text() == "North entrance"
    assert bar.conflicts.isHidden() and bar.clock.isHidden()


def test_offline_with_a_queue_says_why_in_its_tooltip(bar: StatusBar) -> None:
    bar.update_status(snapshot(online=False, queued=4, last_error="Server unreachable: timed out"))
    assert bar.online.text() == "● Offline" and bar.online.property("level") == "bad"
    assert bar.online.toolTip() == "Server unreachable: timed out"
    assert bar.queued.text() == "Queued 4"


def test_never_synced_is_neither_online_nor_offline_but_stale(bar: StatusBar) -> None:
    bar.update_status(snapshot(online=None, last_sync=None, seconds_since_sync=None))
    assert bar.online.text() == "○ Not synced yet"
    assert bar.sync_age.text() == "Never synced" and bar.sync_age.property("level") == "warn"


def test_stale_warning_after_five_minutes_only(bar: StatusBar) -> None:
    bar.update_status(snapshot(seconds_since_sync=299.0))
    assert bar.sync_age.property("level") == ""
    bar.update_status(snapshot(seconds_since_sync=301.0))
    assert bar.sync_age.property("level") == "warn" and bar.sync_age.text() == "Synced 5 min ago"
    assert "five minutes" in bar.sync_age.toolTip()
    bar.update_status(snapshot(seconds_since_sync=12.0))
    assert bar.sync_age.property("level") == "" and bar.sync_age.toolTip() == ""


def test_conflicts_show_up_with_a_count(bar: StatusBar) -> None:
    bar.update_status(snapshot(conflicts=1))
    assert not bar.conflicts.isHidden() and bar.conflicts.text() == "⚠ 1 conflict"
    bar.update_status(snapshot(conflicts=3))
    assert bar.conflicts.text() == "⚠ 3 conflicts"
    bar.update_status(snapshot(conflicts=0))
    assert bar.conflicts.isHidden()


def test_clock_warning_is_visible_with_the_whole_advice(bar: StatusBar) -> None:
    advice = "This station's clock is 7 min behind the server; please fix the clock."
    bar.update_status(snapshot(clock_warning=advice))
    assert not bar.clock.isHidden() and bar.clock.property("level") == "bad"
    assert bar.clock.toolTip() == advice


def test_mode_and_problem_lines(bar: StatusBar) -> None:
    bar.set_mode("check-out")
    assert bar.mode.text() == "Mode: Check-out"
    bar.set_mode("toggle")
    assert bar.mode.text() == "Mode: In / out"
    assert bar.problem.isHidden()
    long = "This scan could not be saved: the local database is not writable: disk I/O error. " * 2
    bar.show_problem(long)
    assert not bar.problem.isHidden()
    assert bar.problem.text().endswith("…") and len(bar.problem.text()) == 88
    assert bar.problem.toolTip() == long


def test_a_narrow_bar_keeps_the_urgent_items_and_never_asks_for_more_room(qtbot: QtBot, bar: StatusBar) -> None:
    empty_hint = bar.minimumSizeHint()
    bar.resize(500, 44)
    bar.update_status(
        snapshot(
            station="North entrance, hall B, door 3 (next to the cloakroom)",
            queued=1234,
            conflicts=12,
            clock_warning="The clock is 10 min off.",
            checked_in=12345,
            total=67890,
        )
    )
    assert bar.minimumSizeHint() == empty_hint  # what it says never widens the window
    qtbot.wait(20)  # the layout places the items on its next turn
    shown = bar.shown_items()
    assert bar.online in shown and bar.clock in shown and bar.conflicts in shown
    assert bar.station not in shown and bar.mode not in shown
    assert all(label.geometry().right() < bar.width() for label in shown)
    assert all(label.width() >= label.sizeHint().width() - 1 for label in shown)  # shown whole, not cut
    bar.resize(1800, 44)
    assert bar.station in bar.shown_items() and bar.mode in bar.shown_items()
    assert bar.mode.text() == "Mode: Check-in"  # room again: the full words come back
    bar.resize(500, 44)
    bar.show_problem("This scan could not be saved: the local database is not writable: disk I/O error.")
    qtbot.wait(20)
    assert bar.problem in bar.shown_items() and bar.problem.text().endswith("…")
    assert bar.problem.geometry().right() < bar.width()
    assert bar.problem.toolTip().endswith("disk I/O error.")
    assert bar.minimumSizeHint() == empty_hint


def test_a_station_only_platform_says_check_ins_are_kept_on_this_station(qtbot: QtBot) -> None:
    widget = StatusBar(station_only=True)
    qtbot.addWidget(widget)
    widget.resize(1280, 44)
    widget.show()
    widget.update_status(snapshot(queued=12))
    assert widget.said(widget.queued) == "Check-ins kept on this station: 12"
    assert widget.queued in widget.shown_items() and "Queued" not in widget.queued.text()
    assert "stay on this station" in widget.queued.toolTip()
    widget.update_status(snapshot(queued=0))
    assert widget.said(widget.queued) == "Check-ins kept on this station: 0"


def test_a_platform_that_takes_uploads_still_shows_its_queue(bar: StatusBar) -> None:
    bar.update_status(snapshot(queued=12))
    assert bar.said(bar.queued) == "Queued 12"
