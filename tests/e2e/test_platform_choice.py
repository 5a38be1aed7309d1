"""`kiosk configure --platform` and `kiosk status`: the platform is part of a station's settings."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.platforms.invitario.emulator.run import ServerThread
from tests.e2e.procs import API_KEY, EVENT_ID, child_env, kiosk_json


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(tmp_path / "server.sqlite3", event_id=EVENT_ID, api_key=API_KEY, guests=5, seed=1) as srv:
        yield srv


def configure(data_dir: Path, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    args = ["configure", "--server", url, "--event-id", EVENT_ID, "--api-key", API_KEY, "--station", "Door"]
    return subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args, *extra],
                          capture_output=True, text=True, timeout=120, env=child_env())


@pytest.mark.parametrize(("name", "says"), [
    ("eventbrite", "kiosk does not know the platform 'eventbrite'; it knows: invitario, plandocket, webkasa, "
                   "conferences-io, pretix."),
])
def test_a_platform_kiosk_cannot_use_is_one_line_and_saves_nothing(
    name: str, says: str, server: ServerThread, tmp_path: Path
) -> None:
    result = configure(tmp_path / "station", server.url, "--platform", name)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "invitario" in lines[0], result.stderr
    assert not (tmp_path / "station" / "config.json").exists()


def test_status_names_the_platform_and_where_check_ins_go(server: ServerThread, tmp_path: Path) -> None:
    station = tmp_path / "station"
    result = configure(station, server.url, "--platform", "Invitario")  # names are not case-sensitive
    assert result.returncode == 0, result.stderr
    status = kiosk_json(station, "status")
    assert status["platform"] == "invitario" and status["uploads"] == "server"


def test_configure_webkasa_checks_key_and_event_and_status_says_check_ins_stay(tmp_path: Path) -> None:
    from kiosk.platforms.webkasa.emulator import WebkasaServer, WebkasaState

    state = WebkasaState(event_id=EVENT_ID, api_key=API_KEY)
    state.generate(5)
    with WebkasaServer(state) as srv:
        station = tmp_path / "station"
        wrong = configure(station, srv.url, "--platform", "webkasa", "--api-key", "wk_live_wrong")
        assert wrong.returncode == 1 and "Webkasa refused the API key" in wrong.stderr, wrong.stderr
        assert len(wrong.stderr.strip().splitlines()) == 1 and "wk_live_wrong" not in wrong.stderr
        assert not (station / "config.json").exists()
        result = configure(station, srv.url, "--platform", "webkasa")
        assert result.returncode == 0, result.stderr
        assert state.seen[-1].query == {"limit": "1", "offset": "0"}
    status = kiosk_json(station, "status")
    assert status["platform"] == "webkasa" and status["uploads"] == "station-only"


def test_another_event_is_refused_while_webkasa_check_ins_are_kept_here_and_says_why(tmp_path: Path) -> None:
    from kiosk.platforms.webkasa.emulator import WebkasaServer, WebkasaState

    state = WebkasaState(event_id=EVENT_ID, api_key=API_KEY)
    state.generate(5)
    with WebkasaServer(state) as srv:
        station = tmp_path / "station"
        assert configure(station, srv.url, "--platform", "webkasa").returncode == 0
        assert kiosk_json(station, "sync", "--once")["ok"]
        assert kiosk_json(station, "scan", state.codes()[0])["verdict"] == "admitted"
        state.event_id = "evt_next"
        again = subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(station), "configure", "--server",
                                srv.url, "--event-id", "evt_next", "--api-key", API_KEY, "--station", "Door",
                                "--platform", "webkasa"], capture_output=True, text=True, timeout=120, env=child_env())
    assert again.returncode == 2, again.stderr
    line = again.stderr.strip()
    assert "1 check-ins of event" in line and "kept on this station only" in line and "kiosk wipe" in line
    assert "kiosk sync" not in line and len(line.splitlines()) == 1
