"""The chaos run's timetable: scan plans, fault episodes, station kills and restarts, from one seeded RNG."""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.chaos.fault_proxy import FaultProxy
from tests.chaos.stations import Processes, Station
from tests.e2e.procs import ServerProcess

MIXED_MODES = {"toggle": 8, "check-in": 1, "check-out": 1}


def make_plans(
    rng: random.Random, codes: list[str], length: int, modes: dict[str, int] = MIXED_MODES
) -> tuple[list[list[str]], list[list[str]]]:
    """Two stations' scans; about a third are the same guest at both doors at the same moment.

    `modes`: each scan's mode, drawn with these weights.
    """
    plans: tuple[list[list[str]], list[list[str]]] = ([], [])
    for _ in range(length):
        shared = rng.random() < 0.35
        first = rng.choice(codes)
        for plan in plans:
            code = first if shared else rng.choice(codes)
            mode = rng.choices(list(modes), list(modes.values()))[0]
            plan.append([code, mode])
    return plans


@dataclass
class Episode:
    """One fault: switched on by `begin`, and off again by `end` after `seconds` (if it has an end)."""

    name: str
    begin: Callable[[], None]
    seconds: float = 0.0
    end: Callable[[], None] | None = None
    # Sync processes are spared from kills this long, so that a request can run into its timeout.
    hold_kills: float = 0.0


def episodes(server: ServerProcess, proxy: FaultProxy, rng: random.Random) -> list[Episode]:
    def faults(**body: object) -> Callable[[], None]:
        return lambda: server.admin("POST", "/admin/faults", json=body)

    def fail(*kinds: str, **extra: object) -> Callable[[], None]:
        return faults(fail_next=[{"kind": k} for k in kinds], **extra)

    def kill_server() -> None:
        assert server.proc is not None
        server.proc.kill()
        server.proc.wait()
        server.proc = None
        time.sleep(0.5)
        server.start()

    def restart_server() -> None:
        server.stop()
        server.start()

    return [
        Episode("500", fail("500", "500", "500")),
        Episode("429", fail("429", "429")),
        Episode("truncate", fail("truncate", "truncate")),
        Episode("hang", fail("hang", hang_seconds=2)),
        # Longer than the station's 15 s timeout: the change is applied, the answer never arrives.
        Episode("hang_after", fail("hang_after", hang_seconds=16), 18, faults(hang_seconds=2), hold_kills=18),
        Episode("failure_rate", faults(failure_rate=0.3), 4, faults(failure_rate=0)),
        Episode("expire_tokens", lambda: server.admin("POST", "/admin/tokens/expire")),
        Episode("latency", lambda: proxy.set_latency(300), 5, lambda: proxy.set_latency(0)),
        Episode("refuse", proxy.refuse, 3, proxy.pass_through),
        Episode("reset", lambda: proxy.reset_after(rng.randint(40, 3000)), 4, proxy.pass_through),
        Episode("black_hole", proxy.black_hole, 5, proxy.pass_through, hold_kills=20),
        Episode("server_restart", restart_server),
        Episode("server_kill", kill_server),
    ]


def fault_timeline(rng: random.Random, kinds: list[Episode], duration: float) -> list[tuple[float, Episode]]:
    """One fault at a time, every kind before any repeats, spread over the run."""
    timeline: list[tuple[float, Episode]] = []
    t = 2.0
    while True:
        batch = kinds[:]
        rng.shuffle(batch)
        for episode in batch:
            if t + episode.seconds > duration - 4:
                return timeline
            timeline.append((t, episode))
            t += episode.seconds + rng.uniform(1.5, 4.0)


def kill_timeline(rng: random.Random, stations: list[Station], duration: float) -> list[tuple[float, Station, str]]:
    """Every few seconds a station's workload, its sync, or both at once (a crashed PC) are killed."""
    kills = []
    t = 1.0
    while t < duration - 2:
        t += rng.uniform(2.5, 6.0)
        kills.append((t, rng.choice(stations), rng.choice(["workload", "sync", "both"])))
    return kills


def failed_rounds(logs: Path) -> Counter[str]:
    """The sync rounds that did not complete, by kind of failure, from every sync process's JSON lines."""
    kinds: Counter[str] = Counter()
    known = ("HTTP 500", "HTTP 429", "cut off", "did not answer", "Could not reach")
    for path in logs.glob("*.sync.*.jsonl"):
        for line in path.read_text().splitlines():
            error = json.loads(line)["error"]
            if error:
                found = [k for k in known if k in error]
                kinds[found[0] if found else error[:60]] += 1
    return kinds


class Driver:
    """Plays the timelines against running stations until every workload has scanned its whole plan."""

    def __init__(
        self,
        procs: Processes,
        stations: list[Station],
        faults: list[tuple[float, Episode]],
        kills: list[tuple[float, Station, str]],
        rng: random.Random,
    ) -> None:
        self.procs, self.stations, self.rng = procs, stations, rng
        self._faults, self._kills = faults, kills
        self._endings: list[tuple[float, Episode]] = []
        self._restarts: dict[tuple[str, str], float] = {}
        self._spare_syncs_until = 0.0
        self.faults = 0

    def run(self, timeout: float) -> None:
        start = time.monotonic()
        while not all(s.done for s in self.stations):
            assert time.monotonic() - start < timeout, "the workload did not finish in time"
            now = time.monotonic() - start
            self._inject(now)
            self._kill(now)
            self._restart()
            time.sleep(0.05)
        for _, episode in self._endings:
            assert episode.end is not None
            episode.end()

    def _inject(self, now: float) -> None:
        while self._faults and self._faults[0][0] <= now:
            _, episode = self._faults.pop(0)
            episode.begin()
            self.faults += 1
            self._spare_syncs_until = max(self._spare_syncs_until, now + episode.hold_kills)
            if episode.end is not None:
                self._endings.append((now + episode.seconds, episode))
        for ending in [e for e in self._endings if e[0] <= now]:
            self._endings.remove(ending)
            assert ending[1].end is not None
            ending[1].end()

    def _kill(self, now: float) -> None:
        while self._kills and self._kills[0][0] <= now:
            _, station, target = self._kills.pop(0)
            kinds = ["workload", "sync"] if target == "both" else [target]
            if now < self._spare_syncs_until:
                kinds = ["workload"]
            for kind in kinds:
                run = station.workload if kind == "workload" else station.sync
                if run is not None and self.procs.kill(run):
                    self._restarts[(station.name, kind)] = time.monotonic() + self.rng.uniform(0.2, 2.0)

    def _restart(self) -> None:
        """Bring killed processes back when due; one that ended without being killed crashed."""
        for station in self.stations:
            for kind, running, begin in (
                ("workload", station.workload_running, station.start_workload),
                ("sync", station.sync_running, station.start_sync),
            ):
                if running() or (kind == "workload" and station.done):
                    continue
                due = self._restarts.get((station.name, kind))
                if due is None:
                    run = station.workload if kind == "workload" else station.sync
                    assert run is not None
                    raise AssertionError(f"{run.name} ended by itself: {run.stderr.read_text()[-2000:]}")
                if time.monotonic() >= due:
                    del self._restarts[(station.name, kind)]
                    begin()
