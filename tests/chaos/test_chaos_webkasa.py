"""Chaos on Webkasa's full listings: registrations come and go while a station pages through them and the
emulator fails (500, cut-off bodies, hangs). Webkasa has no deletion marker, so the sweep after a complete
listing is what removes people at the door: a registration that was never removed on the server must never
read as deleted, whatever moved under the offsets; once the server is calm, one listing makes the door
match it exactly; and no check-in made at the door is lost (they stay on the station).
"""

from __future__ import annotations

import asyncio
import os
import random
import threading
from pathlib import Path

import pytest

from kiosk.domain import Mode, VerdictKind
from kiosk.platforms.base import Listing
from kiosk.platforms.webkasa.connector import WebkasaConnector
from kiosk.platforms.webkasa.emulator import WebkasaServer, WebkasaState
from kiosk.services.checkin import CheckIn
from kiosk.services.sync import Sync
from kiosk.storage import Store

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

ROUNDS = int(os.environ.get("KIOSK_CHAOS_WK_ROUNDS", "60"))
SEED = int(os.environ.get("KIOSK_CHAOS_SEED", "4242"))
EVENT, KEY = "evt_chaos", "wk_live_chaos"


def test_listings_under_churn_and_faults_remove_only_the_removed(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    state = WebkasaState(event_id=EVENT, api_key=KEY)
    state.generate(300, seed=SEED % 1000)
    state.faults.rate_limit = None
    state.faults.max_limit = 20  # 15 pages or more: plenty of room for rows to move between them
    state.faults.hang_seconds = 1.0
    # Only these are ever removed on the server; the others must never read as deleted at the door.
    removable = set(rng.sample(sorted(state.codes("CONFIRMED")), 150))
    removed: set[str] = set()
    admitted: list[str] = []
    churning = threading.Event()
    stop = threading.Event()

    def churn() -> None:
        churn_rng = random.Random(SEED + 1)
        while not stop.is_set():
            churning.wait()
            with state.lock:
                candidates = sorted(removable & set(state.registrations))
                if candidates:
                    # A removal and an addition at once: the total stays alike, only the rows move.
                    gone = churn_rng.choice(candidates)
                    del state.registrations[gone]
                    removed.add(gone)
            if candidates:
                state.add("Walk In", "walkin@example.com")
            stop.wait(churn_rng.uniform(0.005, 0.03))

    worker = threading.Thread(target=churn, daemon=True)
    worker.start()

    async def main(server: WebkasaServer) -> tuple[int, int, int]:
        store = Store.open(tmp_path / "station.sqlite3")
        c = WebkasaConnector(server.url, EVENT, KEY, "North", timeout=0.5, pace=(10_000, 1.0))
        completed = failed = 0
        try:
            sync = Sync(store, c, listing=Listing.FULL)
            assert (await sync.run_once()).ok  # a calm first listing
            door = CheckIn(store, "North")
            for _ in range(ROUNDS):
                faults = [rng.choice(["pass", "pass", "pass", "500", "truncate", "hang"]) for _ in range(4)]
                state.faults.fail_next.extend(faults)
                if rng.random() < 0.7:
                    churning.set()
                report = await sync.run_once()
                churning.clear()
                state.faults.fail_next.clear()
                completed, failed = (completed + 1, failed) if report.ok else (completed, failed + 1)
                never_removed = [code for code in state.codes("CONFIRMED") if code not in removable]
                deleted = [code for code in never_removed
                           if (guest := store.get_guest(code)) is not None and guest.deleted is not None]
                assert deleted == [], f"deleted at the door, never removed on the server: {deleted[:5]}"
                code = rng.choice(never_removed)
                if door.scan(code, Mode.CHECK_IN).verdict.kind is VerdictKind.ADMITTED:
                    admitted.append(code)
            # Calm again: one clean listing makes the door match the server exactly.
            stop.set()
            churning.set()
            worker.join(5)
            assert (await sync.run_once()).ok
            live = set(state.registrations)
            at_door = {code for code in live | removed
                       if (guest := store.get_guest(code)) is not None and guest.deleted is None}
            assert at_door == live
            still_listed = [code for code in removed
                            if (guest := store.get_guest(code)) is not None and guest.deleted is None]
            assert still_listed == []
            assert store.queued_count() == len(admitted)  # every door check-in kept on the station
        finally:
            await c.aclose()
            store.close()
        return completed, failed, len(removed)

    with WebkasaServer(state) as server:
        completed, failed, gone = asyncio.run(main(server))
    stop.set()
    churning.set()
    # The run must have exercised both outcomes and real removals, or it proves nothing.
    assert completed > 0 and failed > 0 and gone > 0, (completed, failed, gone)
