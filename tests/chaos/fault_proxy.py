"""A loopback TCP proxy with switchable faults: latency, refused connections, resets, a black hole.

It runs its own asyncio loop in a daemon thread and sits between a client and one upstream server,
both on 127.0.0.1. The faults are what a flaky network does to a station, below HTTP:

- latency: every chunk, in both directions, is delivered `ms` after it arrived (a delay line, so a
  long answer is late by `ms` once, not once per chunk);
- refuse: the proxy stops listening (new connections get ECONNREFUSED) and resets open ones;
- reset after N bytes: each connection forwards N more bytes of answer, then is reset (SO_LINGER 0,
  so the client sees ECONNRESET, not a clean end), typically after the server has done the work;
- black hole: connections are accepted (and open ones kept) but nothing is forwarded or answered
  ever again, so the client waits for its own timeout;
- pass-through: none of the above (latency is set separately and stays until changed).

Every control method returns once the proxy behaves the new way.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import socket
import struct
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")
_CHUNK = 64 * 1024


class Fault(enum.StrEnum):
    PASS = "pass"
    REFUSE = "refuse"
    RESET = "reset"
    BLACK_HOLE = "black_hole"


@dataclass
class ProxyStats:
    """What the proxy has done so far (read it from any thread; values only grow)."""

    accepted: int = 0
    upstream_failures: int = 0
    resets: int = 0
    black_holed: int = 0


class _Link:
    """One client connection and, unless it was black-holed from the start, its upstream connection."""

    def __init__(self, client: asyncio.StreamWriter) -> None:
        self.client = client
        self.upstream: asyncio.StreamWriter | None = None
        self.black_holed = False
        self.down_total = 0
        # Bytes of answer counted for a reset are those since the reset fault was (re)armed.
        self.armed_generation = -1
        self.armed_base = 0


def _rst(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset instead of a FIN: the peer's next read fails with ECONNRESET."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    """127.0.0.1:port -> upstream_host:upstream_port. Use as a context manager, or start() and stop()."""

    def __init__(self, upstream_port: int, *, upstream_host: str = "127.0.0.1", port: int = 0) -> None:
        self.upstream_host = upstream_host
        self.upstream_port = upstream_port
        self.host = "127.0.0.1"
        self.port = port
        self.stats = ProxyStats()
        self._fault = Fault.PASS
        self._latency = 0.0
        self._reset_bytes = 0
        self._generation = 0
        self._links: set[_Link] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None

    # --- lifecycle (any thread)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def fault(self) -> Fault:
        return self._fault

    @property
    def latency_ms(self) -> float:
        return self._latency * 1000

    def start(self) -> FaultProxy:
        if self._thread is not None:
            return self
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy", daemon=True)
        self._thread.start()
        self._call(self._listen())
        return self

    def stop(self) -> None:
        """Close the listener and every connection; the proxy cannot be started again."""
        if self._thread is None:
            return
        with contextlib.suppress(RuntimeError, TimeoutError):
            self._call(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = None
        if not self._loop.is_running():
            self._loop.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- faults (any thread)

    def pass_through(self) -> None:
        """Forward everything again (a refused proxy listens again; black-holed links stay dead)."""
        self._call(self._set(Fault.PASS))

    def refuse(self) -> None:
        """Stop listening and reset every open connection: the server looks switched off."""
        self._call(self._set(Fault.REFUSE))

    def reset_after(self, n_bytes: int) -> None:
        """From now on, reset each connection after it has carried `n_bytes` more bytes of answer."""
        if n_bytes < 0:
            raise ValueError("n_bytes must be 0 or more")
        self._call(self._set(Fault.RESET, n_bytes))

    def black_hole(self) -> None:
        """Accept, then never answer; open connections stop answering too."""
        self._call(self._set(Fault.BLACK_HOLE))

    def set_latency(self, ms: float) -> None:
        """Delay every chunk in both directions by `ms` (0 for none); combines with any fault."""
        if ms < 0:
            raise ValueError("latency must be 0 or more")
        self._latency = ms / 1000

    def open_connections(self) -> int:
        return self._call(self._count())

    # --- inside the loop

    def _call(self, coro: Coroutine[Any, Any, T], timeout: float = 10.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _count(self) -> int:
        return len(self._links)

    async def _listen(self) -> None:
        if self._server is not None:
            return
        self._server = await asyncio.start_server(self._accept, self.host, self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _unlisten(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()

    async def _set(self, fault: Fault, reset_bytes: int = 0) -> None:
        self._fault = fault
        if fault is Fault.REFUSE:
            await self._unlisten()
            for link in list(self._links):
                self._drop(link)
            return
        await self._listen()
        if fault is Fault.RESET:
            self._reset_bytes = reset_bytes
            self._generation += 1
        elif fault is Fault.BLACK_HOLE:
            for link in self._links:
                self._swallow(link)

    async def _shutdown(self) -> None:
        await self._unlisten()
        for link in list(self._links):
            self._drop(link)
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        # Let the aborted transports run their close callbacks before the loop stops.
        for _ in range(3):
            await asyncio.sleep(0)

    def _drop(self, link: _Link) -> None:
        self._links.discard(link)
        _rst(link.client)
        if link.upstream is not None:
            link.upstream.transport.abort()

    def _swallow(self, link: _Link) -> None:
        if not link.black_holed:
            link.black_holed = True
            self.stats.black_holed += 1
        if link.upstream is not None:
            # The server should not wait on a client that will never hear from it.
            link.upstream.transport.abort()

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.get_running_loop().create_task(self._serve(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.stats.accepted += 1
        link = _Link(writer)
        self._links.add(link)
        try:
            if self._fault is Fault.BLACK_HOLE:
                self._swallow(link)
                await self._discard(reader)
                return
            try:
                up_reader, up_writer = await asyncio.open_connection(self.upstream_host, self.upstream_port)
            except OSError:
                self.stats.upstream_failures += 1
                return
            link.upstream = up_writer
            await asyncio.gather(
                self._pipe(reader, up_writer, link, answer=False),
                self._pipe(up_reader, writer, link, answer=True),
            )
            if link.black_holed:
                await self._discard(reader)
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._links.discard(link)
            for w in (link.upstream, writer):
                if w is not None:
                    w.transport.abort()

    async def _discard(self, reader: asyncio.StreamReader) -> None:
        """Read and drop whatever the client sends until it gives up (its timeout) or the proxy stops."""
        with contextlib.suppress(OSError):
            while await reader.read(_CHUNK):
                pass

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, link: _Link, *, answer: bool
    ) -> None:
        """A delay line: chunks are read as they come and each is written `latency` after it arrived."""
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        async def read() -> None:
            try:
                while data := await reader.read(_CHUNK):
                    queue.put_nowait((loop.time() + self._latency, data))
            except OSError:
                pass
            queue.put_nowait((loop.time() + self._latency, b""))

        reading = loop.create_task(read())
        try:
            while True:
                due, data = await queue.get()
                if due > loop.time():
                    await asyncio.sleep(due - loop.time())
                if not data:
                    if not link.black_holed and writer.can_write_eof() and not writer.is_closing():
                        with contextlib.suppress(OSError):
                            writer.write_eof()
                    return
                if link.black_holed:
                    if answer:
                        return
                    continue  # keep draining the client's bytes; nothing goes anywhere
                if answer:
                    forward = await self._answer_chunk(link, data)
                    if forward is None:
                        return
                    data = forward
                writer.write(data)
                await writer.drain()
        except OSError:
            # One side broke: the other side must not wait for it.
            self._drop(link)
        finally:
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reading

    async def _answer_chunk(self, link: _Link, data: bytes) -> bytes | None:
        """The part of an answer chunk to forward; resets the link (and answers None) when it is due."""
        if self._fault is not Fault.RESET:
            link.down_total += len(data)
            return data
        if link.armed_generation != self._generation:
            link.armed_generation, link.armed_base = self._generation, link.down_total
        room = self._reset_bytes - (link.down_total - link.armed_base)
        if room > len(data):
            link.down_total += len(data)
            return data
        head = data[: max(0, room)]
        writer = link.client
        if head:
            writer.write(head)
            link.down_total += len(head)
            # The bytes before the reset must reach the client, so wait until they have left.
            writer.transport.set_write_buffer_limits(0)
            await writer.drain()
        self.stats.resets += 1
        _rst(writer)
        if link.upstream is not None:
            link.upstream.transport.abort()
        return None
