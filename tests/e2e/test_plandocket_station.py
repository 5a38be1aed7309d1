"""A station on PlanDocket, against a real `kiosk serve --platform plandocket` process on loopback."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.app import open_station
from tests.e2e.procs import child_env, free_port, kiosk, kiosk_json

EVENT, KEY = "pd-gala", "pd-key"


class Emulator:
    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "kiosk", "serve", "--platform", "plandocket", "--port", str(self.port),
                "--guests", "30", "--seed", "4", "--event-id", EVENT, "--api-key", KEY]
        self.proc = subprocess.Popen(args, stdout=log.open("w"), stderr=subprocess.STDOUT, env=child_env())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.api("GET", "/api/v1/check-ins/stats")
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(log.read_text())

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        with httpx.Client(base_url=self.url, trust_env=False, timeout=10,
                          headers={"Authorization": f"Bearer {KEY}"}) as client:
            params = {"event_key": EVENT} if method == "GET" else None
            response = client.request(method, path, params=params, **kwargs)
            response.raise_for_status()
            return response.json() if response.content else None

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=15)


@pytest.fixture()
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    server = Emulator(tmp_path / "emulator.log")
    yield server
    server.stop()


def scan(station: Path, code: str, *mode: str) -> dict[str, Any]:
    result: dict[str, Any] = kiosk_json(station, "scan", code, *mode)
    return result


def test_a_plandocket_door_from_configure_to_undo(emulator: Emulator, tmp_path: Path) -> None:
    station = tmp_path / "north"
    done = kiosk(station, "configure", "--platform", "plandocket", "--server", emulator.url, "--event-id", EVENT,
                 "--api-key", KEY, "--station", "North")
    assert done.returncode == 0, done.stderr
    people = emulator.api("GET", "/api/v1/participants")["data"]
    confirmed = [p["id"] for p in people if p["is_confirmed"]]
    unconfirmed = next(p["id"] for p in people if not p["is_confirmed"])
    admitted, by_badge, elsewhere, removed, undone = confirmed[:5]
    # Another desk's work before this station's first sync: one guest inside, one in and out again.
    inside = emulator.api("POST", "/api/v1/check-ins", json={"event_key": EVENT, "participant_id": elsewhere,
                                                              "station": "South", "check_in_type": "manual"})
    emulator.api("POST", "/api/v1/check-ins", json={"event_key": EVENT, "participant_id": by_badge})
    emulator.api("POST", "/api/v1/check-ins", json={"event_key": EVENT, "participant_id": by_badge,
                                                     "action": "check_out"})
    badge = inside["data"]["badge_number"]
    first = kiosk_json(station, "sync", "--once")
    assert first["ok"] and first["pulled"] == 30, first
    status = kiosk_json(station, "status")
    assert status["platform"] == "plandocket" and status["uploads"] == "server" and status["guests"] == 30

    by_id = scan(station, str(admitted))
    assert (by_id["verdict"], by_id["matchedBy"]) == ("admitted", "attendee_id")
    badge_of = {r["event_participant_id"]: r["badge_number"] for r in emulator.api("GET", "/api/v1/check-ins")["data"]}
    by_number = scan(station, badge_of[by_badge])
    assert (by_number["verdict"], by_number["matchedBy"]) == ("admitted", "badge_number")
    assert by_number["guest"]["accessCodeKind"] == "badge_number"
    south = scan(station, badge)
    assert south["verdict"] == "already_in" and south["message"].endswith(" at South)")  # read back
    refused = scan(station, str(unconfirmed))
    assert refused["verdict"] == "not_confirmed" and refused["queued"] is False
    assert kiosk_json(station, "sync", "--once")["ok"]
    ours = [r for r in emulator.api("GET", "/api/v1/check-ins")["data"] if r["station"] == "North"]
    assert sorted(r["event_participant_id"] for r in ours) == sorted([admitted, by_badge])
    assert all(r["notes"].startswith("kiosk:") and r["is_checked_in"] for r in ours)

    assert scan(station, str(admitted), "--mode", "check-out")["verdict"] == "checked_out"
    assert kiosk_json(station, "sync", "--once")["ok"]
    out = [r for r in emulator.api("GET", "/api/v1/check-ins")["data"] if r["event_participant_id"] == admitted]
    assert len(out) == 1 and out[0]["is_checked_in"] is False

    # Undo (the window's staff tools): the emulator's record of the undone check-in goes.
    assert scan(station, str(undone))["verdict"] == "admitted"

    async def undo() -> None:
        st = open_station(station)
        try:
            assert st.checkin.undo_last() is not None
            assert (await st.make_sync().run_once()).ok
        finally:
            await st.aclose()

    asyncio.run(undo())
    assert not [r for r in emulator.api("GET", "/api/v1/check-ins")["data"] if r["event_participant_id"] == undone]

    # A participant removed on the server is gone at the door after the next (complete) listing.
    emulator.api("DELETE", f"/api/v1/participants/{removed}")
    assert kiosk_json(station, "sync", "--once")["ok"]
    assert scan(station, str(removed))["verdict"] == "deleted"
    assert kiosk_json(station, "status")["queued"] == 0
