"""SIGKILL of `kiosk scan` and `kiosk sync` at random moments loses no queued change and no integrity."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.storage import Store
from kiosk.storage.config import mirror_path
from tests.e2e.procs import ServerProcess, child_env, configure, kiosk, kiosk_json

pytestmark = pytest.mark.slow

ITERATIONS = int(os.environ.get("KIOSK_KILL_ITERATIONS", "24"))


def spawn(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())


def kill_after(proc: subprocess.Popen[str], delay: float) -> tuple[bool, str]:
    """Let the process run `delay` seconds, then SIGKILL it; (finished on its own, stdout)."""
    try:
        out, _ = proc.communicate(timeout=delay)
        return proc.returncode == 0, out
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        return False, ""


def timed(data_dir: Path, *args: str) -> float:
    start = time.monotonic()
    assert kiosk(data_dir, *args).returncode == 0
    return time.monotonic() - start


def applied_on_server(server: ServerProcess) -> list[tuple[str, str]]:
    rows = server.admin("GET", "/admin/history")
    rows = rows["history"] if isinstance(rows, dict) else rows
    return [(r.get("guestId") or r["guest_id"],
             r.get("clientUpdateDateTime") or r["client_update"]) for r in rows]


def test_sigkill_scan_and_sync_loses_nothing(tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("KIOSK_KILL_SEED", "20261122")))
    server = ServerProcess(tmp_path / "server.sqlite3", guests=1500).start()
    try:
        station = tmp_path / "station"
        configure(station, server, "Killer")
        assert kiosk_json(station, "sync", "--once")["ok"]
        codes = server.admin("GET", "/admin/sample-codes", params={"n": 40})
        codes = codes["codes"] if isinstance(codes, dict) else codes
        scan_time = timed(station, "scan", codes[0], "--mode", "toggle")
        sync_time = timed(station, "sync", "--once")

        reported: dict[str, str] = {}  # change id -> guest id, for every scan that said "queued"
        kills = 0
        for _ in range(ITERATIONS):
            scan = spawn(station, "scan", rng.choice(codes), "--mode", "toggle", "--json")
            sync = spawn(station, "sync", "--once") if rng.random() < 0.6 else None
            finished, out = kill_after(scan, rng.uniform(0.6, 1.25) * scan_time)
            kills += not finished
            if finished:
                answer = json.loads(out)
                if answer["queued"]:
                    reported[answer["change_id"]] = answer["guest"]["id"]
            if sync is not None:
                kills += not kill_after(sync, rng.uniform(0.0, sync_time * 1.3))[0]
            with Store.open(mirror_path(station)) as store:
                assert store.integrity_check() == "ok"
                for change_id, guest_id in reported.items():
                    assert change_id in {c.change_id for c in store.local_changes_for(guest_id, 500)}

        for _ in range(3):
            if kiosk_json(station, "sync", "--once")["ok"] and kiosk_json(station, "status")["queued"] == 0:
                break
        assert kiosk_json(station, "status")["queued"] == 0
        on_server = applied_on_server(server)
        with Store.open(mirror_path(station)) as store:
            mine = {c.change_id: c for g in set(reported.values()) for c in store.local_changes_for(g, 500)}
        from kiosk.domain.timeutil import parse_time

        history = [(g, parse_time(t)) for g, t in on_server]
        for change_id in reported:
            change = mine[change_id]
            assert history.count((change.guest_id, change.client_update)) == 1, change_id
        print(f"\nkill loop: {ITERATIONS} rounds, {kills} kills, {len(reported)} scans reported queued, "
              f"0 lost, {len(history) - len(set(history))} duplicated")
        assert kills > 0 and reported
    finally:
        server.stop()


def test_sigkill_during_first_full_sync_keeps_cursor_honest(tmp_path: Path) -> None:
    rng = random.Random(7)
    server = ServerProcess(tmp_path / "server.sqlite3", guests=6000).start()
    try:
        template = tmp_path / "template"
        configure(template, server, "Bulk")
        total = server.admin("GET", "/admin/stats")["guests"]
        full_time = timed(template, "sync", "--once")
        for i in range(6):
            station = tmp_path / f"station{i}"
            shutil.copytree(template, station)
            mirror_path(station).unlink()
            for suffix in ("-wal", "-shm"):
                Path(str(mirror_path(station)) + suffix).unlink(missing_ok=True)
            for _ in range(3):
                kill_after(spawn(station, "sync", "--once"), rng.uniform(0.1, full_time))
                with Store.open(mirror_path(station)) as store:
                    assert store.integrity_check() == "ok"
                    state, counts = store.sync_state(), store.counts()
                    # The cursor is written with the last rows: set means every row is there.
                    assert state.cursor is None or counts["guests"] == total
            assert kiosk_json(station, "sync", "--once")["ok"]
            assert kiosk_json(station, "status")["guests"] == total
    finally:
        server.stop()
