"""Station processes for the chaos tests: a `kiosk sync` loop and a scan workload per data dir, killable."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tests.e2e.procs import child_env

WORKLOAD = Path(__file__).with_name("workload.py")


@dataclass
class Run:
    """One process incarnation: its Popen, where its stderr went, and whether a test killed it."""

    name: str
    proc: subprocess.Popen[str]
    stderr: Path
    killed: bool = False
    reader: threading.Thread | None = None
    started: float = field(default_factory=time.monotonic)


class Processes:
    """Every process a test starts, so that a finalizer can end them all even when the test fails."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        logs.mkdir(parents=True, exist_ok=True)
        self.runs: list[Run] = []
        self.kills = 0

    def spawn(self, name: str, args: list[str], *, stdout: IO[str] | int | None = None) -> Run:
        stderr = self.logs / f"{name}.{len(self.runs)}.stderr"
        with stderr.open("w") as err:
            proc = subprocess.Popen(
                args,
                stdout=stdout if stdout is not None else subprocess.DEVNULL,
                stderr=err,
                text=True,
                # A process that hangs can then be made to show where (SIGABRT dumps every thread).
                env=child_env(PYTHONFAULTHANDLER="1"),
            )
        run = Run(name, proc, stderr)
        self.runs.append(run)
        return run

    def kill(self, run: Run) -> bool:
        """SIGKILL the run if it is still going; True when the signal hit a live process."""
        if run.proc.poll() is not None:
            return False
        run.proc.send_signal(signal.SIGKILL)
        run.killed = True
        self.kills += 1
        self.finish(run)
        return True

    def finish(self, run: Run, timeout: float = 30) -> int:
        """Wait for the run to end; a piped stdout is left for its reader (thread or caller) to take."""
        code = run.proc.wait(timeout)
        if run.reader is not None:
            run.reader.join(timeout)
            if run.proc.stdout is not None:
                run.proc.stdout.close()
        return code

    def output(self, run: Run) -> str:
        """Everything a finished run without a reader thread printed."""
        assert run.proc.stdout is not None and run.reader is None
        with run.proc.stdout:
            return run.proc.stdout.read()

    def close(self) -> None:
        for run in self.runs:
            if run.proc.poll() is None:
                run.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired, OSError):
                self.finish(run, timeout=10)
            if run.proc.stdout is not None:
                run.proc.stdout.close()

    def tracebacks(self) -> list[str]:
        """Every run whose stderr shows a traceback (a crash: a kill leaves none), with the end of it."""
        return [
            f"{run.stderr.name}: {run.stderr.read_text()[-1500:]}"
            for run in self.runs
            if "Traceback" in run.stderr.read_text()
        ]

    def unexpected_exits(self, expected: dict[str, set[int]]) -> list[str]:
        """Runs that ended, were not killed, and exited with a code other than expected for their kind."""
        bad = []
        for run in self.runs:
            code = run.proc.poll()
            kind = run.name.split(".")[-1]
            if not run.killed and code is not None and code not in expected.get(kind, {0}):
                bad.append(f"{run.name} exited {code}: {run.stderr.read_text()[-800:]}")
        return bad


