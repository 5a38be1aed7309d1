"""Chaos on Conferences i/o's full listings: attendees are removed from and preloaded to the session while a
station lists it and the emulator fails (500, 429, cut-off bodies, hangs). The attendance answer is one
snapshot with no deletion marker, so the sweep after a complete listing is what removes people at the door:
an attendee the server never removed must never read as deleted; once the server is calm, one listing
makes the door match it exactly; and no check-in made at the door is lost (they stay on the station).
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
from kiosk.platforms.conferences_io.connector import ConferencesIoConnector
from kiosk.platforms.conferences_io.emulator import ConferencesIoServer, ConferencesIoState
from kiosk.services.checkin import CheckIn
from kiosk.services.sync import Sync
from kiosk.storage import Store

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

ROUNDS = int(os.environ.get("KIOSK_CHAOS_CNF_ROUNDS", "60"))
SEED = int(os.environ.get("KIOSK_CHAOS_SEED", "4242"))
KEY, SESSION = "cnf_chaos", "keyn"


def test_listings_under_churn_and_faults_remove_only_the_removed(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    state = ConferencesIoState(api_key=KEY)
    state.generate(300, seed=SEED % 1000)
    state.faults.hang_seconds = 1.0
    attendance = state.sessions[SESSION].attendance
    waiting = state.codes(SESSION)
    # Only these are ever removed on the server; the others must never read as deleted at the door.
    removable = set(rng.sample(sorted(waiting), 150))
    removed: set[str] = set()
    walk_ins = 0
    admitted: list[str] = []
    churning = threading.Event()
    stop = threading.Event()

    def churn() -> None:
        nonlocal walk_ins
        churn_rng = random.Random(SEED + 1)
        while not stop.is_set():
            churning.wait()
            with state.lock:
                candidates = sorted(c for c in removable - removed if c.lower() in attendance)
                if candidates:
                    gone = churn_rng.choice(candidates)
                    del attendance[gone.lower()]
                    removed.add(gone)
            walk_ins += 1
            state.preload(SESSION, [{"first_name": "Walk", "last_name": "In", "email": f"w{walk_ins}@example.com",
                                     "external_id": f"WALK-{walk_ins:05d}"}])
            stop.wait(churn_rng.uniform(0.005, 0.03))

    worker = threading.Thread(target=churn, daemon=True)
    worker.start()

    def guest_id(code: str) -> str:
        return f"{SESSION}/{code}"

    async def main(server: ConferencesIoServer) -> tuple[int, int, int]:
        store = Store.open(tmp_path / "station.sqlite3")
        c = ConferencesIoConnector(server.api_url, "chaos.cnf.io", KEY, "North", session=SESSION, timeout=0.5)
        completed = failed = 0
        try:
            sync = Sync(store, c, listing=Listing.FULL)
            assert (await sync.run_once()).ok  # a calm first listing
            door = CheckIn(store, "North")
            never_removed = [code for code in waiting if code not in removable]
            for _ in range(ROUNDS):
                # A 429 once is waited out (1 s): rare, or the run takes minutes.
                kinds = ["pass"] * 6 + ["500", "truncate", "hang", "truncate"] + (["429"] if rng.random() < 0.1 else [])
                state.faults.fail_next.extend(rng.choice(kinds) for _ in range(2))
                if rng.random() < 0.7:
                    churning.set()
                report = await sync.run_once()
                churning.clear()
                state.faults.fail_next.clear()
                completed, failed = (completed + 1, failed) if report.ok else (completed, failed + 1)
                deleted = [code for code in never_removed
                           if (guest := store.get_guest(guest_id(code))) is not None and guest.deleted is not None]
                assert deleted == [], f"deleted at the door, never removed on the server: {deleted[:5]}"
                code = rng.choice(never_removed)
                if door.scan(code, Mode.CHECK_IN).verdict.kind is VerdictKind.ADMITTED:
                    admitted.append(code)
            # Calm again: one clean listing makes the door match the server exactly.
            stop.set()
            churning.set()
            worker.join(5)
            assert (await sync.run_once()).ok
            with state.lock:
                live = {r["user"]["external_id"] for r in attendance.values()}
            at_door = {code for code in live | removed
                       if (guest := store.get_guest(guest_id(code))) is not None and guest.deleted is None}
            assert at_door == live
            assert store.queued_count() == len(admitted)  # every door check-in kept on the station
        finally:
            await c.aclose()
            store.close()
        return completed, failed, len(removed)

    with ConferencesIoServer(state) as server:
        completed, failed, gone = asyncio.run(main(server))
    stop.set()
    churning.set()
    # The run must have exercised both outcomes and real removals, or it proves nothing.
    assert completed > 0 and failed > 0 and gone > 0, (completed, failed, gone)
