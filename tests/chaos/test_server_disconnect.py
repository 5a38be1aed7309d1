"""A station killed in the middle of sending a request is everyday life for the reference server, not a crash."""

from __future__ import annotations

import logging
import socket
import time
from pathlib import Path

import httpx
import pytest

from kiosk.platforms.invitario.emulator import ServerThread

EVENT, KEY = "gone-event", "gone-key"


@pytest.mark.parametrize("path", ["/api/v1/guest/update", "/admin/guests"])
def test_a_request_cut_off_mid_body_is_logged_quietly_and_the_server_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="kiosk.platforms.invitario.emulator.app")
    with ServerThread(tmp_path / "server.sqlite3", event_id=EVENT, api_key=KEY, guests=3) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            # The headers promise 1000 bytes of body; the client is gone after 17 of them.
            head = f"POST {path} HTTP/1.1\r\nHost: x\r\nX-Admin-Key: {KEY}\r\nContent-Type: application/json\r\n"
            sock.sendall(head.encode() + b'Content-Length: 1000\r\n\r\n{"sessionToken": ')
        deadline = time.monotonic() + 10
        while not any("went away" in r.getMessage() for r in caplog.records):
            assert time.monotonic() < deadline, [r.getMessage() for r in caplog.records]
            time.sleep(0.02)
        with httpx.Client(base_url=server.url, trust_env=False, timeout=10) as client:
            login = client.post("/api/v1/login", json={"eventId": EVENT, "apiKey": KEY, "stationName": "Door"})
        assert login.json()["status"] == "success"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
