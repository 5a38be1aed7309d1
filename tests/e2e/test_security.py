"""What a station stores and shows: private files, no key or guest data in logs, TLS checks, wipe."""

from __future__ import annotations

import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from kiosk.platforms.invitario.emulator.run import ServerThread
from tests.e2e.procs import API_KEY, EVENT_ID, child_env, kiosk, kiosk_json

pytestmark = pytest.mark.slow


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(tmp_path / "server.sqlite3", event_id=EVENT_ID, api_key=API_KEY, guests=120, seed=5) as srv:
        yield srv


def configure(data_dir: Path, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return kiosk(data_dir, "configure", "--server", url, "--event-id", EVENT_ID, "--api-key", API_KEY,
                 "--station", "Sec", *extra)


def test_station_files_are_private_and_the_key_stays_out_of_everything(server: ServerThread,
                                                                       tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    assert configure(data_dir, server.url).returncode == 0
    outputs = [kiosk(data_dir, "-vv", "sync", "--once")]
    codes = server.sample_codes(3)
    outputs += [kiosk(data_dir, "-vv", "scan", c, "--json") for c in codes]
    outputs += [kiosk(data_dir, "-v", "status", "--json"), kiosk(data_dir, "-vv", "sync", "--once")]
    assert all(o.returncode == 0 for o in outputs), [o.stderr for o in outputs]

    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    for path in data_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path.name} is readable by others"
    for path in data_dir.iterdir():
        if path.name != "api-key":
            assert API_KEY.encode() not in path.read_bytes(), f"the API key leaked into {path.name}"
    for out in outputs:
        assert API_KEY not in out.stdout + out.stderr


def test_logs_carry_no_guest_personal_data_at_the_default_level(server: ServerThread, tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    configure(data_dir, server.url)
    sync = kiosk(data_dir, "sync", "--once")
    scans = [kiosk(data_dir, "scan", c) for c in server.sample_codes(3)]
    guests = [server.store.get_guest(g["id"]) for g in
              [kiosk_json(data_dir, "scan", c)["guest"] for c in server.sample_codes(3)]]
    personal = {str(g["fields"][k]) for g in guests if g for k in ("lastName", "email") if g["fields"].get(k)}
    assert personal
    logged = sync.stderr + "".join(s.stderr for s in scans)
    assert not any(p in logged for p in personal)


def test_untrusted_certificate_is_refused_and_a_given_ca_is_trusted(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file, ca_file = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    ca.cert_pem.write_to_path(str(ca_file))
    with ServerThread(tmp_path / "tls.sqlite3", event_id=EVENT_ID, api_key=API_KEY, guests=20,
                      ssl_certfile=cert_file, ssl_keyfile=key_file) as srv:
        assert srv.url.startswith("https://")
        refused = configure(tmp_path / "a", srv.url)
        assert refused.returncode == 1
        assert len(refused.stderr.strip().splitlines()) == 1 and "certificate" in refused.stderr
        assert configure(tmp_path / "b", srv.url, "--ca-bundle", str(ca_file)).returncode == 0
        assert kiosk_json(tmp_path / "b", "sync", "--once")["ok"]


def test_plain_http_to_a_public_address_is_refused(tmp_path: Path) -> None:
    result = configure(tmp_path / "s", "http://8.8.8.8:8765")
    assert result.returncode == 1 and "https" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "s" / "config.json").exists()


def test_wipe_needs_confirmation_then_removes_everything(server: ServerThread, tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    configure(data_dir, server.url)
    kiosk(data_dir, "sync", "--once")
    kiosk(data_dir, "scan", server.sample_codes(1)[0])
    refused = subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "wipe"],
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, env=child_env())
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert (data_dir / "kiosk.sqlite3").exists()
    done = kiosk(data_dir, "wipe", "--yes")
    assert done.returncode == 0, done.stderr
    assert [p.name for p in data_dir.iterdir()] == []
    after = kiosk(data_dir, "status")
    assert after.returncode == 2 and "kiosk configure" in after.stderr
