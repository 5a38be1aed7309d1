"""Real processes for end-to-end tests: the reference server and the `kiosk` CLI, on 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

EVENT_ID = "e2e-event"
API_KEY = "e2e-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update({"QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}, **extra)
    return env


class ServerProcess:
    """`python -m kiosk.platforms.invitario.emulator` as a real subprocess; stop/start keeps its database."""

    def __init__(self, db: Path, *, port: int | None = None, guests: int = 200, seed: int = 7,
                 extra: tuple[str, ...] = ()) -> None:
        self.db, self.port, self.guests, self.seed, self.extra = db, port or free_port(), guests, seed, extra
        self.proc: subprocess.Popen[str] | None = None
        self.log = db.with_suffix(".log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        args = [sys.executable, "-m", "kiosk.platforms.invitario.emulator",
                "--host", "127.0.0.1", "--port", str(self.port),
                "--db", str(self.db), "--guests", str(self.guests), "--seed", str(self.seed),
                "--event-id", EVENT_ID, "--api-key", API_KEY, *self.extra]
        out = self.log.open("a")
        self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, text=True, env=child_env())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start in 60 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        with httpx.Client(base_url=self.url, trust_env=False, timeout=30) as client:
            response = client.request(method, path, headers={"X-Admin-Key": API_KEY}, **kwargs)
            response.raise_for_status()
            return response.json()


def kiosk(data_dir: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=timeout, env=child_env())


def kiosk_json(data_dir: Path, *args: str) -> Any:
    result = kiosk(data_dir, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def configure(data_dir: Path, server: ServerProcess, station: str) -> None:
    result = kiosk(data_dir, "configure", "--server", server.url, "--event-id", EVENT_ID,
                   "--api-key", API_KEY, "--station", station)
    assert result.returncode == 0, result.stderr
