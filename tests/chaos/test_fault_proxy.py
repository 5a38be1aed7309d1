"""The fault proxy on its own: each fault does what it says to real sockets and a real HTTP server."""

from __future__ import annotations

import asyncio
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from kiosk.domain.models import Change, ChangeKind, PushOutcome
from kiosk.domain.timeutil import utcnow
from kiosk.platforms.base import RetryLater
from kiosk.platforms.invitario.connector import InvitarioConnector
from kiosk.platforms.invitario.emulator import ServerThread
from tests.chaos.fault_proxy import Fault, FaultProxy

pytestmark = pytest.mark.timeout(60)


class _Answers(socketserver.BaseRequestHandler):
    """Each line "N" is answered with N bytes of a known pattern; the line is logged first."""

    server: _Upstream

    def handle(self) -> None:
        buffered = b""
        while True:
            try:
                data = self.request.recv(65536)
            except OSError:
                return
            if not data:
                return
            buffered += data
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                self.server.requests.append(line.decode())
                size = int(line)
                try:
                    self.request.sendall(pattern(size))
                except OSError:
                    return


class _Upstream(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Answers)
        self.requests: list[str] = []


def pattern(size: int) -> bytes:
    return bytes(i % 251 for i in range(size))


@pytest.fixture
def upstream() -> Iterator[_Upstream]:
    server = _Upstream()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def proxy(upstream: _Upstream) -> Iterator[FaultProxy]:
    with FaultProxy(upstream.server_address[1]) as p:
        yield p


def connect(proxy: FaultProxy, timeout: float = 5.0) -> socket.socket:
    return socket.create_connection(("127.0.0.1", proxy.port), timeout=timeout)


def receive(sock: socket.socket, size: int) -> bytes:
    """Up to `size` bytes; stops early at the end of the stream. A reset raises ConnectionResetError."""
    got = bytearray()
    while len(got) < size:
        data = sock.recv(size - len(got))
        if not data:
            break
        got += data
    return bytes(got)


def ask(sock: socket.socket, size: int) -> bytes:
    sock.sendall(f"{size}\n".encode())
    return receive(sock, size)


def test_pass_through_forwards_both_ways_byte_for_byte(proxy: FaultProxy, upstream: _Upstream) -> None:
    with connect(proxy) as sock:
        assert ask(sock, 10) == pattern(10)
        assert ask(sock, 3_000_000) == pattern(3_000_000)
    assert upstream.requests == ["10", "3000000"]
    assert proxy.stats.accepted == 1 and proxy.fault is Fault.PASS


def test_latency_delays_each_way_once_not_per_chunk(proxy: FaultProxy) -> None:
    def timed(sock: socket.socket, size: int) -> float:
        start = time.monotonic()
        assert ask(sock, size) == pattern(size)
        return time.monotonic() - start

    size = 4_000_000  # about 60 chunks of 64 kB: per-chunk delays would add up to 9 s
    with connect(proxy) as sock:
        ask(sock, 1)  # connection set up before timing
        small, big = timed(sock, 1), timed(sock, size)
        proxy.set_latency(150)
        assert proxy.latency_ms == 150
        small_late, big_late = timed(sock, 1), timed(sock, size)
        proxy.set_latency(0)
        again = timed(sock, 1)
    assert small_late >= 0.3 > small  # 150 ms there and 150 ms back
    assert big_late - big < 0.3 + 1.5
    assert again < small_late


def test_refuse_stops_listening_and_resets_open_connections(proxy: FaultProxy) -> None:
    port = proxy.port
    with connect(proxy) as open_sock:
        assert ask(open_sock, 5) == pattern(5)
        proxy.refuse()
        with pytest.raises(ConnectionRefusedError):
            connect(proxy)
        with pytest.raises(ConnectionResetError):
            ask(open_sock, 5)
    assert proxy.open_connections() == 0
    proxy.pass_through()
    assert proxy.port == port
    with connect(proxy) as sock:
        assert ask(sock, 7) == pattern(7)


def test_reset_after_n_bytes_of_answer_once_the_server_has_the_request(proxy: FaultProxy, upstream: _Upstream) -> None:
    with connect(proxy) as before:
        assert ask(before, 100) == pattern(100)  # bytes before the fault is armed do not count
        proxy.reset_after(1000)
        before.sendall(b"5000\n")
        got = bytearray()
        with pytest.raises(ConnectionResetError):
            while data := before.recv(65536):
                got += data
        assert bytes(got) == pattern(5000)[:1000]
    with connect(proxy) as fresh:
        assert ask(fresh, 999) == pattern(999)  # a short answer passes whole
        with pytest.raises(ConnectionResetError):
            ask(fresh, 10)  # ... and the next one crosses the limit at byte 1
    assert upstream.requests == ["100", "5000", "999", "10"]
    assert proxy.stats.resets == 2
    proxy.pass_through()
    with connect(proxy) as sock:
        assert ask(sock, 5000) == pattern(5000)


