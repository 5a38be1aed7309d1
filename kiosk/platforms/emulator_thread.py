"""An in-memory emulator's HTTP server on a daemon thread (tests, the demo) or until Ctrl-C (`kiosk serve`).

Shared by the emulators that keep their data in memory (PlanDocket, Webkasa); it knows no platform, and no
connector code: an emulator stands for the server, and must not agree with a connector by sharing code.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Self

import uvicorn

from kiosk.platforms.invitario.emulator.run import bind_socket


class EmulatorThread:
    """`make_app()` served on host:port (127.0.0.1 and a free port by default); a context manager."""

    title = "emulator"

    def __init__(self, make_app: Callable[[], Any], *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._make_app = make_app
        self.host, self.port = host, port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout: float = 15.0) -> Self:
        if self.running:
            return self
        sock = bind_socket(self.host, self.port)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self._make_app(), log_config=None, log_level="warning", access_log=False,
                                lifespan="off", timeout_graceful_shutdown=1,
                                date_header=False)  # the app sends its own Date (with the clock fault)
        server = self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                                        name=f"{self.title}-{self.port}")
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the {self.title} emulator did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(10)
            if self._thread.is_alive():
                self._server.force_exit = True
                self._thread.join(10)
        self._server = self._thread = None

    def close(self) -> None:
        self.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_until_stopped(server: EmulatorThread, banner: Callable[[str], str]) -> int:
    """Serve until Ctrl-C or SIGTERM, printing `banner(url)` once listening; 2 (one line) if it cannot listen."""
    try:
        server.start()
    except (OSError, RuntimeError) as err:
        print(f"kiosk serve: cannot listen on {server.host}:{server.port}: {err}", file=sys.stderr)
        return 2
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(banner(server.url), flush=True)
        while not stop.wait(0.5):  # a timed wait notices Ctrl-C promptly
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.stop()
    return 0
