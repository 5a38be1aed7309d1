"""Fixtures for the reference server tests: a real server on 127.0.0.1 and an httpx client for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kiosk.platforms.invitario.emulator import ServerThread
from tests.platforms.invitario.emulator.server_helpers import API_KEY, EVENT_ID


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(tmp_path / "server.db", event_id=EVENT_ID, api_key=API_KEY, guests=60, seed=7) as srv:
        yield srv


@pytest.fixture
def client(server: ServerThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, trust_env=False, timeout=10) as http:
        yield http
