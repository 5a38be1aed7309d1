"""A station on Conferences i/o, against a real `kiosk serve --platform conferences-io` process on loopback."""

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

KEY = "cnf_e2e_key"


class Emulator:
    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api/v2"
        args = [sys.executable, "-m", "kiosk", "serve", "--platform", "conferences-io", "--port", str(self.port),
                "--guests", "60", "--seed", "4", "--api-key", KEY]
        self.proc = subprocess.Popen(args, stdout=log.open("w"), stderr=subprocess.STDOUT, env=child_env())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.attendance("keyn")
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(log.read_text())

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        with httpx.Client(trust_env=False, timeout=10, headers={"API-Key": KEY}) as client:
            response = client.request(method, f"http://127.0.0.1:{self.port}{path}", **kwargs)
            response.raise_for_status()
            return response.json()

    def attendance(self, session: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.call("GET", f"/api/v2/sessions/{session}/attendance")["data"]
        return found

    def codes(self, session: str, *, inside: bool) -> list[str]:
        return [r["user"]["external_id"] for r in self.attendance(session)
                if bool(r["history"] and r["history"][-1]["action"] == "checkin") is inside]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=15)


@pytest.fixture()
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    server = Emulator(tmp_path / "emulator.log")
    yield server
    server.stop()


def configure(station: Path, emulator: Emulator, *extra: str) -> subprocess.CompletedProcess[str]:
    return kiosk(station, "configure", "--platform", "conferences-io", "--server", emulator.url, "--api-key", KEY,
                 "--station", "North", *extra)


def scan(station: Path, code: str) -> dict[str, Any]:
    result: dict[str, Any] = kiosk_json(station, "scan", code)
    return result


def test_configure_without_a_session_lists_them_in_one_line_and_saves_nothing(
    emulator: Emulator, tmp_path: Path
) -> None:
    station = tmp_path / "north"
    listed = configure(station, emulator)
    assert listed.returncode == 2, listed.stderr
    (line,) = listed.stderr.strip().splitlines()
    assert ("--session ID (times in America/Chicago): keyn (2026-06-01 08:30, Opening keynote, Ballroom A, "
            "check-out required); wrk1 (") in line
    assert not (station / "config.json").exists()
    wrong = configure(station, emulator, "--session", "keyn", "--api-key", "not-the-key")
    assert wrong.returncode == 1 and "refused the API key" in wrong.stderr and "not-the-key" not in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1
    unknown = configure(station, emulator, "--session", "nope")
    assert unknown.returncode == 1 and "no session 'nope'" in unknown.stderr, unknown.stderr
    elsewhere = kiosk(station, "configure", "--platform", "webkasa", "--server", "http://127.0.0.1:9",
                      "--event-id", "e", "--api-key", KEY, "--station", "North", "--session", "keyn")
    assert elsewhere.returncode == 2 and "--session is for platforms" in elsewhere.stderr
    assert not (station / "config.json").exists()


def test_a_conferences_io_door_from_configure_to_a_removed_attendee_and_another_session(
    emulator: Emulator, tmp_path: Path
) -> None:
    station = tmp_path / "north"
    done = configure(station, emulator, "--session", "keyn")
    assert done.returncode == 0, done.stderr
    assert "Example Event: Opening keynote" in done.stdout
    waiting, inside = emulator.codes("keyn", inside=False), emulator.codes("keyn", inside=True)
    admitted, removed, cut_off = waiting[:3]

    first = kiosk_json(station, "sync", "--once")
    assert first["ok"] and first["pulled"] == 60, first
    status = kiosk_json(station, "status")
    assert (status["platform"], status["session"], status["uploads"], status["guests"]) == (
        "conferences-io", "keyn", "station-only", 60)
    assert status["event"] == f"127.0.0.1:{emulator.port}"  # the app: the server's host, without --event-id

    assert scan(station, admitted)["verdict"] == "admitted"
    assert scan(station, admitted)["verdict"] == "already_in"
    # Times in the attendance list are the event's (the app's time zone), not this computer's.
    exported = kiosk(station, "export", str(tmp_path / "attendance.csv"))
    assert exported.returncode == 0, exported.stderr
    header = (tmp_path / "attendance.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "America/Chicago" in header, header
    assert scan(station, inside[0])["verdict"] == "already_in"  # checked in with the vendor's own app
    email = next(r["user"]["email"] for r in emulator.attendance("keyn") if r["user"]["external_id"] == waiting[5])
    assert scan(station, email)["verdict"] == "unknown"  # the email is searched, never a scan code

    # An attendee removed from the session (the documented call) is no longer admitted after the next listing.
    emulator.call("POST", "/api/v2/sessions/keyn/attendance/remove", json={"external_id": removed})
    assert kiosk_json(station, "sync", "--once")["ok"]
    assert scan(station, removed)["verdict"] == "deleted"

    # A listing cut off half way removes nobody; the next complete one does.
    emulator.call("POST", "/api/v2/sessions/keyn/attendance/remove", json={"external_id": cut_off})
    emulator.call("POST", "/admin/faults", json={"fail_next": [{"kind": "pass"}, {"kind": "truncate"}]})
    broken = kiosk(station, "sync", "--once", "--json")
    assert broken.returncode == 1 and '"ok": false' in broken.stdout, broken.stdout
    assert scan(station, cut_off)["verdict"] == "admitted"
    assert kiosk_json(station, "sync", "--once")["ok"]
    assert scan(station, cut_off)["verdict"] == "deleted"
    assert kiosk_json(station, "status")["kept"] == 2  # kept on the station for good

    # Another session of the same app: the station's check-ins stay, and the workshop starts with nobody in.
    assert admitted in emulator.codes("wrk1", inside=False)  # checked in at the keynote, on the workshop's list
    moved = configure(station, emulator, "--session", "wrk1")
    assert moved.returncode == 0, moved.stderr
    assert kiosk_json(station, "sync", "--once")["ok"]
    status = kiosk_json(station, "status")
    # The keynote's 60 are kept as deleted (with this station's check-ins, for the export) beside the 20.
    assert (status["session"], status["kept"], status["guests"], status["deleted"]) == ("wrk1", 2, 80, 60)
    assert scan(station, admitted)["verdict"] == "admitted"

    # Nothing went up: the station only read; the one kind of write was the test's removals.
    seen = emulator.call("GET", "/admin/requests")["requests"]
    assert {(s["method"], s["path"]) for s in seen if s["method"] != "GET"} == {
        ("POST", "/api/v2/sessions/keyn/attendance/remove")}
