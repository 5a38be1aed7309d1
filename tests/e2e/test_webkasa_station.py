"""A station on Webkasa, against a real `kiosk serve --platform webkasa` process on loopback."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.procs import child_env, free_port, kiosk, kiosk_json

EVENT, KEY = "evt_gala", "wk_live_e2e"


class Emulator:
    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "kiosk", "serve", "--platform", "webkasa", "--port", str(self.port),
                "--guests", "60", "--seed", "4", "--event-id", EVENT, "--api-key", KEY]
        self.proc = subprocess.Popen(args, stdout=log.open("w"), stderr=subprocess.STDOUT, env=child_env())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.registrations()
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(log.read_text())

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        with httpx.Client(base_url=self.url, trust_env=False, timeout=10,
                          headers={"Authorization": f"Bearer {KEY}"}) as client:
            response = client.request(method, path, **kwargs)
            response.raise_for_status()
            return response.json()

    def registrations(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.call("GET", f"/api/v1/events/{EVENT}/registrations",
                                                params={"limit": 1000})["data"]
        return found

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=15)


@pytest.fixture()
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    server = Emulator(tmp_path / "emulator.log")
    yield server
    server.stop()


def scan(station: Path, code: str) -> dict[str, Any]:
    result: dict[str, Any] = kiosk_json(station, "scan", code)
    return result


def test_a_webkasa_door_from_configure_to_a_removed_registration(emulator: Emulator, tmp_path: Path) -> None:
    station = tmp_path / "north"
    done = kiosk(station, "configure", "--platform", "webkasa", "--server", emulator.url, "--event-id", EVENT,
                 "--api-key", KEY, "--station", "North")
    assert done.returncode == 0, done.stderr
    regs = emulator.registrations()
    by_status: dict[str, list[str]] = {}
    for reg in regs:
        by_status.setdefault(reg["status"], []).append(reg["id"])
    admitted, removed, cut_off = by_status["CONFIRMED"][:3]
    # Pages of 10: the listing is six requests, so it can be cut off half way.
    emulator.call("POST", "/admin/faults", json={"max_limit": 10})

    first = kiosk_json(station, "sync", "--once")
    assert first["ok"] and first["pulled"] == 60, first
    status = kiosk_json(station, "status")
    assert status["platform"] == "webkasa" and status["uploads"] == "station-only" and status["guests"] == 60

    assert scan(station, admitted)["verdict"] == "admitted"
    assert scan(station, admitted)["verdict"] == "already_in"
    refused = scan(station, by_status["PENDING"][0])
    assert refused["verdict"] == "not_confirmed" and refused["queued"] is False
    assert scan(station, by_status["CANCELLED"][0])["verdict"] == "cancelled"
    assert scan(station, by_status["ATTENDED"][0])["verdict"] == "already_in"
    email = next(r["attendee_email"] for r in regs if r["id"] == by_status["CONFIRMED"][5])
    assert scan(station, email)["verdict"] == "unknown"  # the email is searched, never a scan code

    # A registration removed on the server is no longer admitted after the next completed listing.
    emulator.call("DELETE", f"/admin/registrations/{removed}")
    assert kiosk_json(station, "sync", "--once")["ok"]
    assert scan(station, removed)["verdict"] == "deleted"

    # A listing cut off half way (its fourth page) removes nobody, and the next complete one does.
    emulator.call("DELETE", f"/admin/registrations/{cut_off}")
    emulator.call("POST", "/admin/faults", json={"fail_next": [{"kind": "pass"}] * 3 + [{"kind": "truncate"}]})
    broken = kiosk(station, "sync", "--once", "--json")
    assert broken.returncode == 1, broken.stdout
    assert scan(station, cut_off)["verdict"] == "admitted"
    assert kiosk_json(station, "sync", "--once")["ok"]
    assert scan(station, by_status["CONFIRMED"][3])["verdict"] == "admitted"
    # The check-in made before that listing stays on the station; the registration is gone.
    assert scan(station, cut_off)["verdict"] == "deleted"

    # Nothing went up: the check-ins are kept on the station, the server saw only listings.
    seen = emulator.call("GET", "/admin/requests")["requests"]
    assert {s["method"] for s in seen} == {"GET"}
    status = kiosk_json(station, "status")
    assert (status["kept"], status["queued"]) == (3, 0)  # kept for good on this station, not a stuck queue
