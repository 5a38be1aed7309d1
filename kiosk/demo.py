"""`kiosk demo`: an emulated server in this process, a station set up against it, and the window.

`--platform plandocket`, `webkasa` or `conferences-io` runs that platform's emulator (in memory) instead of
the reference server (Conferences i/o: the station serves the emulator's keynote session).

Layout of the demo's data dir (a temporary one unless --data-dir is given): the station's own files
(config, API key, mirror) at its top, so `kiosk --data-dir DIR status` works on it, and the demo server's
database in `demo-server.sqlite3` beside them. Running the demo again on the same dir reuses both.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from kiosk.app import configure_station, open_station
from kiosk.platforms import platform_named
from kiosk.platforms.base import RemoteError
from kiosk.platforms.conferences_io.emulator import ConferencesIoServer, ConferencesIoState
from kiosk.platforms.invitario.emulator.run import ServerThread
from kiosk.platforms.plandocket.emulator import PlanDocketServer, PlanDocketState
from kiosk.platforms.webkasa.emulator import WebkasaServer, WebkasaState
from kiosk.storage import StoreError
from kiosk.storage.config import ConfigError, StationConfig, ensure_private_dir, load_config, save_config

log = logging.getLogger(__name__)

EVENT_ID = "demo"
API_KEY = "demo-key"
EVENT_NAME = "Kiosk Demo Conference"
STATION = "Demo entrance"
SERVER_DB = "demo-server.sqlite3"
PULL_INTERVAL_S = 5.0
SAMPLE_COUNT = 3
# The Conferences i/o emulator's session that every attendee is preloaded for.
SESSION = "keyn"


class EmulatedServer(Protocol):
    """What the demo needs of an emulator: the reference server's and the PlanDocket one's common part."""

    @property
    def url(self) -> str: ...

    @property
    def running(self) -> bool: ...

    def start(self) -> object: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...

    def sample_codes(self, n: int) -> list[str]: ...


@dataclass
class DemoServer:
    """The in-process server and the sample codes; switched off and on by the window's demo switch."""

    server: EmulatedServer
    codes: list[str]

    @property
    def server_online(self) -> bool:
        return self.server.running

    def set_server_online(self, online: bool) -> None:
        # Same port and database: stations see the same server come back, with its data.
        if online:
            self.server.start()
        else:
            self.server.stop()

    def close(self) -> None:
        self.server.close()


def _previous_demo(data_dir: Path, platform: str) -> StationConfig | None:
    try:
        config = load_config(data_dir)
    except ConfigError:
        return None
    return config if config.event_id == EVENT_ID and config.platform == platform else None


def start_server(data_dir: Path, guests: int, previous: StationConfig | None,
                 platform: str = "invitario") -> EmulatedServer:
    """The demo server, on the port this data dir used before when it is still free."""
    port = (urlsplit(previous.server_url).port or 0) if previous else 0
    server: ServerThread | PlanDocketServer | WebkasaServer | ConferencesIoServer
    if platform == "conferences-io":
        cnf = ConferencesIoState(api_key=API_KEY, name=EVENT_NAME)
        cnf.generate(guests)
        server = ConferencesIoServer(cnf, port=port, session=SESSION)
    elif platform == "webkasa":
        webkasa = WebkasaState(event_id=EVENT_ID, api_key=API_KEY)
        webkasa.generate(guests)
        server = WebkasaServer(webkasa, port=port)
    elif platform == "plandocket":
        state = PlanDocketState(event_key=EVENT_ID, api_key=API_KEY, title=EVENT_NAME)
        state.generate(guests)
        server = PlanDocketServer(state, port=port)
    else:
        server = ServerThread(data_dir / SERVER_DB, event_id=EVENT_ID, api_key=API_KEY, guests=guests,
                              event_name=EVENT_NAME, company="Kiosk", port=port)
    try:
        server.start()
    except OSError:  # another program took the port meanwhile: any free one will do
        server.port = 0
        server.start()
    return server


async def prepare(data_dir: Path, guests: int, *, pull_interval: float = PULL_INTERVAL_S,
                  station_name: str = STATION, platform: str = "invitario") -> tuple[DemoServer, str | None]:
    """Start the server, set up the station, sync once; returns the server and the sync error, if any."""
    ensure_private_dir(data_dir)
    previous = _previous_demo(data_dir, platform)
    server = start_server(data_dir, guests, previous, platform)
    try:
        # Conferences i/o's API lives under /api/v2 of its address.
        url = server.api_url if isinstance(server, ConferencesIoServer) else server.url
        if previous is not None:
            # The same server database as last time: the mirror is still right, only the port may differ.
            save_config(data_dir, replace(previous, server_url=url))
        else:
            sessions = platform_named(platform).needs_session
            config = StationConfig(server_url=url, event_id=EVENT_ID, station=station_name,
                                   event_name=EVENT_NAME, pull_interval_s=pull_interval, platform=platform,
                                   badge_field=platform_named(platform).badge_field,
                                   session=SESSION if sessions else "")
            await configure_station(data_dir, config, API_KEY)
        # A throwaway station for the first sync: its HTTP client belongs to this asyncio loop, and the
        # window runs on another one.
        station = open_station(data_dir)
        try:
            report = await station.make_sync().run_once()
            await station.connector.logout()
        finally:
            await station.aclose()
        codes = server.sample_codes(SAMPLE_COUNT)
    except BaseException:
        server.close()
        raise
    return DemoServer(server, codes), report.error


def run_demo(data_dir: Path | None = None, *, guests: int = 500, offscreen_seconds: float | None = None,
             quit_after: float | None = None, fullscreen: bool = False, platform: str = "invitario",
             language: str | None = None) -> int:
    """The whole demo; prints exactly one line on stdout: `Sample codes: A B C`."""
    if offscreen_seconds is not None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        quit_after = offscreen_seconds
    temporary = data_dir is None
    work_dir = Path(tempfile.mkdtemp(prefix="kiosk-demo-")) if data_dir is None else data_dir
    try:
        try:
            demo, sync_error = asyncio.run(prepare(work_dir, guests, platform=platform))
        except (ConfigError, StoreError, RemoteError, OSError, RuntimeError) as err:
            print(f"kiosk: the demo could not start: {err}", file=sys.stderr)
            return 1
        except Exception as err:  # e.g. the demo server's database is unusable: one line, details in -v
            log.debug("demo start failed", exc_info=True)
            print(f"kiosk: the demo could not start ({type(err).__name__}): {err}", file=sys.stderr)
            return 1
        try:
            if sync_error:
                print(f"kiosk: the first sync did not complete: {sync_error}", file=sys.stderr)
            print(f"kiosk demo: server {demo.server.url} (event {EVENT_ID!r}, API key {API_KEY!r}), "
                  f"station data in {work_dir}", file=sys.stderr, flush=True)
            print("Sample codes: " + " ".join(demo.codes), flush=True)
            from kiosk.ui.qt_app import run_window

            return run_window(open_station(work_dir), demo=demo, fullscreen=fullscreen, quit_after=quit_after,
                              language=language)
        finally:
            demo.close()
    finally:
        if temporary:
            shutil.rmtree(work_dir, ignore_errors=True)
