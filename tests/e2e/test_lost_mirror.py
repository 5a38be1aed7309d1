"""A station's mirror that is gone (emptied by a file-system crash, deleted) is said so, and status creates none."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.platforms.invitario.emulator.run import ServerThread
from tests.e2e.procs import API_KEY, EVENT_ID, kiosk, kiosk_json

pytestmark = pytest.mark.slow

MIRROR = "kiosk.sqlite3"


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(tmp_path / "server.sqlite3", event_id=EVENT_ID, api_key=API_KEY, guests=30, seed=3) as srv:
        yield srv


def configure(data_dir: Path, url: str) -> None:
    done = kiosk(
        data_dir, "configure", "--server", url, "--event-id", EVENT_ID, "--api-key", API_KEY, "--station", "Lost"
    )
    assert done.returncode == 0, done.stderr


def test_status_of_a_station_that_never_synced_creates_no_database(server: ServerThread, tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    configure(data_dir, server.url)
    before = sorted(p.name for p in data_dir.iterdir())
    status = kiosk_json(data_dir, "status")
    assert (status["station"], status["guests"], status["queued"], status["last_sync"]) == ("Lost", 0, 0, None)
    assert kiosk(data_dir, "status").returncode == 0
    assert sorted(p.name for p in data_dir.iterdir()) == before
    assert MIRROR not in before


@pytest.mark.parametrize("how", ["emptied", "deleted"])
def test_a_lost_mirror_is_reported_in_one_line_and_wipe_starts_again(
    server: ServerThread, tmp_path: Path, how: str
) -> None:
    data_dir = tmp_path / "station"
    configure(data_dir, server.url)
    assert kiosk_json(data_dir, "sync", "--once")["ok"]
    code = server.sample_codes(1)[0]
    assert kiosk_json(data_dir, "scan", code)["queued"]
    mirror = data_dir / MIRROR
    for journal in (data_dir / f"{MIRROR}-wal", data_dir / f"{MIRROR}-shm"):
        journal.unlink(missing_ok=True)
    if how == "emptied":
        os.truncate(mirror, 0)
    else:
        mirror.unlink()

    for args in (("status",), ("status", "--json"), ("scan", code), ("sync", "--once")):
        done = kiosk(data_dir, *args)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert done.stdout == ""
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "this station had one" in lines[0] and "kiosk wipe" in lines[0], done.stderr
        assert "Traceback" not in done.stderr
    # Nothing was made in its place: the evidence stays as it was found.
    assert (mirror.stat().st_size == 0) if how == "emptied" else not mirror.exists()

    assert kiosk(data_dir, "wipe", "--yes").returncode == 0
    configure(data_dir, server.url)
    assert kiosk_json(data_dir, "sync", "--once")["ok"]
    assert kiosk_json(data_dir, "status")["guests"] == 30
