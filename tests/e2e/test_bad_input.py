"""Hostile input from outside gets one clear line and loses nothing: real `kiosk` processes on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.platforms.invitario.emulator.run import ServerThread
from tests.e2e.procs import API_KEY, EVENT_ID, child_env, kiosk, kiosk_json

pytestmark = pytest.mark.slow

# ESC sequences that clear the screen, set the window title and recolour, BEL, a CR that overwrites the
# line, an LF that forges a verdict line, a one-byte CSI (C1), DEL and a right-to-left override.
HOSTILE = "Eve\x1b[2J\x1b]0;pwned\x07\rADMITTED: VIP\n\x9b31m\x7f\u202eRTL"


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def no_controls(text: str) -> bool:
    """Nothing a terminal would obey: no C0 but the line ends, no DEL, no C1, no bidi override."""
    return not any((ord(ch) < 0x20 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F or ch == "\u202e" for ch in text)


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(tmp_path / "server.sqlite3", event_id=EVENT_ID, api_key=API_KEY, guests=30, seed=3) as srv:
        yield srv


def configure(
    data_dir: Path,
    url: str,
    *extra: str,
    station: str = "Door",
    key: tuple[str, ...] = ("--api-key", API_KEY),
    **run: Any,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "--data-dir",
            str(data_dir),
            "configure",
            "--server",
            url,
            "--event-id",
            EVENT_ID,
            *key,
            "--station",
            station,
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        **{"env": child_env(), **run},
    )


def admin(server: ServerThread, method: str, path: str, **kwargs: Any) -> Any:
    with httpx.Client(base_url=server.url, trust_env=False, timeout=30) as client:
        response = client.request(method, path, headers={"X-Admin-Key": API_KEY}, **kwargs)
        response.raise_for_status()
        return response.json()


def edit_config(data_dir: Path, **values: Any) -> None:
    path = data_dir / "config.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **values}))


# -- the data dir ---------------------------------------------------------------------------------------


def test_a_data_dir_that_is_a_file_is_one_line_and_the_file_is_untouched(server: ServerThread, tmp_path: Path) -> None:
    not_a_dir = tmp_path / "station"
    not_a_dir.write_text("my notes\n")
    configured = configure(not_a_dir, server.url)
    assert configured.returncode == 2 and "is a file" in one_line(configured)
    wiped = kiosk(not_a_dir, "wipe", "--yes")
    assert wiped.returncode == 2 and "is a file" in one_line(wiped)
    assert not_a_dir.read_text() == "my notes\n"


def test_a_wipe_that_cannot_finish_removes_nothing(server: ServerThread, tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    assert configure(data_dir, server.url).returncode == 0
    assert kiosk_json(data_dir, "sync", "--once")["ok"]
    assert kiosk_json(data_dir, "scan", server.sample_codes(1)[0])["queued"]
    # Something kiosk never wrote, in the place of one of its files: the wipe must stop before it starts.
    (data_dir / "staff-pin.json").mkdir()
    (data_dir / "staff-pin.json" / "keep.txt").write_text("x")
    before = sorted(p.name for p in data_dir.iterdir())
    wiped = kiosk(data_dir, "wipe", "--yes")
    assert wiped.returncode == 2 and "Nothing was wiped" in one_line(wiped)
    assert sorted(p.name for p in data_dir.iterdir()) == before
    assert kiosk_json(data_dir, "status")["queued"] == 1


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write to a read-only dir")
def test_a_wipe_of_a_read_only_data_dir_is_one_line_and_removes_nothing(server: ServerThread, tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    assert configure(data_dir, server.url).returncode == 0
    before = sorted(p.name for p in data_dir.iterdir())
    data_dir.chmod(0o500)
    try:
        wiped = kiosk(data_dir, "wipe", "--yes")
    finally:
        data_dir.chmod(0o700)
    assert wiped.returncode == 2 and "read-only" in one_line(wiped)
    assert sorted(p.name for p in data_dir.iterdir()) == before


# -- settings that can never work -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://127.0.0.1:99999/", "http://127.0.0.1:0/", "not a url", "ftp://127.0.0.1/", "http://"]
)
def test_a_malformed_server_address_is_a_usage_error(url: str, tmp_path: Path) -> None:
    result = configure(tmp_path / "station", url)
    assert result.returncode == 2, result.stderr  # a retrying provisioning script must not retry a typo
    assert "server address" in one_line(result) or "port" in result.stderr
    assert not (tmp_path / "station").exists()


@pytest.mark.parametrize("interval", ["0", "-5", "nan", "inf", "0.2", "100000"])
def test_a_nonsense_pull_interval_is_refused(interval: str, server: ServerThread, tmp_path: Path) -> None:
    result = configure(tmp_path / "station", server.url, f"--pull-interval={interval}")
    assert result.returncode == 2 and "pull interval" in one_line(result)
    assert not (tmp_path / "station" / "config.json").exists()


# -- the API key without `ps` seeing it -------------------------------------------------------------------


def test_the_api_key_comes_from_a_file_stdin_or_the_environment(server: ServerThread, tmp_path: Path) -> None:
    key_file = tmp_path / "key.txt"
    key_file.write_text(API_KEY + "\n")
    from_file = configure(tmp_path / "a", server.url, key=("--api-key-file", str(key_file)))
    from_stdin = configure(tmp_path / "b", server.url, key=("--api-key-file", "-"), input=API_KEY + "\n")
    from_env = configure(tmp_path / "c", server.url, key=(), env=child_env(KIOSK_API_KEY=API_KEY))
    for result, name in ((from_file, "a"), (from_stdin, "b"), (from_env, "c")):
        assert result.returncode == 0, result.stderr
        assert kiosk_json(tmp_path / name, "sync", "--once")["ok"]
    missing = configure(tmp_path / "d", server.url, key=())
    assert missing.returncode == 2 and "KIOSK_API_KEY" in one_line(missing)
    wrong = configure(tmp_path / "e", server.url, key=("--api-key-file", "-"), input="not-the-key\n")
    assert wrong.returncode == 1 and "API key" in one_line(wrong)
    help_text = kiosk(tmp_path / "f", "configure", "--help").stdout
    assert "--api-key-file" in help_text and "KIOSK_API_KEY" in help_text


# -- one line per failure ---------------------------------------------------------------------------------


class TamperingFront:
    """A loopback HTTP front to the reference server that answers the chosen paths with its own body."""

    def __init__(self, upstream: str, answers: dict[str, bytes]) -> None:
        front = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path in front.answers:
                    status, answer = 200, front.answers[self.path]
                else:
                    with httpx.Client(trust_env=False, timeout=30) as client:
                        response = client.post(
                            upstream + self.path, content=body, headers={"Content-Type": "application/json"}
                        )
                    status, answer = response.status_code, response.content
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.answers = answers
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# The path answered, the answer, and how many changes stay queued (the list comes after the upload).
# NOW becomes the server's time when the answer is sent, so that no clock warning adds a line of its own
# (an answer dated at collection time is minutes old by the time a whole suite reaches this test).
UNEXPECTED = {
    "upload without results": ("/api/v1/guest/update", b'{"status": "success", "dateTime": NOW}', 1),
    "guest list of the wrong shape": (
        "/api/v1/guest/list/recent",
        b'{"status": "success", "dateTime": NOW, "guests": "none"}',
        0,
    ),
}


def dated_now(answer: bytes) -> bytes:
    return answer.replace(b"NOW", json.dumps(datetime.now(UTC).isoformat()).encode())


@pytest.mark.parametrize("case", sorted(UNEXPECTED))
def test_an_unexpected_server_answer_is_exactly_one_line(case: str, server: ServerThread, tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    path, template, queued = UNEXPECTED[case]
    front = TamperingFront(server.url, {})
    try:
        assert configure(data_dir, front.url).returncode == 0
        assert kiosk_json(data_dir, "sync", "--once")["ok"]
        assert kiosk_json(data_dir, "scan", server.sample_codes(1)[0])["queued"]
        front.answers[path] = dated_now(template)
        result = kiosk(data_dir, "sync", "--once")
    finally:
        front.close()
    assert result.returncode == 1
    assert "unexpected" in one_line(result)
    assert kiosk_json(data_dir, "status")["queued"] == queued  # and nothing was lost


def test_a_login_answer_of_the_wrong_shape_is_one_line(server: ServerThread, tmp_path: Path) -> None:
    front = TamperingFront(server.url, {"/api/v1/login": b'{"status": "success"}'})
    try:
        result = configure(tmp_path / "station", front.url)
    finally:
        front.close()
    assert result.returncode == 1 and "login answer" in one_line(result)
    assert "cannot reach" not in result.stderr  # it answered; what it said was wrong


# -- names and server text on the operator's terminal ----------------------------------------------------


def test_hostile_names_cannot_drive_the_terminal(server: ServerThread, tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    code, other = server.sample_codes(2)
    guest = admin(server, "GET", "/admin/guests", params={"code": code})
    admin(server, "POST", "/admin/guests", json={"id": guest["id"], "fields": {"firstName": HOSTILE, "lastName": ""}})
    assert configure(data_dir, server.url, station="North\x1b]0;owned\x07").returncode == 0
    assert kiosk_json(data_dir, "sync", "--once")["ok"]

    scanned = kiosk(data_dir, "scan", code)
    assert scanned.returncode == 0 and no_controls(scanned.stdout), repr(scanned.stdout)
    assert len(scanned.stdout.splitlines()) == 1 and "\\x1b[2J" in scanned.stdout  # shown, not obeyed
    as_json = kiosk(data_dir, "scan", code, "--json")
    assert no_controls(as_json.stdout) and json.loads(as_json.stdout)["guest"]["name"] == HOSTILE

    # Another station's later change wins over this one: the conflict list names the guest.
    other_guest = admin(server, "GET", "/admin/guests", params={"code": other})
    assert kiosk_json(data_dir, "scan", other)["queued"]
    admin(
        server,
        "POST",
        "/admin/guests",
        json={
            "id": other_guest["id"],
            "fields": {"firstName": HOSTILE},
            "clientUpdateDateTime": "2099-01-01T00:00:00+00:00",
            "checkInDateTime": "2099-01-01T00:00:00+00:00",
        },
    )
    assert kiosk_json(data_dir, "sync", "--once")["conflicts"] == 1
    for args in (("conflicts",), ("status",)):
        shown = kiosk(data_dir, *args)
        assert shown.returncode == 0 and no_controls(shown.stdout + shown.stderr), repr(shown.stdout)
    assert "\\x1b" in kiosk(data_dir, "conflicts").stdout and "North\\x1b" in kiosk(data_dir, "status").stdout


# -- the headless sync loop -------------------------------------------------------------------------------


def run_sync_loop(data_dir: Path, seconds: float) -> tuple[list[dict[str, Any]], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "sync", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    time.sleep(seconds)
    proc.terminate()
    out, err = proc.communicate(timeout=20)
    return [json.loads(line) for line in out.splitlines() if line.strip()], err


def test_a_hand_edited_zero_interval_does_not_flood_the_server(server: ServerThread, tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    assert configure(data_dir, server.url).returncode == 0
    edit_config(data_dir, pull_interval_s=0)
    before = admin(server, "GET", "/admin/stats")["requests"]
    rounds, err = run_sync_loop(data_dir, 4.0)
    requests = admin(server, "GET", "/admin/stats")["requests"] - before
    assert rounds and all(r["ok"] for r in rounds), err
    # One pull a second at most (a login first); the old loop made about 16 a second.
    assert len(rounds) <= 5 and requests <= 8, (len(rounds), requests)


def test_a_sync_loop_against_a_closed_port_backs_off(tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    with ServerThread(tmp_path / "server.sqlite3", event_id=EVENT_ID, api_key=API_KEY, guests=5) as srv:
        assert configure(data_dir, srv.url).returncode == 0  # then the server goes: its port is closed
    edit_config(data_dir, pull_interval_s=0)
    rounds, err = run_sync_loop(data_dir, 4.0)
    assert rounds and not any(r["ok"] for r in rounds)
    # Attempts at about 0, 1, 3 s (doubling from 1 s, +-25 %); the old loop made hundreds a second.
    assert len(rounds) <= 5, len(rounds)
    assert err.strip() == "", err  # each round's failure is in its JSON line, nothing else


def test_a_sync_loop_stops_when_its_station_is_wiped(server: ServerThread, tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    assert configure(data_dir, server.url).returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "sync", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    try:
        assert proc.stdout is not None and json.loads(proc.stdout.readline())["ok"]
        assert kiosk(data_dir, "wipe", "--yes").returncode == 0
        wiped_at = time.monotonic()
        returncode = proc.wait(timeout=15)
        stopped_after = time.monotonic() - wiped_at
    finally:
        if proc.poll() is None:
            proc.kill()
        _, err = proc.communicate(timeout=20)
    assert returncode == 2 and stopped_after < 5
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "wiped" in lines[0], err
    assert list(data_dir.iterdir()) == []  # the stopping loop left nothing of the wiped station behind
