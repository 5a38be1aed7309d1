"""`kiosk demo`: in-process server, a station set up and synced, the sample-codes line, the server switch."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.app import open_station
from kiosk.demo import SERVER_DB, STATION, prepare
from kiosk.domain import Mode, VerdictKind
from kiosk.platforms.conferences_io.emulator import ConferencesIoServer
from kiosk.platforms.plandocket.emulator import PlanDocketServer
from kiosk.platforms.webkasa.emulator import WebkasaServer
from kiosk.storage import Store

ROOT = Path(__file__).resolve().parents[2]
CODES_LINE = re.compile(r"^Sample codes: ([A-Z0-9]{8}) ([A-Z0-9]{8}) ([A-Z0-9]{8})$")




def child_env() -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1", KIOSK_SOUND="off")
    return env


def test_prepare_syncs_a_station_whose_sample_codes_are_admitted(tmp_path: Path) -> None:
    demo, error = asyncio.run(prepare(tmp_path, 120))
    try:
        assert error is None
        assert len(demo.codes) == 3 and demo.server_online
        station = open_station(tmp_path)
        try:
            assert station.store.counts()["guests"] == 120
            for code in demo.codes:
                outcome = station.checkin.scan(code, Mode.CHECK_IN)
                assert outcome.kind is VerdictKind.ADMITTED, code
        finally:
            asyncio.run(station.aclose())
    finally:
        demo.close()
    assert (tmp_path / SERVER_DB).is_file()


def test_the_plandocket_demo_admits_its_sample_codes_and_uploads_them(tmp_path: Path) -> None:
    demo, error = asyncio.run(prepare(tmp_path, 80, platform="plandocket"))
    try:
        assert error is None and len(demo.codes) == 3
        async def at_the_door() -> None:
            station = open_station(tmp_path)
            try:
                assert station.config.platform == "plandocket" and station.store.counts()["guests"] == 80
                for code in demo.codes:  # customer numbers: the badge field on PlanDocket
                    assert station.checkin.scan(code, Mode.CHECK_IN).kind is VerdictKind.ADMITTED, code
                assert (await station.make_sync().run_once()).ok
                assert station.store.queued_count() == 0
            finally:
                await station.aclose()

        asyncio.run(at_the_door())
        server = demo.server
        assert isinstance(server, PlanDocketServer)
        assert len([c for c in server.state.check_ins.values() if c.station == STATION]) == 3
    finally:
        demo.close()


def test_the_webkasa_demo_admits_its_sample_registration_ids_and_keeps_them_on_the_station(tmp_path: Path) -> None:
    demo, error = asyncio.run(prepare(tmp_path, 80, platform="webkasa"))
    try:
        assert error is None and len(demo.codes) == 3
        assert all(code.startswith("reg_") for code in demo.codes)  # registration ids

        async def at_the_door() -> None:
            station = open_station(tmp_path)
            try:
                assert station.config.platform == "webkasa" and station.store.counts()["guests"] == 80
                for code in demo.codes:
                    assert station.checkin.scan(code, Mode.CHECK_IN).kind is VerdictKind.ADMITTED, code
                assert (await station.make_sync().run_once()).ok
                assert station.store.queued_count() == 3  # Webkasa takes no check-ins
            finally:
                await station.aclose()

        asyncio.run(at_the_door())
        server = demo.server
        assert isinstance(server, WebkasaServer)
        assert {s.method for s in server.state.seen} == {"GET"}
    finally:
        demo.close()


def test_the_conferences_io_demo_serves_its_keynote_admits_external_ids_and_keeps_them_on_the_station(
    tmp_path: Path,
) -> None:
    demo, error = asyncio.run(prepare(tmp_path, 80, platform="conferences-io"))
    try:
        assert error is None and len(demo.codes) == 3
        assert all(code.startswith("ATT-") for code in demo.codes)  # external ids

        async def at_the_door() -> None:
            station = open_station(tmp_path)
            try:
                assert (station.config.platform, station.config.session) == ("conferences-io", "keyn")
                assert station.config.server_url.endswith("/api/v2") and station.store.counts()["guests"] == 80
                for code in demo.codes:
                    assert station.checkin.scan(code, Mode.CHECK_IN).kind is VerdictKind.ADMITTED, code
                assert (await station.make_sync().run_once()).ok
                assert station.store.queued_count() == 3  # Conferences i/o takes no check-ins
            finally:
                await station.aclose()

        asyncio.run(at_the_door())
        server = demo.server
        assert isinstance(server, ConferencesIoServer)
        assert {s.method for s in server.state.seen} == {"GET"}
    finally:
        demo.close()
    again, error = asyncio.run(prepare(tmp_path, 80, platform="conferences-io"))  # the same dir, the same station
    try:
        reopened = open_station(tmp_path)
        assert error is None and reopened.config.server_url == again.server.url + "/api/v2"
        asyncio.run(reopened.aclose())
    finally:
        again.close()


def test_the_conferences_io_demo_command_quits_after_its_seconds(tmp_path: Path) -> None:
    result = run_demo("--data-dir", str(tmp_path), "--guests", "30", "--offscreen-seconds", "1.5",
                      "--platform", "conferences-io")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"Sample codes: ATT-\d{6} ATT-\d{6} ATT-\d{6}", result.stdout.strip()), result.stdout
    assert "Traceback" not in result.stderr


def test_the_server_switch_keeps_port_and_data(tmp_path: Path) -> None:
    demo, _ = asyncio.run(prepare(tmp_path, 50))
    try:
        url = demo.server.url
        demo.set_server_online(False)
        assert not demo.server_online
        demo.set_server_online(True)
        assert demo.server_online and demo.server.url == url
        assert demo.server.sample_codes(3) == demo.codes
    finally:
        demo.close()


def test_running_again_on_the_same_dir_reuses_station_and_server(tmp_path: Path) -> None:
    first, _ = asyncio.run(prepare(tmp_path, 60))
    first.close()
    station = open_station(tmp_path)
    station.checkin.scan(first.codes[0], Mode.CHECK_IN)  # queued while the demo is not running
    asyncio.run(station.aclose())
    second, error = asyncio.run(prepare(tmp_path, 60))
    try:
        assert error is None
        with Store.open(tmp_path / "kiosk.sqlite3") as mirror:
            assert mirror.queued_count() == 0  # the second start uploaded it to the same server
            assert mirror.counts()["guests"] == 60
        assert first.codes[0] not in second.codes  # checked in now, so no longer a sample
    finally:
        second.close()


def run_demo(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", "demo", *args], capture_output=True, text=True,
                          timeout=timeout, env=child_env(), cwd=ROOT)


@pytest.mark.timeout(120)
def test_the_demo_command_prints_one_line_of_codes_and_quits(tmp_path: Path) -> None:
    result = run_demo("--data-dir", str(tmp_path), "--guests", "150", "--offscreen-seconds", "1.5")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    match = CODES_LINE.match(lines[0])
    assert match is not None, lines[0]
    with Store.open(tmp_path / "kiosk.sqlite3") as mirror:
        assert mirror.counts()["guests"] == 150
        assert all(mirror.find_guest(code.casefold()) is not None for code in match.groups())
    assert "Traceback" not in result.stderr


@pytest.mark.timeout(120)
def test_without_a_data_dir_the_demo_cleans_up_after_itself() -> None:
    result = run_demo("--guests", "40", "--offscreen-seconds", "1")
    assert result.returncode == 0, result.stderr
    found = re.search(r"station data in (\S+)", result.stderr)
    assert found is not None, result.stderr
    assert not Path(found.group(1)).exists()


def test_bad_demo_arguments_get_a_plain_answer() -> None:
    result = run_demo("--guests", "0")
    assert result.returncode == 2
    assert result.stderr.strip() == "kiosk: --guests must be at least 1"
