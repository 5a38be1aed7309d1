"""SIGKILL on the platforms that take no check-ins back (Webkasa, Conferences i/o): kill `kiosk sync` in the
middle of its full listing and `kiosk scan` processes in the middle of their scans, again and again. Their
check-ins live only on the station, so after every kill the mirror must pass SQLite's integrity check and
every scan a process reported as saved must still be kept; at the end one calm sync completes.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.platforms.conferences_io.emulator import ConferencesIoServer, ConferencesIoState
from kiosk.platforms.webkasa.emulator import WebkasaServer, WebkasaState
from kiosk.storage import Store
from kiosk.storage.config import mirror_path
from tests.e2e.procs import child_env, kiosk, kiosk_json

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

ITERATIONS = int(os.environ.get("KIOSK_CRASH_SO_ITERATIONS", "10"))
SEED = int(os.environ.get("KIOSK_CHAOS_SEED", "4242"))
KEY = "crash-key"
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Door:
    """A running emulator, the configure arguments for it, and codes a scan may admit."""

    name: str
    configure: list[str]
    codes: list[str]


def _webkasa() -> Iterator[Door]:
    state = WebkasaState(event_id="evt_crash", api_key=KEY)
    state.generate(3000, seed=3)
    state.faults.rate_limit = None  # the kills, not the pace, are under test
    with WebkasaServer(state) as server:
        yield Door("webkasa", ["--platform", "webkasa", "--server", server.url, "--event-id", "evt_crash"],
                   state.codes("CONFIRMED"))


def _conferences_io() -> Iterator[Door]:
    state = ConferencesIoState(api_key=KEY)
    state.generate(3000, seed=3)
    with ConferencesIoServer(state) as server:
        yield Door("conferences-io", ["--platform", "conferences-io", "--server", server.api_url,
                                      "--session", "keyn"], state.codes("keyn"))


@pytest.fixture(params=["webkasa", "conferences-io"])
def door(request: pytest.FixtureRequest) -> Iterator[Door]:
    make: Callable[[], Iterator[Door]] = {"webkasa": _webkasa, "conferences-io": _conferences_io}[request.param]
    yield from make()


def start(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=child_env())


def kept_changes(data_dir: Path) -> dict[str, str]:
    """Every change this station keeps (change id -> guest id), after checking the file is sound."""
    with Store.open(mirror_path(data_dir)) as store:
        assert store.integrity_check() == "ok"
        return {c.change_id: c.guest_id for c in store.queued_changes(1_000_000)}


def test_kills_during_listings_and_scans_lose_no_kept_check_in(door: Door, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    station = tmp_path / "station"
    done = kiosk(station, "configure", *door.configure, "--api-key", KEY, "--station", "North")
    assert done.returncode == 0, done.stderr
    assert kiosk_json(station, "sync", "--once")["ok"]  # a mirror to scan against; later listings get killed
    reported: dict[str, str] = {}
    codes = rng.sample(door.codes, 4 * ITERATIONS)
    kills = syncs_killed = 0
    for n in range(ITERATIONS):
        sync = start(station, "sync", "--once")
        scans = [(code, start(station, "scan", code, "--json")) for code in codes[4 * n : 4 * n + 4]]
        # A sync process takes about 1-2 s here (start-up, then the listing): the kill lands anywhere in it.
        time.sleep(rng.uniform(0.2, 2.0))
        for proc in [sync, *(p for _, p in scans[:2])]:  # two scans die wherever they are; two may finish
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
                syncs_killed += proc is sync
        for _code, proc in scans:
            out, _ = proc.communicate(timeout=60)
            if proc.returncode == 0 and out.strip():
                answer = json.loads(out.strip().splitlines()[-1])
                if answer["queued"]:
                    reported[answer["change_id"]] = answer["guest"]["id"]
        sync.wait(timeout=60)
        kept = kept_changes(station)
        lost = {cid for cid in reported if cid not in kept}
        assert not lost, f"iteration {n}: scans reported saved but not kept: {sorted(lost)}"
    final = kiosk_json(station, "sync", "--once")
    kept = kept_changes(station)
    status = kiosk_json(station, "status")
    print(f"\ncrash({door.name}): iterations={ITERATIONS} kills={kills} syncs_killed={syncs_killed} "
          f"reported={len(reported)} "
          f"kept={len(kept)} lost={len(set(reported) - set(kept))} integrity=ok final_sync_ok={final['ok']}")
    assert final["ok"] and set(reported) <= set(kept)
    assert status["kept"] == len(kept) and status["queued"] == 0
    assert syncs_killed >= ITERATIONS // 2  # most rounds really killed a listing under way