def test_black_hole_accepts_and_never_answers(proxy: FaultProxy, upstream: _Upstream) -> None:
    with connect(proxy, timeout=0.4) as kept:
        assert ask(kept, 3) == pattern(3)
        proxy.black_hole()
        with connect(proxy, timeout=0.4) as new:
            new.sendall(b"3\n")
            with pytest.raises(TimeoutError):
                new.recv(10)
        kept.sendall(b"3\n")
        with pytest.raises(TimeoutError):
            kept.recv(10)
    assert upstream.requests == ["3"]
    assert proxy.stats.black_holed == 2
    proxy.pass_through()
    with connect(proxy) as sock:
        assert ask(sock, 3) == pattern(3)


def test_upstream_down_closes_the_client_without_an_answer(upstream: _Upstream) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]  # nothing listens here once this socket is closed
    with FaultProxy(dead_port) as proxy, connect(proxy) as sock:
        sock.sendall(b"3\n")
        try:
            answer = sock.recv(10)
        except ConnectionResetError:
            answer = b""
        assert answer == b""
        assert proxy.stats.upstream_failures == 1


def test_stop_closes_connections_and_the_port(upstream: _Upstream) -> None:
    proxy = FaultProxy(upstream.server_address[1]).start()
    sock = connect(proxy)
    assert ask(sock, 3) == pattern(3)
    proxy.stop()
    with sock, pytest.raises((ConnectionResetError, AssertionError)):
        assert ask(sock, 3) == pattern(3)
    with pytest.raises(ConnectionRefusedError):
        connect(proxy)
    proxy.stop()  # twice is harmless
    with pytest.raises(ValueError):
        proxy.reset_after(-1)
    with pytest.raises(ValueError):
        proxy.set_latency(-5)


# --- against the real stack: what each fault means to a station


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(tmp_path / "server.db", event_id="ev", api_key="key", guests=5, seed=3) as server:
        yield server


def test_reset_after_an_upload_loses_the_answer_not_the_change(http_server: ServerThread) -> None:
    found = http_server.store.find_by_code(http_server.store.sample_codes(1)[0])
    assert found is not None
    guest_id = str(found["id"])
    change = Change("c-1", guest_id, ChangeKind.CHECK_IN, utcnow(), None, utcnow() + timedelta(seconds=1), "Door")

    async def run(proxy: FaultProxy) -> tuple[str, PushOutcome]:
        connector = InvitarioConnector(proxy.url, "ev", "key", "Door", timeout=2)
        try:
            await connector.login()
            proxy.reset_after(50)  # the update answer is longer than this
            with pytest.raises(RetryLater) as lost:
                await connector.push([change])
            proxy.pass_through()
            again = await connector.push([change])
            return str(lost.value), again.results[0].outcome
        finally:
            await connector.aclose()

    with FaultProxy(http_server.port) as proxy:
        message, outcome = asyncio.run(run(proxy))
    assert "cut off" in message or "reach" in message
    assert outcome is PushOutcome.ACCEPTED
    assert len(_history(http_server, guest_id)) == 1


def _history(server: ServerThread, guest_id: str) -> list[dict[str, object]]:
    with httpx.Client(base_url=server.url, trust_env=False, timeout=10) as client:
        answer = client.get("/admin/history", params={"guest_id": guest_id}, headers={"X-Admin-Key": "key"})
    answer.raise_for_status()
    rows: list[dict[str, object]] = answer.json()["history"]
    return rows


def test_black_hole_makes_the_connector_time_out_and_refuse_makes_it_retry(http_server: ServerThread) -> None:
    async def run(proxy: FaultProxy) -> list[str]:
        connector = InvitarioConnector(proxy.url, "ev", "key", "Door", timeout=0.5)
        messages = []
        try:
            await connector.login()
            for fault in (proxy.black_hole, proxy.refuse):
                fault()
                with pytest.raises(RetryLater) as err:
                    await connector.login()
                messages.append(str(err.value))
            proxy.pass_through()
            await connector.login()
        finally:
            await connector.aclose()
        return messages

    with FaultProxy(http_server.port) as proxy:
        timeout, refused = asyncio.run(run(proxy))
    assert "did not answer" in timeout
    assert "Could not reach" in refused or "cut off" in refused