@dataclass
class Station:
    """One station's data dir and its two kinds of process: `kiosk sync` and the scan workload."""

    name: str
    data_dir: Path
    procs: Processes
    plan: Path
    plan_length: int
    interval: float = 0.0
    epoch: float = 0.0
    reported: list[dict[str, Any]] = field(default_factory=list)
    sync: Run | None = None
    sync_log: Path | None = None
    workload: Run | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def next_index(self) -> int:
        with self._lock:
            return max((r["i"] for r in self.reported), default=-1) + 1

    @property
    def done(self) -> bool:
        return self.next_index >= self.plan_length

    def kiosk_args(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "kiosk", "--data-dir", str(self.data_dir), *args]

    def start_sync(self) -> None:
        self.sync_log = self.procs.logs / f"{self.name}.sync.{len(self.procs.runs)}.jsonl"
        log = self.sync_log.open("w")
        try:
            self.sync = self.procs.spawn(f"{self.name}.sync", self.kiosk_args("sync", "--json"), stdout=log)
        finally:
            log.close()

    def start_workload(self) -> None:
        args = [
            sys.executable,
            str(WORKLOAD),
            "--data-dir",
            str(self.data_dir),
            "--plan",
            str(self.plan),
            "--start",
            str(self.next_index),
            "--interval",
            str(self.interval),
            "--epoch",
            str(self.epoch),
        ]
        run = self.procs.spawn(f"{self.name}.workload", args, stdout=subprocess.PIPE)
        run.reader = threading.Thread(target=self._read, args=(run,), daemon=True)
        run.reader.start()
        self.workload = run

    def _read(self, run: Run) -> None:
        assert run.proc.stdout is not None
        for line in run.proc.stdout:
            try:
                answer = json.loads(line)
            except ValueError:
                continue  # a line cut by SIGKILL was never a complete report
            answer["station"] = self.name
            with self._lock:
                self.reported.append(answer)

    def sync_running(self) -> bool:
        return self.sync is not None and self.sync.proc.poll() is None

    def workload_running(self) -> bool:
        return self.workload is not None and self.workload.proc.poll() is None

    def stop_sync(self) -> int | None:
        """Ctrl-C, as staff would stop it; the exit code (None if it was not running).

        Not while Python is still importing: Ctrl-C there is a bare KeyboardInterrupt in any program.
        So the loop gets until its first report (or a few seconds) to be up and running.
        """
        run, self.sync = self.sync, None
        if run is None or run.proc.poll() is not None:
            return None
        while time.monotonic() - run.started < 5 and run.proc.poll() is None:
            if self.sync_log is not None and self.sync_log.stat().st_size > 0:
                break
            time.sleep(0.05)
        run.proc.send_signal(signal.SIGINT)
        try:
            return self.procs.finish(run)
        except subprocess.TimeoutExpired:
            run.proc.send_signal(signal.SIGABRT)
            self.procs.finish(run)
            raise AssertionError(f"{run.name} ignored Ctrl-C; its threads: {run.stderr.read_text()[-6000:]}") from None

    def queued_reports(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r for r in self.reported if r["change_id"]]


@dataclass
class Neighbour:
    """Staff at a terminal beside one station: `kiosk status` and `kiosk scan` processes on its data dir.

    Each is a new process that opens and closes the mirror while the station's own processes hold it
    open, which is when a station that had lost its SQLite locks would lose its WAL. A scan it reports
    queued counts like the door's; `client_update` is looked up in the station's outbox afterwards.
    """

    station: Station
    codes: list[str]
    rng: Any
    pause: float = 1.0
    reported: list[dict[str, Any]] = field(default_factory=list)
    runs: dict[str, int] = field(default_factory=lambda: {"status": 0, "scan": 0, "refused": 0})
    problems: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(180)

    def _run(self) -> None:
        while not self._stop.wait(self.rng.uniform(0.5, 1.5) * self.pause):
            if self.rng.random() < 0.5:
                self._status()
            else:
                self._scan(self.rng.choice(self.codes))

    def _kiosk(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            self.station.kiosk_args(*args), capture_output=True, text=True, timeout=120, env=child_env()
        )
        if "Traceback" in done.stderr:
            self.problems.append(f"{args}: {done.stderr[-1500:]}")
        return done

    def _status(self) -> None:
        done = self._kiosk("status", "--json")
        self.runs["status"] += 1
        if done.returncode != 0:
            self.problems.append(f"status exited {done.returncode}: {done.stderr.strip()}")

    def _scan(self, code: str) -> None:
        done = self._kiosk("scan", code, "--mode", "toggle", "--json")
        self.runs["scan"] += 1
        if done.returncode == 1 and done.stdout == "" and len(done.stderr.strip().splitlines()) == 1:
            self.runs["refused"] += 1  # not saved (the mirror was busy too long): said so, nothing queued
            return
        if done.returncode != 0:
            self.problems.append(f"scan exited {done.returncode}: {done.stderr.strip()}")
            return
        answer = json.loads(done.stdout.strip().splitlines()[-1])
        guest = answer["guest"]
        self.reported.append(
            {
                "station": self.station.name,
                "code": code,
                "verdict": answer["verdict"],
                "guest_id": guest["id"] if guest else None,
                "change_id": answer["change_id"],
                "client_update": None,
            }
        )

    def queued_reports(self) -> list[dict[str, Any]]:
        return [r for r in self.reported if r["change_id"]]
