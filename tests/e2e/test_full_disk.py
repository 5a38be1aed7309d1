"""A station whose disk fills up mid-event: each failed scan says so in one line, and nothing saved is lost.

The "full disk" is real: `kiosk scan` processes run with RLIMIT_FSIZE at the size of the mirror, so the
kernel refuses every write past it (EFBIG), whichever file SQLite is growing: WAL, journal or database.
"""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.platforms.invitario.emulator.changes import history
from kiosk.platforms.invitario.emulator.run import ServerThread
from kiosk.storage import Store
from tests.e2e.procs import API_KEY, EVENT_ID, child_env, kiosk, kiosk_json

pytestmark = pytest.mark.slow


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(tmp_path / "server.sqlite3", event_id=EVENT_ID, api_key=API_KEY, guests=300, seed=11) as srv:
        yield srv


def scan_on_a_full_disk(data_dir: Path, code: str, limit: int) -> subprocess.CompletedProcess[str]:
    def fill_the_disk() -> None:  # runs in the child just before exec
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a refused write is an error, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "scan", code, "--json"],
                          capture_output=True, text=True, timeout=60, env=child_env(), preexec_fn=fill_the_disk)


def test_scans_on_a_full_disk_fail_cleanly_and_the_saved_ones_all_reach_the_server(
    server: ServerThread, tmp_path: Path, summary_line: Callable[[str], None]
) -> None:
    data_dir = tmp_path / "station"
    assert kiosk(data_dir, "configure", "--server", server.url, "--event-id", EVENT_ID, "--api-key", API_KEY,
                 "--station", "Full").returncode == 0
    assert kiosk(data_dir, "sync", "--once").returncode == 0
    limit = (data_dir / "kiosk.sqlite3").stat().st_size
    saved: list[str] = []
    failed: list[subprocess.CompletedProcess[str]] = []
    for code in server.sample_codes(150):
        result = scan_on_a_full_disk(data_dir, code, limit)
        if result.returncode == 0:
            saved.append(code)
        else:
            failed.append(result)
            if len(failed) == 3:
                break

    assert saved and len(failed) == 3, f"{len(saved)} saved, {len(failed)} failed"
    for result in failed:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("kiosk: writing the local database failed"), result.stderr
        assert result.returncode == 1 and result.stdout == ""

    # Room again: every scan that was reported saved is queued, none of the failed ones is.
    status = kiosk_json(data_dir, "status")
    assert status["queued"] == len(saved) and status["scans"] == len(saved)
    with Store.open(data_dir / "kiosk.sqlite3") as store:
        assert store.integrity_check() == "ok"
    assert kiosk(data_dir, "sync", "--once").returncode == 0
    applied = Counter(row["stationName"] for row in history(server.store))
    assert applied == {"Full": len(saved)}
    assert kiosk_json(data_dir, "status")["queued"] == 0
    summary_line(f"full disk: saved={len(saved)} refused={len(failed)} uploaded={applied['Full']} lost=0 integrity=ok")
