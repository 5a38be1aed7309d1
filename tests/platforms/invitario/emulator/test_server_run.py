"""Running the server: ServerThread stop/start on one port, and `python -m kiosk.platforms.invitario.emulator`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kiosk.platforms.invitario.emulator import ServerThread
from tests.platforms.invitario.emulator.server_helpers import API_KEY, EVENT_ID, all_guests, change, login, post

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_stop_and_start_on_the_same_port_keeps_the_data(tmp_path: Path) -> None:
    server = ServerThread(tmp_path / "s.db", event_id=EVENT_ID, api_key=API_KEY, guests=30)
    try:
        server.start()
        url = server.url
        with httpx.Client(base_url=url, trust_env=False, timeout=5) as http:
            token = login(http)
            gid = all_guests(http, token)[0]["id"]
            now = "2026-03-01T10:00:00+00:00"
            post(http, "guest/update", sessionToken=token, guests=[change(gid, now, now)])
        server.stop()
        assert not server.running
        with pytest.raises(httpx.ConnectError), httpx.Client(trust_env=False, timeout=2) as http:
            http.post(f"{url}/api/v1/login", json={})
        server.start()
        assert server.url == url and server.running
        with httpx.Client(base_url=url, trust_env=False, timeout=5) as http:
            # The session survives too: a restart is not a logout.
            guests = {g["id"]: g for g in all_guests(http, token)}
        assert len(guests) == 30 and guests[gid]["checkInDateTime"] == now
    finally:
        server.close()


def test_reopening_a_database_does_not_generate_on_top(tmp_path: Path) -> None:
    with ServerThread(tmp_path / "s.db", guests=25, seed=1) as first:
        codes = first.sample_codes(3)
    again = ServerThread(tmp_path / "s.db", guests=25, seed=2)
    try:
        assert again.store.guest_count() == 25 and again.seed_report.generated == 0
        assert again.sample_codes(3) == codes
    finally:
        again.close()


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        server = ServerThread(tmp_path / "s.db", port=blocker.getsockname()[1])
        try:
            with pytest.raises(OSError):
                server.start()
            assert not server.running
        finally:
            server.close()


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_python_m_kiosk_server_answers_login_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    args = [sys.executable, "-m", "kiosk.platforms.invitario.emulator", "--port", str(port),
            "--db", str(tmp_path / "p.db"), "--guests", "40",
            "--event-id", "proc", "--api-key", "proc-key"]  # fmt: skip
    proc = subprocess.Popen(args, cwd=tmp_path, env=_child_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        body = None
        deadline = time.monotonic() + 30
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=2) as http:
            while body is None and time.monotonic() < deadline and proc.poll() is None:
                try:
                    body = http.post(
                        "/api/v1/login", json={"eventId": "proc", "apiKey": "proc-key", "stationName": "P"}
                    ).json()
                except httpx.TransportError:
                    time.sleep(0.05)
            assert body is not None, proc.stderr.read() if proc.stderr else ""
            assert body["status"] == "success"
            assert post(http, "guest/list/all", sessionToken=body["sessionToken"])["count"] == 40
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert f"http://127.0.0.1:{port}" in out and "proc-key" in out and "event id: proc" in out
    assert len(out.strip().splitlines()) == 1


def test_cli_refuses_bad_arguments_and_a_missing_csv(tmp_path: Path) -> None:
    base = [sys.executable, "-m", "kiosk.platforms.invitario.emulator", "--db", str(tmp_path / "x.db"), "--port", "0"]
    for extra, expected in (
        (["--failure-rate", "1.5"], "--failure-rate"),
        (["--guests", "-3"], "--guests"),
        (["--import", str(tmp_path / "missing.csv")], "no such CSV file"),
    ):
        result = subprocess.run(
            [*base, *extra], cwd=tmp_path, env=_child_env(), capture_output=True, text=True, timeout=30
        )
        assert result.returncode == 2, result
        assert expected in result.stderr and "Traceback" not in result.stderr
