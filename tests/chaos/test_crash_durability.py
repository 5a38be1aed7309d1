"""SIGKILL during bulk sync writes and during scan bursts: the mirror stays intact and honest, no scan is lost.

Each iteration kills real processes at a random moment, then opens the station's database and checks:
SQLite's integrity check (and the search index), a cursor that never runs ahead of the rows it covers
(every server guest last changed at or before the cursor is in the mirror at least that new), and that
every scan reported as queued is still queued or uploaded. Odd iterations kill a first full sync of a
few thousand guests; even ones kill a burst of scans (the workload process and `kiosk scan`), with a
`kiosk sync --once` running against the same file most of the time.

At the end every reported change must be on the server exactly once. KIOSK_CRASH_ITERATIONS (default 50)
sets the number of iterations; KIOSK_CRASH_SEED the seed.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kiosk.domain.timeutil import parse_time
from kiosk.storage import Store
from kiosk.storage.config import mirror_path
from tests.chaos import oracle
from tests.chaos.stations import WORKLOAD, Processes, Run
from tests.e2e.procs import ServerProcess, configure, kiosk_json

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

ITERATIONS = int(os.environ.get("KIOSK_CRASH_ITERATIONS", "50"))
SEED = int(os.environ.get("KIOSK_CRASH_SEED", "20261122"))
GUESTS = 6000
KILLS_PER_BULK_STATION = 3


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path / "server.sqlite3", guests=GUESTS).start()
    yield proc
    proc.stop()


@pytest.fixture
def procs(tmp_path: Path) -> Iterator[Processes]:
    group = Processes(tmp_path / "logs")
    yield group
    group.close()


def server_updates(server: ServerProcess) -> dict[str, Any]:
    """Every guest's serverUpdateDateTime, read from the server's own file (read-only)."""
    conn = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    try:
        return {gid: parse_time(text) for gid, text in conn.execute("SELECT id, server_update FROM guests")}
    finally:
        conn.close()


def check_station(data_dir: Path, server: ServerProcess, reported: dict[str, str]) -> tuple[int, bool]:
    """The per-kill checks; returns (guests mirrored, cursor set)."""
    with Store.open(mirror_path(data_dir)) as store:
        assert store.integrity_check() == "ok"
        # The Invitario connector's cursor is the server's time of the listing it completed.
        cursor = parse_time(store.sync_state().cursor)
        if cursor is not None:
            # The cursor moves with the rows it covers: nothing changed by then may be missing or older.
            for guest_id, updated in server_updates(server).items():
                if updated <= cursor:
                    guest = store.get_guest(guest_id)
                    assert guest is not None, f"cursor {cursor} ran ahead of guest {guest_id}"
                    assert guest.server_update is not None and guest.server_update >= updated, guest_id
        conflicts = {c.change.change_id for c in store.conflicts(include_acknowledged=True)}
        for change_id, guest_id in reported.items():
            held = {c.change_id for c in store.local_changes_for(guest_id, 1_000_000)}
            # Held and not a conflict means queued or uploaded (a station alone never loses a race).
            assert change_id in held and change_id not in conflicts, change_id
        return store.counts()["guests"], cursor is not None


def kill_at(procs: Processes, runs: list[tuple[float, Run]]) -> None:
    """SIGKILL each run at its moment (monotonic time) unless it has ended by then."""
    for moment, run in sorted(runs, key=lambda item: item[0]):
        try:
            run.proc.wait(max(0.0, moment - time.monotonic()))
        except subprocess.TimeoutExpired:
            procs.kill(run)
        else:
            procs.finish(run)


def kill_while_writing(procs: Processes, run: Run, data_dir: Path, delay: float) -> bool:
    """SIGKILL `delay` seconds after the mirror's write-ahead log starts to grow by pages of guests;
    True if the kill hit the process after the writing had begun."""
    wal = Path(str(mirror_path(data_dir)) + "-wal")
    before = wal.stat().st_size if wal.exists() else 0
    deadline = time.monotonic() + 60
    writing = False
    while run.proc.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > before + 200_000:  # the schema alone is ~100 kB
            writing = True
            break
        time.sleep(0.002)
    kills = procs.kills
    kill_at(procs, [(time.monotonic() + delay, run)])
    return writing and procs.kills > kills


def _read_lines(run: Run, lines: list[str], started: threading.Event) -> None:
    assert run.proc.stdout is not None
    for line in run.proc.stdout:
        lines.append(line)
        started.set()
    started.set()


def fresh_station(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    for suffix in ("", "-wal", "-shm"):
        Path(str(mirror_path(target)) + suffix).unlink(missing_ok=True)
    return target


@dataclass
class Scans:
    """The scan station: what its doors reported as queued, by change id (-> guest id)."""

    data_dir: Path
    codes: list[str]
    reported: dict[str, str] = field(default_factory=dict)
    bursts_with_reports: int = 0

    def burst(self, procs: Processes, rng: random.Random, tmp: Path, n: int) -> None:
        """A workload scanning as fast as it can, killed soon after its first scan; beside it a `kiosk
        scan` and, most of the time, a `kiosk sync --once`, each killed at a random moment."""
        plan = tmp / f"burst-{n}.json"
        plan.write_text(json.dumps([[rng.choice(self.codes), "toggle"] for _ in range(2000)]))
        kiosk_args = [sys.executable, "-m", "kiosk", "--data-dir", str(self.data_dir)]
        workload_args = [sys.executable, str(WORKLOAD), "--data-dir", str(self.data_dir), "--plan", str(plan)]
        workload = procs.spawn("scan.workload", workload_args, stdout=subprocess.PIPE)
        lines: list[str] = []
        scanning = threading.Event()
        workload.reader = threading.Thread(target=_read_lines, args=(workload, lines, scanning), daemon=True)
        workload.reader.start()
        now = time.monotonic()
        cli_args = [*kiosk_args, "scan", rng.choice(self.codes), "--mode", "toggle", "--json"]
        cli = procs.spawn("scan.cli", cli_args, stdout=subprocess.PIPE)
        others = [(now + rng.uniform(0.25, 0.7), cli)]
        if rng.random() < 0.7:
            others.append((now + rng.uniform(0.2, 1.0), procs.spawn("scan.sync", [*kiosk_args, "sync", "--once"])))
        kill_at(procs, others)
        scanning.wait(30)
        kill_at(procs, [(time.monotonic() + rng.uniform(0.0, 0.5), workload)])
        self.bursts_with_reports += self.collect("".join(lines)) > 0
        self.collect(procs.output(cli))

    def collect(self, output: str) -> int:
        """The lines a killed or finished scan process printed (each a verdict a guest saw); how many queued."""
        reports = 0
        for line in output.splitlines():
            try:
                answer = json.loads(line)
            except ValueError:
                continue  # a line cut by SIGKILL was never shown to anyone
            if answer.get("change_id"):
                self.reported[answer["change_id"]] = answer.get("guest_id") or answer["guest"]["id"]
                reports += 1
        return reports


def test_sigkill_during_bulk_sync_and_scan_bursts(
    tmp_path: Path, server: ServerProcess, procs: Processes, summary_line: Callable[[str], None]
) -> None:
    rng = random.Random(SEED)
    print(f"\ncrash: seed={SEED} (KIOSK_CRASH_SEED) iterations={ITERATIONS} (KIOSK_CRASH_ITERATIONS)")
    template = tmp_path / "template"
    configure(template, server, "Bulk")
    total = server.admin("GET", "/admin/stats")["guests"]
    calibration = fresh_station(template, tmp_path / "calibration")
    started = time.monotonic()
    assert kiosk_json(calibration, "sync", "--once")["ok"]
    full_time = time.monotonic() - started

    scans = Scans(tmp_path / "scan", server.admin("GET", "/admin/sample-codes", params={"n": 200})["codes"])
    configure(scans.data_dir, server, "Burst")
    assert kiosk_json(scans.data_dir, "sync", "--once")["ok"]

    bulk, bulk_kills, complete, partial, recovered, mid_write = None, 0, False, 0, 0, 0
    for i in range(ITERATIONS):
        if i % 2 == 0:
            # A station gets a few kills of its first sync, then must finish it: then the next one.
            if bulk is None or complete or bulk_kills == KILLS_PER_BULK_STATION:
                if bulk is not None:
                    if not complete:
                        assert kiosk_json(bulk, "sync", "--once")["ok"]
                    assert check_station(bulk, server, {}) == (total, True)
                    recovered += 1
                bulk, bulk_kills = fresh_station(template, tmp_path / f"bulk{i}"), 0
            run = procs.spawn("bulk.sync", [sys.executable, "-m", "kiosk", "--data-dir", str(bulk), "sync", "--once"])
            kills_before = procs.kills
            if i % 4 == 0:
                mid_write += kill_while_writing(procs, run, bulk, rng.uniform(0.0, 0.4))
            else:
                kill_at(procs, [(time.monotonic() + rng.uniform(0.3, 1.0) * full_time, run)])
            bulk_kills += procs.kills - kills_before
            guests, complete = check_station(bulk, server, {})
            assert guests == total or not complete
            partial += 0 < guests < total
        else:
            scans.burst(procs, rng, tmp_path, i)
            check_station(scans.data_dir, server, scans.reported)

    # Afterwards everything reaches the server, each reported change exactly once.
    for _ in range(5):
        if kiosk_json(scans.data_dir, "sync", "--once")["ok"] and kiosk_json(scans.data_dir, "status")["queued"] == 0:
            break
    assert kiosk_json(scans.data_dir, "status")["queued"] == 0
    history = oracle.server_history(server)
    known = oracle.station_changes(scans.data_dir, set(scans.reported.values()))
    lost = [
        cid
        for cid in scans.reported
        if cid not in known or history[oracle.key_of(known[cid].guest_id, known[cid].client_update)] != 1
    ]
    duplicated = sum(n - 1 for n in history.values() if n > 1)
    if bulk is not None:
        assert kiosk_json(bulk, "sync", "--once")["ok"]
        assert check_station(bulk, server, {}) == (total, True)
        recovered += 1
    summary_line(f"crash: iterations={ITERATIONS} kills={procs.kills} lost={len(lost)} integrity=ok")
    print(
        f"crash: detail: {mid_write} kills while guest pages were written, {partial} left a partial first "
        f"sync, {recovered} bulk stations completed, "
        f"{len(scans.reported)} scans reported queued in {scans.bursts_with_reports} bursts, "
        f"{duplicated} duplicated, full sync {full_time:.2f} s"
    )
    assert lost == [] and duplicated == 0
    assert procs.tracebacks() == []
    assert procs.unexpected_exits({"workload": {0}, "cli": {0}, "sync": {0}}) == []
    assert "Traceback" not in server.log.read_text()
    # The kills did land where they were meant to: inside bulk writes and after scans were reported.
    if ITERATIONS >= 20:
        assert mid_write > 0 and scans.bursts_with_reports > 0 and procs.kills >= ITERATIONS // 2
