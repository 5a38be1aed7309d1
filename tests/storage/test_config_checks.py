"""Settings and data dirs that can never work are refused in one line; a refused wipe removes nothing."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from kiosk.storage.config import (
    ConfigError,
    StationConfig,
    check_pull_interval,
    ensure_private_dir,
    load_config,
    save_config,
    wipe_station_files,
)


@pytest.mark.parametrize("value", [0, -5, math.nan, math.inf, 0.5, 3601, "15", True, None])
def test_nonsense_pull_intervals_are_refused(value: object) -> None:
    with pytest.raises(ConfigError, match="pull interval") as raised:
        check_pull_interval(value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("value", [1, 15, 2.5, 3600])
def test_sane_pull_intervals_pass(value: float) -> None:
    assert check_pull_interval(value) == float(value)


def test_a_data_dir_below_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    for data_dir in (tmp_path / "file", tmp_path / "file" / "station"):
        with pytest.raises(ConfigError, match="is a file"):
            ensure_private_dir(data_dir)
    with pytest.raises(ConfigError, match="is a file"):
        wipe_station_files(tmp_path / "file")
    assert wipe_station_files(tmp_path / "file" / "station") == []  # nothing is stored there
    assert (tmp_path / "file").read_text() == "x"


def test_a_wipe_that_would_stop_half_way_removes_nothing(tmp_path: Path) -> None:
    save_config(tmp_path, StationConfig("https://x.example.org", "e", "s"), "key")
    (tmp_path / "kiosk.log").mkdir()  # something kiosk did not write, where one of its files goes
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ConfigError, match="Nothing was wiped"):
        wipe_station_files(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    (tmp_path / "kiosk.log").rmdir()
    assert wipe_station_files(tmp_path) == ["config.json"]
    assert list(tmp_path.iterdir()) == []


def test_a_hand_edited_pull_interval_that_is_not_a_number_is_one_line(tmp_path: Path) -> None:
    save_config(tmp_path, StationConfig("https://x.example.org", "e", "s"), "key")
    raw = json.loads((tmp_path / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**raw, "pull_interval_s": "fast"}))
    with pytest.raises(ConfigError, match="pull_interval_s"):
        load_config(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({**raw, "pull_interval_s": 0}))
    assert load_config(tmp_path).pull_interval_s == 0  # a number: the sync loop keeps it within bounds
