"""Fixtures for the connector tests: the fake Invitario API and connectors built on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from kiosk.platforms.invitario.connector import InvitarioConnector
from tests.platforms.invitario.invitario_fake import API_KEY, EVENT_ID, STATION, FakeInvitario


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fake() -> FakeInvitario:
    return FakeInvitario()


@pytest.fixture
async def make_connector(fake: FakeInvitario) -> AsyncIterator[Callable[..., InvitarioConnector]]:
    """Build connectors on the fake (or another transport); all are closed after the test."""
    made: list[InvitarioConnector] = []

    def make(**kw: Any) -> InvitarioConnector:
        options: dict[str, Any] = {"transport": fake.transport}
        options.update(kw)
        base_url = options.pop("base_url", "https://invitario.test/")
        event_id = options.pop("event_id", EVENT_ID)
        api_key = options.pop("api_key", API_KEY)
        connector = InvitarioConnector(base_url, event_id, api_key, STATION, **options)
        made.append(connector)
        return connector

    yield make
    for connector in made:
        await connector.aclose()


@pytest.fixture
def connector(make_connector: Callable[..., InvitarioConnector]) -> InvitarioConnector:
    return make_connector()
