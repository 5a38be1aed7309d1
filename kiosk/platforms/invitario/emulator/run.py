"""Running the reference server inside the current process: uvicorn on a background thread."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from kiosk.platforms.invitario.emulator.app import SeedReport, create_app, open_state
from kiosk.platforms.invitario.emulator.state import ServerConfig, ServerState
from kiosk.platforms.invitario.emulator.store import ServerStore


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto given explicitly: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say IPPROTO_TCP,
    # and with Nagle on, every small answer waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        if os.name == "posix":
            # Lets a restart take the same port while old connections linger in TIME_WAIT. (On Windows
            # this option would let two servers share a port, so it is left off there.)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


class ServerThread:
    """The reference server on host:port (127.0.0.1 and a free port by default), in a daemon thread.

    `start()` returns once it accepts connections; `stop()` ends it; starting again reuses the same port
    and the same database, so a test or the demo can take the server "offline" and bring it back.
    Usable as a context manager (start, then stop and close the database).
    """

    def __init__(
        self,
        db_path: str | Path,
        *,
        event_id: str = "demo",
        api_key: str = "demo-key",
        guests: int = 0,
        seed: int = 1,
        import_csv: str | Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        event_name: str = "Demo Event",
        company: str = "Kiosk Demo",
        token_lifetime: float = 24 * 3600.0,
        latency_ms: float = 0.0,
        failure_rate: float = 0.0,
        clock_offset: float = 0.0,
        utc_offset_minutes: int = 0,
        hang_seconds: float = 30.0,
        ssl_certfile: str | Path | None = None,
        ssl_keyfile: str | Path | None = None,
    ) -> None:
        config = ServerConfig(
            event_id=event_id,
            api_key=api_key,
            event_name=event_name,
            company=company,
            token_lifetime=token_lifetime,
            latency_ms=latency_ms,
            failure_rate=failure_rate,
            clock_offset=clock_offset,
            utc_offset_minutes=utc_offset_minutes,
            seed=seed,
            hang_seconds=hang_seconds,
        )
        self.db_path = Path(db_path)
        self.state: ServerState
        self.seed_report: SeedReport
        self.state, self.seed_report = open_state(
            self.db_path, config, guests=guests, import_csv_path=import_csv
        )
        self.host = host
        self.port = port
        # TLS, for tests of certificate checks and for events that serve a station over https.
        self.ssl_certfile = str(ssl_certfile) if ssl_certfile else None
        self.ssl_keyfile = str(ssl_keyfile) if ssl_keyfile else None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        scheme = "https" if self.ssl_certfile else "http"
        return f"{scheme}://{host}:{self.port}"

    @property
    def store(self) -> ServerStore:
        return self.state.store

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def sample_codes(self, n: int) -> list[str]:
        return self.store.sample_codes(n)

    def start(self, timeout: float = 15.0) -> ServerThread:
        if self.running:
            return self
        sock = bind_socket(self.host, self.port)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(self.state),
            # Leave the process's logging set-up alone; only quieten uvicorn's own loggers.
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            # Hung requests (an injected "hang") must not hold up stop() for long.
            timeout_graceful_shutdown=1,
            ssl_certfile=self.ssl_certfile,
            ssl_keyfile=self.ssl_keyfile,
        )
        server = uvicorn.Server(config)
        self._server, self._error = server, None
        self._thread = threading.Thread(
            target=self._serve, args=(server, sock), name=f"kiosk-server-{self.port}"
        )
        self._thread.daemon = True
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                sock.close()
                raise RuntimeError(f"reference server did not start on {self.url}: {self._error!r}")
            time.sleep(0.01)
        return self

    def _serve(self, server: uvicorn.Server, sock: socket.socket) -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as err:  # reported by start(); a thread has nobody else to tell
            self._error = err
        finally:
            sock.close()

    def stop(self, timeout: float = 10.0) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(timeout)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout)
        self._server = self._thread = None

    def close(self) -> None:
        self.stop()
        self.store.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state: Any = "running" if self.running else "stopped"
        return f"<ServerThread {self.url} {state} db={self.db_path}>"
