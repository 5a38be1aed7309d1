"""End to end on loopback: the reference server and two stations as real processes, driven by the CLI."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.e2e.procs import API_KEY, EVENT_ID, ServerProcess, configure, kiosk, kiosk_json

pytestmark = pytest.mark.slow


def history(server: ServerProcess) -> list[dict]:
    rows = server.admin("GET", "/admin/history")
    return rows["history"] if isinstance(rows, dict) else rows


def sample_codes(server: ServerProcess, n: int) -> list[str]:
    answer = server.admin("GET", "/admin/sample-codes", params={"n": n})
    codes = answer["codes"] if isinstance(answer, dict) else answer
    assert len(codes) == n
    return list(codes)


@pytest.fixture()
def server(tmp_path: Path):
    proc = ServerProcess(tmp_path / "server.sqlite3", guests=300).start()
    yield proc
    proc.stop()


def test_offline_cycle_two_stations(server: ServerProcess, tmp_path: Path) -> None:
    north, south = tmp_path / "north", tmp_path / "south"
    configure(north, server, "North")
    assert kiosk_json(north, "sync", "--once")["ok"]
    status = kiosk_json(north, "status")
    total = server.admin("GET", "/admin/stats")["guests"]
    assert status["guests"] == total and status["queued"] == 0 and status["cursor"]

    codes = sample_codes(server, 6)
    online = [kiosk_json(north, "scan", c) for c in codes[:2]]
    assert [s["verdict"] for s in online] == ["admitted", "admitted"] and all(s["queued"] for s in online)

    # The server goes away: the door keeps deciding, and every change waits in the queue.
    server.stop()
    offline = [kiosk_json(north, "scan", c) for c in codes[2:5]]
    assert [s["verdict"] for s in offline] == ["admitted"] * 3
    again = kiosk_json(north, "scan", codes[2])
    assert again["verdict"] == "already_in" and not again["queued"]
    failed = kiosk(north, "sync", "--once")
    assert failed.returncode == 1 and len(failed.stderr.strip().splitlines()) == 1
    assert "unreachable" in failed.stderr.lower()
    assert kiosk_json(north, "status")["queued"] == 5

    # It comes back: each change arrives exactly once, and a second sync adds nothing.
    server.start()
    assert kiosk_json(north, "sync", "--once")["applied"] == 5
    assert kiosk_json(north, "status")["queued"] == 0
    applied = Counter(row["guestId"] if "guestId" in row else row["guest_id"] for row in history(server))
    assert len(applied) == 5 and set(applied.values()) == {1}
    kiosk_json(north, "sync", "--once")
    assert len(history(server)) == 5

    # A second station sees North's check-ins and its own scan reaches North through list/recent.
    configure(south, server, "South")
    kiosk_json(south, "sync", "--once")
    assert kiosk_json(south, "scan", codes[0])["verdict"] == "already_in"
    assert kiosk_json(south, "scan", codes[5])["verdict"] == "admitted"
    kiosk_json(south, "sync", "--once")
    kiosk_json(north, "sync", "--once")
    assert kiosk_json(north, "scan", codes[5])["verdict"] == "already_in"
    assert kiosk_json(north, "status")["checked_in"] == 6


def test_back_office_edits_and_deletions_arrive(server: ServerProcess, tmp_path: Path) -> None:
    station = tmp_path / "station"
    configure(station, server, "Desk")
    kiosk_json(station, "sync", "--once")
    code_edit, code_delete = sample_codes(server, 2)
    edited = kiosk_json(station, "scan", code_edit, "--mode", "check-out")
    assert edited["verdict"] == "not_in"
    guest = server.admin("GET", f"/admin/guests/{edited['guest']['id']}")
    guest = guest.get("guest", guest)
    guest["fields"]["lastName"] = "Renamed-In-Back-Office"
    server.admin("POST", "/admin/guests", json=guest)
    doomed = kiosk_json(station, "scan", code_delete, "--mode", "check-out")["guest"]["id"]
    server.admin("POST", f"/admin/guests/{doomed}/delete")

    report = kiosk_json(station, "sync", "--once")
    assert report["ok"] and not report["full"] and report["pulled"] >= 2
    assert "Renamed-In-Back-Office" in kiosk_json(station, "scan", code_edit)["guest"]["name"]
    deleted = kiosk_json(station, "scan", code_delete)
    assert deleted["verdict"] == "deleted" and not deleted["queued"]
    assert kiosk_json(station, "status")["deleted"] >= 1


def test_superseded_change_shows_as_conflict(server: ServerProcess, tmp_path: Path) -> None:
    north, south = tmp_path / "north", tmp_path / "south"
    configure(north, server, "North")
    configure(south, server, "South")
    kiosk_json(north, "sync", "--once")
    kiosk_json(south, "sync", "--once")
    (code,) = sample_codes(server, 1)
    # Both doors let the guest in while apart; North was first, South later, South uploads first:
    # North's older change loses and North's staff must see it.
    assert kiosk_json(north, "scan", code)["verdict"] == "admitted"
    assert kiosk_json(south, "scan", code, "--mode", "toggle")["verdict"] == "admitted"
    assert kiosk_json(south, "scan", code, "--mode", "toggle")["verdict"] == "checked_out"
    kiosk_json(south, "sync", "--once")
    report = kiosk_json(north, "sync", "--once")
    assert report["conflicts"] == 1
    assert kiosk_json(north, "status")["conflicts"] == 1
    listed = json.loads(kiosk(north, "conflicts", "--json").stdout)
    assert listed[0]["winner_checked_in"] is False
    assert kiosk_json(north, "scan", code, "--mode", "check-out")["verdict"] == "not_in"


def test_wrong_api_key_is_one_clear_line(server: ServerProcess, tmp_path: Path) -> None:
    result = kiosk(tmp_path / "s", "configure", "--server", server.url, "--event-id", EVENT_ID,
                   "--api-key", "not-" + API_KEY, "--station", "X")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "API key" in lines[0] and API_KEY not in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "s" / "config.json").exists()


def test_unknown_event_is_one_clear_line(server: ServerProcess, tmp_path: Path) -> None:
    result = kiosk(tmp_path / "s", "configure", "--server", server.url, "--event-id", "no-such-event",
                   "--api-key", API_KEY, "--station", "X")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "event" in result.stderr.lower()


def test_commands_without_configuration_say_what_to_do(tmp_path: Path) -> None:
    result = kiosk(tmp_path / "empty", "status")
    assert result.returncode == 2 and "kiosk configure" in result.stderr and "Traceback" not in result.stderr


GARBAGE = ["\x01\x1b[2J", "x" * 10_000, "' OR 1=1; DROP TABLE guests; --", "\u202e\u200b🙂 Ω≈ç√",
           "%s%n%x", "   ", "]C1", "*"]


def test_garbage_scans_are_unknown(server: ServerProcess, tmp_path: Path) -> None:
    station = tmp_path / "station"
    configure(station, server, "Desk")
    kiosk_json(station, "sync", "--once")
    before = kiosk_json(station, "status")
    for code in GARBAGE:
        result = kiosk(station, "scan", code, "--json")
        assert result.returncode == 0 and "Traceback" not in result.stderr, code
        assert json.loads(result.stdout) == {"verdict": "unknown", "guest": None, "matchedBy": None, "queued": False,
                                             "message": "Code not known", "change_id": None}
    after = kiosk_json(station, "status")
    assert after["guests"] == before["guests"] and after["scans"] == before["scans"] + len(GARBAGE)


def test_long_running_sync_renews_an_expired_token_silently(server: ServerProcess, tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    from tests.e2e.procs import child_env

    station = tmp_path / "station"
    kiosk(station, "configure", "--server", server.url, "--event-id", EVENT_ID, "--api-key", API_KEY,
          "--station", "Loop", "--pull-interval", "1")
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "--data-dir", str(station), "sync", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
    try:
        deadline = time.monotonic() + 60
        while kiosk_json(station, "status")["cursor"] is None and time.monotonic() < deadline:
            time.sleep(0.2)
        server.admin("POST", "/admin/tokens/expire")
        (code,) = sample_codes(server, 1)
        assert kiosk_json(station, "scan", code)["queued"]
        while kiosk_json(station, "status")["queued"] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert kiosk_json(station, "status")["queued"] == 0
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=20)
    rounds = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert rounds and all(r["ok"] for r in rounds), err
    assert err.strip() == "", err
    assert len(history(server)) == 1


def test_cursor_is_server_time_even_hours_behind_the_station(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "behind.sqlite3", guests=50, extra=("--clock-offset", "-10800")).start()
    try:
        station = tmp_path / "station"
        configure(station, server, "Desk")
        first = kiosk(station, "sync", "--once", "--json")
        assert first.returncode == 0 and "clock" in first.stderr  # staff are warned
        cursor = kiosk_json(station, "status")["cursor"]
        (code,) = sample_codes(server, 1)
        guest_id = kiosk_json(station, "scan", code, "--mode", "check-out")["guest"]["id"]
        guest = server.admin("GET", f"/admin/guests/{guest_id}")
        guest = guest.get("guest", guest)
        guest["fields"]["company"] = "Edited three hours behind"
        server.admin("POST", "/admin/guests", json=guest)
        assert kiosk_json(station, "sync", "--once")["pulled"] >= 1
        assert kiosk_json(station, "scan", code)["guest"]["company"] == "Edited three hours behind"
        assert kiosk_json(station, "status")["cursor"] > cursor
    finally:
        server.stop()
