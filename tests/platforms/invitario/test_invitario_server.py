"""The connector against the reference server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kiosk.domain.models import Change, ChangeKind, PushOutcome
from kiosk.domain.timeutil import utcnow
from kiosk.platforms.invitario.connector import InvitarioConnector
from kiosk.platforms.invitario.emulator import run
from tests.platforms.invitario.invitario_fake import pull_all

pytestmark = pytest.mark.anyio

EVENT = "4711"
KEY = "server-test-key"


class CountingTransport(httpx.AsyncBaseTransport):
    """Real HTTP to the server, counting requests per endpoint."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.calls: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls[request.url.path.removeprefix("/api/v1/")] += 1
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[object]:
    with run.ServerThread(
        tmp_path / "server.db", event_id=EVENT, api_key=KEY, guests=250, token_lifetime=0.5
    ) as thread:
        yield thread


async def test_a_full_cycle_against_the_reference_server(server):
    transport = CountingTransport()
    connector = InvitarioConnector(server.url, EVENT, KEY, "Door 1", transport=transport, page_size=100)
    try:
        info = await connector.login()
        pages = await pull_all(connector)
        guest = pages[0].guests[0]
        now = utcnow()
        report = await connector.push([Change("c1", guest.id, ChangeKind.CHECK_IN, now, None, now, "Door 1")])
        recent = await pull_all(connector, pages[-1].cursor)
        await connector.logout()
    finally:
        await connector.aclose()

    assert info.event_id == EVENT
    assert [len(page.guests) for page in pages] == [100, 100, 50]
    assert pages[-1].expected_count == 250 and not any(page.malformed for page in pages)
    assert report.results[0].outcome is PushOutcome.ACCEPTED
    assert report.results[0].guest is not None and report.results[0].guest.check_in == now
    assert guest.id in [g.id for g in recent[-1].guests]
    assert connector.last_clock_sample is not None
    assert abs(connector.last_clock_sample.offset_seconds) < 5
    assert transport.calls["logout"] == 1


async def test_an_expired_session_on_the_server_is_renewed_silently(server):
    transport = CountingTransport()
    connector = InvitarioConnector(server.url, EVENT, KEY, "Door 1", transport=transport)
    try:
        await connector.login()
        await asyncio.sleep(0.8)  # longer than the server's token lifetime
        pages = await pull_all(connector)
    finally:
        await connector.aclose()

    assert len(pages[-1].guests) == 250
    assert transport.calls["login"] == 2 and transport.calls["guest/list/all"] == 2


async def test_proxy_settings_in_the_environment_are_ignored(server, monkeypatch):
    # A proxy nobody listens on: a client that trusted the environment would fail to connect.
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    connector = InvitarioConnector(server.url, EVENT, KEY, "Door 1")
    try:
        info = await connector.login()
    finally:
        await connector.aclose()

    assert info.event_id == EVENT
