"""The running window keeps its check-ins while `kiosk status`, `scan` and `sync` processes open its mirror.

The window holds two connections to the mirror (scans on the Qt thread, sync in a worker). Opening the
second one must not cost the first its SQLite locks: without them, the next CLI process to close the
database believes it is the last one, checkpoints and deletes the WAL the window still writes into, and
every check-in after that lives only in a deleted file until the window is killed.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.storage.config import mirror_path
from tests.e2e.procs import ServerProcess, child_env, configure, kiosk, kiosk_json

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

DOOR = Path(__file__).with_name("window_door.py")
ROUNDS = 4


class Window:
    """tests/e2e/window_door.py: the real window, offscreen, driven by lines on its stdin."""

    def __init__(self, data_dir: Path, log: Path) -> None:
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, str(DOOR), "--data-dir", str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env=child_env(),
        )
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.pid = self.next(60)["ready"]

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))

    def next(self, timeout: float = 30) -> dict[str, Any]:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the window did not answer in {timeout} s (exit {self.proc.poll()})") from None

    def ask(self, command: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.next()

    def deleted_journals(self) -> list[str]:
        """The window's open descriptors of mirror files that are no longer in the directory."""
        found = []
        fd_dir = Path(f"/proc/{self.pid}/fd")
        for fd in fd_dir.iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue  # closed meanwhile
            if "kiosk.sqlite3" in target and target.endswith("(deleted)"):
                found.append(target)
        return found

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self.log.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path / "server.sqlite3", guests=80, seed=11).start()
    yield proc
    proc.stop()


def outbox_states(data_dir: Path) -> dict[str, str]:
    conn = sqlite3.connect(f"file:{mirror_path(data_dir)}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT change_id, state FROM outbox").fetchall())
    finally:
        conn.close()


def integrity(data_dir: Path) -> str:
    conn = sqlite3.connect(f"file:{mirror_path(data_dir)}?mode=ro", uri=True)
    try:
        return "\n".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def test_a_killed_window_keeps_every_queued_scan_while_cli_processes_come_and_go(
    tmp_path: Path, server: ServerProcess
) -> None:
    data_dir = tmp_path / "station"
    configure(data_dir, server, "Door")
    assert kiosk_json(data_dir, "sync", "--once")["ok"]
    codes = server.admin("GET", "/admin/sample-codes", params={"n": 3 * ROUNDS})["codes"]
    window = Window(data_dir, tmp_path / "window.stderr")
    reported: dict[str, str] = {}  # change id -> who reported it queued
    deleted: list[str] = []
    disagreements: list[str] = []
    try:
        server.stop()  # the venue Wi-Fi dies: every scan from now on queues
        for i in range(ROUNDS):
            at_window = window.ask(f"scan {codes[3 * i]}")
            assert at_window["change_id"], at_window
            reported[at_window["change_id"]] = "window"
            kiosk_json(data_dir, "status")  # staff look at the queue from a terminal beside the window
            deleted += window.deleted_journals()
            scanned = kiosk_json(data_dir, "scan", codes[3 * i + 1])
            assert scanned["queued"], scanned
            reported[scanned["change_id"]] = "kiosk scan"
            deleted += window.deleted_journals()
            assert kiosk(data_dir, "sync", "--once").returncode == 1  # offline: nothing moves, nothing lost
            deleted += window.deleted_journals()
            at_window = window.ask(f"scan {codes[3 * i + 2]}")
            assert at_window["change_id"], at_window
            reported[at_window["change_id"]] = "window"
            # The window's status bar and a new process agree on the queue.
            shown = window.ask("status")["queued"]
            counted = kiosk_json(data_dir, "status")["queued"]
            deleted += window.deleted_journals()
            if (shown, counted) != (len(reported), len(reported)):
                disagreements.append(f"round {i}: {len(reported)} queued, window shows {shown}, status {counted}")
    finally:
        window.kill()

    states = outbox_states(data_dir)
    missing = sorted(f"{who} {cid}" for cid, who in reported.items() if states.get(cid) not in ("queued", "done"))
    assert missing == [], f"queued scans gone after the window's SIGKILL: {missing}"
    assert integrity(data_dir) == "ok"
    assert deleted == [], f"the window wrote into deleted journal files: {sorted(set(deleted))}"
    assert disagreements == []
    assert kiosk_json(data_dir, "status")["queued"] == len(reported)

    server.start()
    assert kiosk_json(data_dir, "sync", "--once")["ok"]
    assert set(outbox_states(data_dir).values()) == {"done"}
    uploaded = server.admin("GET", "/admin/history")["history"]
    assert len(uploaded) == len(reported)
