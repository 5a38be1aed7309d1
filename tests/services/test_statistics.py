"""The door manager's figures: people inside and arrived (companions counted), no-shows, refusals, the curve."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.cli import main
from kiosk.domain import Mode
from kiosk.domain.models import Admission, Guest
from kiosk.domain.timeutil import TIME_NOT_KNOWN
from kiosk.services.checkin import CheckIn
from kiosk.services.statistics import as_json, statistics
from kiosk.storage import Store
from kiosk.storage.config import StationConfig, mirror_path, save_config

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


def guests() -> list[Guest]:
    ok = Admission.ADMISSIBLE
    return [
        Guest("party", access_code="PARTY", admission=ok, name="Party of three", companion_count=2),
        Guest("solo", access_code="SOLO", admission=ok, name="Solo"),
        Guest("late", access_code="LATE", admission=ok, name="Not here yet"),
        Guest("pending", access_code="PEND", admission=Admission.NOT_CONFIRMED, name="Unconfirmed"),
        # Admitted at another door: the platform's listing says so.
        Guest("south", access_code="SOUTH", admission=ok, name="Came in South", check_in=T0 + timedelta(minutes=50),
              check_in_station="South"),
        Guest("side", access_code="SIDE", admission=ok, name="Own desk", check_in=T0 + timedelta(minutes=51)),
        Guest("gone", access_code="GONE", admission=ok, name="Removed", deleted=T0),
    ]


def door(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "station.sqlite3")
    store.apply_pull_page(guests(), cursor="listed")
    clock = iter([T0 + timedelta(minutes=5), T0 + timedelta(minutes=20), T0 + timedelta(minutes=21),
                  T0 + timedelta(minutes=22), T0 + timedelta(minutes=23)])
    checkin = CheckIn(store, "North", clock=lambda: next(clock))
    checkin.scan("PARTY", Mode.CHECK_IN)  # 09:05
    checkin.record_companions("party", 1)
    checkin.scan("SOLO", Mode.CHECK_IN)  # 09:20
    checkin.scan("PEND", Mode.CHECK_IN)  # refused: not confirmed
    checkin.scan("GONE", Mode.CHECK_IN)  # refused: removed from the list
    checkin.scan("NOBODY", Mode.CHECK_IN)  # unknown
    return store


def test_the_figures_count_people_and_tell_this_station_from_the_others(tmp_path: Path) -> None:
    stats = statistics(door(tmp_path), BERLIN)
    # Inside: the party's registrant and the one companion who came, Solo, South's guest and the desk's.
    assert (stats.inside, stats.checked_in, stats.total) == (5, 5, 8)
    assert stats.no_shows == 1  # "late"; the unconfirmed one may not come in, the removed one is gone
    assert (stats.refused, stats.unknown) == (2, 1)
    # North's own from its outbox, South's as the platform names it, the desk's where it names nobody.
    assert stats.by_station == {"North": 2, "South": 1} and stats.elsewhere == 1


def test_arrivals_come_per_quarter_hour_of_local_time_with_the_quiet_quarters_shown(tmp_path: Path) -> None:
    stats = statistics(door(tmp_path), BERLIN)
    assert [(f"{when:%H:%M}", people) for when, people in stats.arrivals] == [
        ("09:00", 2), ("09:15", 1), ("09:30", 0), ("09:45", 2),
    ]
    assert as_json(stats)["arrivals"][0] == {"from": "2026-12-03T09:00:00+01:00", "people": 2}


def test_an_empty_station_has_figures_too(tmp_path: Path) -> None:
    stats = statistics(Store.open(tmp_path / "empty.sqlite3"), BERLIN)
    assert (stats.inside, stats.total, stats.arrivals, stats.by_station) == (0, 0, [], {})


def test_kiosk_stats_prints_the_same_figures_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "station"
    save_config(data, StationConfig(server_url="http://127.0.0.1:9", event_id="ev", station="North"), "key")
    store = Store.open(mirror_path(data))
    store.apply_pull_page(guests(), cursor="listed")
    store.close()
    assert main(["--data-dir", str(data), "stats", "--json", "--timezone", "Europe/Berlin"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["inside"], figures["total"], figures["no_shows"], figures["elsewhere"]) == (2, 8, 3, 1)
    assert figures["by_station"] == {"South": 1}
    assert main(["--data-dir", str(data), "stats", "--timezone", "Europe/Berlin"]) == 0
    said = capsys.readouterr().out
    assert "inside now: 2" in said and "checked in at South: 1" in said
    assert "checked in elsewhere (no station named): 1" in said


def test_a_check_in_without_a_time_counts_as_arrived_but_in_no_quarter(tmp_path: Path) -> None:
    store = door(tmp_path)
    store.apply_pull_page([Guest("attended", admission=Admission.ADMISSIBLE, check_in=TIME_NOT_KNOWN)], cursor="x")
    stats = statistics(store, BERLIN)
    assert stats.inside == 6 and sum(people for _, people in stats.arrivals) == 5
    assert stats.arrivals[0][0].year == 2026
