"""Set-up for the benchmark: the reference server in its own process, station data dirs, sample guests."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from kiosk.storage.config import mirror_path

EVENT_ID = "bench"
API_KEY = "bench-key"
STATION = "Bench station"
SERVER_START_S = 600.0
# Every child and this process keep the key in a file in the (temporary) data dir, never in the
# user's OS keyring; and draw offscreen.
CHILD_ENV = {"KIOSK_NO_KEYRING": "1", "QT_QPA_PLATFORM": "offscreen"}


class BenchError(Exception):
    """Set-up or a measurement failed; the message says what happened."""


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(CHILD_ENV)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env.pop(name, None)
    return env


class ServerProcess:
    """`python -m kiosk.platforms.invitario.emulator` with `guests` generated guests, on a free loopback port."""

    def __init__(self, work: Path, guests: int) -> None:
        self.db = work / "server.sqlite3"
        self.guests = guests
        self.url = ""
        self.started_in = 0.0
        self._proc: subprocess.Popen[str] | None = None
        self._errors: list[str] = []

    def start(self) -> ServerProcess:
        command = [sys.executable, "-m", "kiosk.platforms.invitario.emulator",
                   "--db", str(self.db), "--guests", str(self.guests),
                   "--port", "0", "--host", "127.0.0.1", "--event-id", EVENT_ID, "--api-key", API_KEY]
        began = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=child_env())
        self._proc = proc
        assert proc.stderr is not None and proc.stdout is not None
        threading.Thread(target=self._drain, args=(proc.stderr,), daemon=True).start()
        line = _read_line(proc, SERVER_START_S)
        found = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        if found is None:
            self.stop()
            raise BenchError(f"the reference server did not start: {line.strip() or self.errors()}")
        self.url = found.group(1)
        self.started_in = time.perf_counter() - began
        return self

    def _drain(self, stream: Any) -> None:
        for line in stream:
            self._errors.append(line.rstrip())

    def errors(self) -> str:
        return " / ".join(self._errors[-5:]) or "no message"

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)

    def admin(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"X-Admin-Key": API_KEY}, trust_env=False, timeout=120)


def _read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    """The child's first line of output, or "" if it ended or took longer than `timeout`."""
    box: list[str] = []
    assert proc.stdout is not None
    reader = threading.Thread(target=lambda: box.append(proc.stdout.readline() if proc.stdout else ""),
                              daemon=True)
    reader.start()
    reader.join(timeout)
    return box[0] if box else ""


def copy_station(source: Path, target: Path) -> Path:
    """A fresh data dir holding the same station (config, key and mirror if any)."""
    shutil.copytree(source, target)
    return target


@dataclass(frozen=True)
class SampleGuest:
    id: str
    code: str
    name: str
    sort_name: str


def sample_guests(data_dir: Path) -> list[SampleGuest]:
    """Guests a scan admits (registered, not deleted, not inside, with a code), in list order."""
    conn = sqlite3.connect(f"file:{mirror_path(data_dir)}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT id, access_code, coalesce(name, ''), coalesce(sort_name, '') FROM guests "
            "WHERE deleted IS NULL AND admission = 'admissible' AND check_in IS NULL "
            "AND access_code IS NOT NULL ORDER BY rid"
        ).fetchall()
    finally:
        conn.close()
    return [SampleGuest(*row) for row in rows]


def split(items: Sequence[Any], wanted: Sequence[int]) -> list[list[Any]]:
    """Consecutive slices of the wanted sizes, all shrunk in proportion when there are too few items."""
    total = sum(wanted)
    scale = min(1.0, len(items) / total) if total else 1.0
    out, start = [], 0
    for size in wanted:
        take = max(1, int(size * scale)) if items else 0
        out.append(list(items[start : start + take]))
        start += take
    return out
