"""Chaos on loopback: two stations scan the same guests while the network, the server and the stations fail.

One reference server (a subprocess whose database survives restarts) sits behind the fault proxy. Each
station is two real processes on its own data dir: a `kiosk sync` loop (pull interval 1 s) and a scan
workload (tests/chaos/workload.py, two connections open like the window), both SIGKILLed at random
moments and restarted. Beside North, staff run `kiosk status` and `kiosk scan` now and then: new
processes that open and close its mirror while the station's own hold it open. Faults come on a
seeded schedule, one at a time: server 500s, 429s, truncated answers, hangs, a random failure rate,
expired sessions, proxy latency, refused connections, resets mid-answer, a black hole, and server
restarts (graceful and SIGKILL). Then everything is switched off, restarted and synced until quiet,
and the server's history is held against every scan a door reported as queued.

KIOSK_CHAOS_SCANS (default 2000) sets the number of scans, KIOSK_CHAOS_SEED the seed.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.domain.models import Change
from kiosk.storage import Store
from kiosk.storage.config import mirror_path
from tests.chaos import oracle
from tests.chaos.driver import Driver, episodes, failed_rounds, fault_timeline, kill_timeline, make_plans
from tests.chaos.fault_proxy import FaultProxy
from tests.chaos.stations import Neighbour, Processes, Station
from tests.e2e.procs import API_KEY, EVENT_ID, ServerProcess, kiosk

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

SCANS = int(os.environ.get("KIOSK_CHAOS_SCANS", "2000"))
SEED = int(os.environ.get("KIOSK_CHAOS_SEED", "4242"))
INTERVAL = 0.08  # seconds between one station's planned scans: 2,000 scans take about 80 s
POOL = 100  # guests both stations scan, so that their changes race


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path / "server.sqlite3", guests=1500, seed=SEED % 1000).start()
    yield proc
    proc.stop()


@pytest.fixture
def proxy(server: ServerProcess) -> Iterator[FaultProxy]:
    with FaultProxy(server.port) as p:
        yield p


@pytest.fixture
def procs(tmp_path: Path) -> Iterator[Processes]:
    group = Processes(tmp_path / "logs")
    yield group
    group.close()


def checked(data_dir: Path, *args: str) -> str:
    result = kiosk(data_dir, *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


def last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


def test_chaos_two_stations_lose_nothing(
    tmp_path: Path, server: ServerProcess, proxy: FaultProxy, procs: Processes, summary_line: Callable[[str], None]
) -> None:
    rng = random.Random(SEED)
    print(f"\nchaos: seed={SEED} (KIOSK_CHAOS_SEED) scans={SCANS} (KIOSK_CHAOS_SCANS)")
    codes = server.admin("GET", "/admin/sample-codes", params={"n": POOL})["codes"]
    per_station = SCANS // 2
    duration = per_station * INTERVAL
    stations = []
    for name, plan in zip(("North", "South"), make_plans(rng, codes, per_station), strict=True):
        data_dir = tmp_path / name.lower()
        settings = ["--server", proxy.url, "--event-id", EVENT_ID, "--api-key", API_KEY, "--station", name]
        checked(data_dir, "configure", *settings, "--pull-interval", "1")
        assert last_json(checked(data_dir, "sync", "--once", "--json"))["ok"]
        plan_path = tmp_path / f"{name.lower()}-plan.json"
        plan_path.write_text(json.dumps(plan))
        stations.append(Station(name, data_dir, procs, plan_path, len(plan), INTERVAL))

    faults = fault_timeline(rng, episodes(server, proxy, rng), duration)
    driver = Driver(procs, stations, faults, kill_timeline(rng, stations, duration), rng)
    # Its own RNG, so that the run's timetable stays what the seed made it.
    neighbour = Neighbour(stations[0], codes, random.Random(SEED + 1))
    epoch = time.time() + 1.0
    for station in stations:
        station.epoch = epoch
        station.start_sync()
        station.start_workload()
    neighbour.start()
    try:
        driver.run(timeout=duration + 240)
    finally:
        neighbour.stop()

    # Faults off, everyone restarted, then sync until every queue is empty, and once more.
    proxy.pass_through()
    proxy.set_latency(0)
    server.admin("POST", "/admin/faults", json={"failure_rate": 0, "fail_next": [], "hang_seconds": 2})
    for station in stations:
        assert station.workload is not None
        assert procs.finish(station.workload) == 0
        assert station.stop_sync() in (None, 130)
    for _ in range(12):
        for station in stations:
            checked(station.data_dir, "sync", "--once", "--json")
        if all(last_json(checked(s.data_dir, "status", "--json"))["queued"] == 0 for s in stations):
            break
    for station in stations:
        status = last_json(checked(station.data_dir, "status", "--json"))
        assert status["queued"] == 0, status
        assert last_json(checked(station.data_dir, "sync", "--once", "--json"))["ok"]

    reported = [r for s in stations for r in s.queued_reports()] + neighbour.queued_reports()
    guest_ids = {r["guest_id"] for r in reported if r["guest_id"]}
    known: dict[str, Change] = {}
    for station in stations:
        known.update(oracle.station_changes(station.data_dir, guest_ids))
    conflicts = {
        s.name: {c["change_id"] for c in json.loads(checked(s.data_dir, "conflicts", "--json"))} for s in stations
    }
    history = oracle.server_history(server)
    result = oracle.tally(reported, history, conflicts, known)
    scans = sum(len(s.reported) for s in stations)
    summary_line(
        f"chaos: scans={scans} faults={driver.faults} kills={procs.kills} lost={len(result.lost)} "
        f"duplicated={result.duplicated} conflicts={result.conflicts}"
    )
    print(
        f"chaos: detail: queued reports={len(reported)} applied once={result.applied_once} "
        f"applied then superseded before the answer came={result.applied_then_conflict} "
        f"changes held by stations={len(known)} history rows={sum(history.values())}"
    )
    print(
        f"chaos: beside {neighbour.station.name}: status={neighbour.runs['status']} scan={neighbour.runs['scan']} "
        f"queued={len(neighbour.queued_reports())} refused={neighbour.runs['refused']}"
    )
    failures = failed_rounds(procs.logs)
    print(f"chaos: failed sync rounds: {dict(failures)}")

    assert result.lost == []
    assert result.duplicated == 0
    assert result.phantoms == []
    assert result.conflicts > 0, "the stations never raced: the test did not test conflicts"
    assert scans == SCANS - SCANS % 2
    assert neighbour.problems == []
    assert neighbour.runs["status"] > 0 and neighbour.queued_reports(), "nothing ran beside the station"
    # Last writer wins: the server and both mirrors hold, per guest, the change with the latest time.
    expected = oracle.expected_states(known)
    for station in stations:
        with Store.open(mirror_path(station.data_dir)) as store:
            assert store.integrity_check() == "ok"
            for guest_id, change in expected.items():
                guest = store.get_guest(guest_id)
                assert guest is not None
                want = (change.check_in, change.check_out, change.client_update)
                assert (guest.check_in, guest.check_out, guest.client_update) == want, (station.name, guest_id)
    for guest_id, change in expected.items():
        stored = oracle.server_guest(server, guest_id)
        got = oracle.presence(stored["checkInDateTime"], stored["checkOutDateTime"], stored["clientUpdateDateTime"])
        assert got == (change.check_in, change.check_out, change.client_update), guest_id
    # A station that lost a race knows it: each of its conflicts was beaten by a later change.
    for name, ids in conflicts.items():
        for change_id in ids:
            change = known[change_id]
            assert expected[change.guest_id].client_update > change.client_update, (name, change_id)
    # The faults did bite: rounds failed, and one request ran into the station's timeout.
    assert sum(failures.values()) >= 5 and failures["did not answer"] >= 1
    # Nothing crashed but what was killed.
    assert procs.tracebacks() == []
    assert procs.unexpected_exits({"workload": {0}, "sync": {130}}) == []
    assert "Traceback" not in server.log.read_text()
