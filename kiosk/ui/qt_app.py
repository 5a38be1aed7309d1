"""Starting the kiosk window: QApplication, the qasync loop, the scanner filter, controller and window."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from kiosk.platforms.base import EventInfo
from kiosk.services.pin import PinGuard
from kiosk.services.station import Station
from kiosk.storage import StoreError
from kiosk.storage.config import ConfigError, StationConfig
from kiosk.ui.controller import StationController
from kiosk.ui.gc_schedule import DownloadWatch, garbage_collected_on_qt_thread
from kiosk.ui.i18n import choose_language, use_language
from kiosk.ui.main_window import MainWindow
from kiosk.ui.scan_filter import install as install_scan_filter
from kiosk.ui.scanner import ScannerSettings
from kiosk.ui.sounds import Sounds

log = logging.getLogger(__name__)

LOGOUT_TIMEOUT_S = 3.0
# run_station_window's answer when the station is to be opened again (staff switched the door's session).
REOPEN = -1


class DemoHooks(Protocol):
    """What the demo adds to the window: sample codes and a switch for its in-process server."""

    @property
    def codes(self) -> Sequence[str]: ...

    @property
    def server_online(self) -> bool: ...

    def set_server_online(self, online: bool) -> None:
        """Blocking (stops or starts a server): the window calls it from a worker thread."""


def scanner_settings(config: StationConfig) -> ScannerSettings:
    """Scanner timing from the config's `extra["scanner"]`; bad values fall back to the defaults."""
    raw = config.extra.get("scanner") if isinstance(config.extra, dict) else None
    if not isinstance(raw, dict):
        return ScannerSettings()
    try:
        return ScannerSettings(**raw)
    except (TypeError, ValueError) as err:
        log.warning("scanner settings in the config are not usable (%s): using the defaults", err)
        return ScannerSettings()


def _application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("kiosk")
    app.setApplicationDisplayName("Check-in")
    app.setQuitOnLastWindowClosed(False)  # dialogs and windows come and go; the coroutine decides the end
    return app


def _run_on_qt_loop(main: Callable[[QApplication], Awaitable[int]]) -> int:
    app = _application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(main(app))
    finally:
        loop.close()
        asyncio.set_event_loop(None)


@contextlib.contextmanager
def _stop_signals_close(window: MainWindow) -> Iterator[None]:
    """SIGTERM / SIGINT close the window like staff would, so sync stops cleanly and nothing is lost.

    Python runs signal handlers only between bytecodes; the controller's one-second status timer keeps
    Python busy enough that the close follows within about a second.
    """
    previous: dict[signal.Signals, object] = {}

    def handler(signum: int, frame: object) -> None:
        QTimer.singleShot(0, window.close_now)

    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(ValueError, OSError):  # not the main thread: leave signals alone
            previous[signum] = signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(signum, old)  # type: ignore[arg-type]




async def run_station_window(
    app: QApplication,
    station: Station,
    *,
    demo: DemoHooks | None = None,
    fullscreen: bool = False,
    quit_after: float | None = None,
    switch_session: Callable[[str], Awaitable[object]] | None = None,
    language: str | None = None,
) -> int:
    """Show the window for `station` until it is closed; then stop sync and close the station.

    `language` ("de", "en") is `--language`; without it the station's setting, then the system locale.
    REOPEN when staff switched the door to another session (`switch_session`, saved by then): the caller opens
    the station again on its new settings.
    """
    use_language(app, choose_language(language, station.config.language))
    # The window decides when the app ends: after the sync loop has stopped, not when it disappears.
    app.setQuitOnLastWindowClosed(False)
    scan_filter = install_scan_filter(app, scanner_settings(station.config))
    controller = StationController(station)
    window = MainWindow(controller, pin_guard=PinGuard(station.data_dir), sounds=Sounds(), scan_filter=scan_filter,
                        switch_session=switch_session)
    if demo is not None:
        from kiosk.ui.demo_panel import attach_demo  # only the demo needs it (and python-barcode)

        attach_demo(window, demo)
    scan_filter.scanned.connect(controller.handle_scan)
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    controller.start(asyncio.get_running_loop())
    if fullscreen:
        window.showFullScreen()
    else:
        window.show()
    if quit_after is not None:
        QTimer.singleShot(int(quit_after * 1000), window.close_now)
    download = DownloadWatch()
    controller.sync_progress.connect(download.progressed)
    controller.synced.connect(download.ended)
    with garbage_collected_on_qt_thread(app, download.busy):
        try:
            with _stop_signals_close(window):
                await closed.wait()
        finally:
            await controller.stop()
            scan_filter.remove()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(station.connector.logout(), LOGOUT_TIMEOUT_S)
            await station.aclose()
            window.deleteLater()
    return REOPEN if window.reopen else 0


def run_window(station: Station, *, demo: DemoHooks | None = None, fullscreen: bool = False,
               quit_after: float | None = None, language: str | None = None) -> int:
    """Run the kiosk window for a configured station; returns the process exit status."""
    return _run_on_qt_loop(lambda app: run_station_window(app, station, demo=demo, fullscreen=fullscreen,
                                                          quit_after=quit_after, language=language))


OpenStation = Callable[[Path], Station]
Configure = Callable[[Path, StationConfig, str], Awaitable[EventInfo]]
SwitchSession = Callable[[Path, str], Awaitable[EventInfo]]


async def ask_setup(data_dir: Path, configure: Configure) -> bool:
    """The first-run dialog; True once the server accepted the settings (`configure` saved them)."""
    from kiosk.ui.setup_dialog import SetupDialog  # only a first run needs it

    async def validate(config: StationConfig, api_key: str) -> EventInfo:
        return await configure(data_dir, config, api_key)

    dialog = SetupDialog(validate)
    answered: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def finished(code: int) -> None:
        if not answered.done():
            answered.set_result(code)

    dialog.finished.connect(finished)
    dialog.open()
    try:
        return await answered == QDialog.DialogCode.Accepted.value
    finally:
        dialog.deleteLater()


def run_first_run(data_dir: Path, *, open_station: OpenStation, configure: Configure,
                  switch_session: SwitchSession | None = None, fullscreen: bool = False,
                  language: str | None = None) -> int:
    """The window if this data dir holds a station, else the setup dialog first; exit status.

    The composition root passes `open_station` and `configure` (kiosk.app's open_station and
    configure_station): ui sits below app in the layers, so it is handed them rather than importing.
    """

    async def main(app: QApplication) -> int:
        try:
            station = open_station(data_dir)
        except ConfigError:
            use_language(app, choose_language(language, None))  # the setup dialog, before any station setting
            if not await ask_setup(data_dir, configure):
                return 1
            station = open_station(data_dir)
        switch = None if switch_session is None else functools.partial(switch_session, data_dir)
        while (code := await run_station_window(app, station, fullscreen=fullscreen, switch_session=switch,
                                                language=language)) == REOPEN:
            station = open_station(data_dir)
        return code

    try:
        return _run_on_qt_loop(main)
    except (ConfigError, StoreError) as err:
        print(f"kiosk: {err}", file=sys.stderr)
        return 2
