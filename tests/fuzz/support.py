"""Shared pieces of the fuzz tests: the hypothesis profile, fresh stores, and a scripted v1 server."""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, Phase, settings

from kiosk.domain.models import Admission, Guest
from kiosk.platforms.invitario.connector import InvitarioConnector
from kiosk.services.sync import Sync, SyncReport
from kiosk.storage import Store


def _examples() -> int:
    raw = os.environ.get("KIOSK_FUZZ_EXAMPLES", "").strip()
    if not raw:
        return 150
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"KIOSK_FUZZ_EXAMPLES must be a whole number, not {raw!r}") from None
    return max(1, value)


# CI runs the default; KIOSK_FUZZ_EXAMPLES=5000 (say) is a long run. No example database is kept: the
# failing example is printed, and regressions are pinned with @example in the tests themselves.
settings.register_profile(
    "kiosk-fuzz",
    max_examples=_examples(),
    deadline=None,
    database=None,
    print_blob=True,
    # The explain phase re-runs failing cases many times over; the shrunk example says enough here.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
FUZZ = settings.get_profile("kiosk-fuzz")

EVENT_ID = "fuzz-event"
API_KEY = "fuzz-key-0123"
STATION = "Fuzz Door"
BASE_URL = "https://invitario.test"
T0 = datetime(2024, 4, 30, 7, 0, tzinfo=UTC)

# The guests every fresh store starts with: codes, a badge, a deleted one, a deregistered one.
SEEDS = (
    Guest(
        "seed-1",
        access_code="SEED-1",
        client_update=T0,
        admission=Admission.ADMISSIBLE,
        fields={"firstName": "Ada", "lastName": "Lovelace", "externalId": "B-0001"},
    ),
    Guest(
        "seed-2",
        access_code="Ünïcödé-Σ",
        client_update=T0,
        admission=Admission.ADMISSIBLE,
        fields={"firstName": "Émile", "externalId": 42},
    ),
    Guest("seed-3", access_code="DUP-1", client_update=T0, deleted=T0, admission=Admission.ADMISSIBLE),
    Guest("seed-4", access_code="DUP-1", client_update=T0, admission=Admission.ADMISSIBLE),
    Guest("seed-5", access_code="GONE-5", client_update=T0, admission=Admission.DEREGISTERED),
    Guest("seed-6", access_code=None, client_update=None, fields={"externalId": "  b-0006 "}),
)


@contextmanager
def fresh_store(base: Path, seeds: tuple[Guest, ...] = SEEDS) -> Iterator[Store]:
    """A new store file in its own directory under `base`, seeded, removed again afterwards."""
    with tempfile.TemporaryDirectory(dir=base) as tmp:
        store = Store.open(Path(tmp) / "kiosk.sqlite3")
        try:
            if seeds:
                store.apply_pull_page(list(seeds))
            yield store
        finally:
            store.close()


def snapshot(store: Store, ids: list[str]) -> dict[str, Guest | None]:
    return {guest_id: store.get_guest(guest_id) for guest_id in ids}


def seed_ids() -> list[str]:
    return [g.id for g in SEEDS]


Body = bytes | Callable[[], AsyncIterator[bytes]]
# An upload answer as a function of the upload's "guests" items (Sync may split its queue over requests).
UpdateAnswer = Callable[[list[dict[str, Any]]], bytes]


def _no_results(items: list[dict[str, Any]]) -> bytes:
    return b'{"status":"success","results":[]}'


@dataclass
class ScriptedServer:
    """Plays the v1 API behind httpx.MockTransport: a valid login, and scripted list and update answers.

    `on_list` runs once, when the first list request arrives: the moment a door scan can interleave
    with a pull in the real app.
    """

    list_status: int = 200
    list_body: Body = b'{"status":"success","dateTime":"2024-05-01T10:00:00+02:00","guests":[]}'
    update_answer: UpdateAnswer = _no_results
    on_list: Callable[[], None] | None = None
    calls: dict[str, int] = field(default_factory=dict)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        endpoint = request.url.path.removeprefix("/api/v1/")
        self.calls[endpoint] = self.calls.get(endpoint, 0) + 1
        if endpoint == "login":
            return httpx.Response(
                200,
                json={
                    "status": "success",
                    "sessionToken": "tok-1",
                    "event": {"id": EVENT_ID, "name": "Fuzz"},
                    "stationName": STATION,
                },
            )
        if endpoint == "logout":
            return httpx.Response(200, json={"status": "success"})
        if endpoint in ("guest/list/all", "guest/list/recent"):
            if self.on_list is not None:
                hook, self.on_list = self.on_list, None
                hook()
            body = self.list_body
            content = body if isinstance(body, bytes) else body()
            return httpx.Response(self.list_status, content=content, headers={"Content-Type": "application/json"})
        if endpoint == "guest/update":
            items = json.loads(request.content)["guests"]
            return httpx.Response(200, content=self.update_answer(items), headers={"Content-Type": "application/json"})
        return httpx.Response(404, text="no such endpoint")

    def list_calls(self) -> int:
        return self.calls.get("guest/list/all", 0) + self.calls.get("guest/list/recent", 0)


def run_round(store: Store, server: ScriptedServer, *, page_size: int = 1000) -> SyncReport:
    """One Sync.run_once against the scripted server on a fresh event loop; the connector is closed."""

    async def round_() -> SyncReport:
        connector = InvitarioConnector(
            BASE_URL, EVENT_ID, API_KEY, STATION, transport=httpx.MockTransport(server), page_size=page_size
        )
        try:
            return await Sync(store, connector).run_once()
        finally:
            await connector.aclose()

    return asyncio.run(round_())


def chunked(body: bytes, cuts: list[int], fail_after: bool) -> Callable[[], AsyncIterator[bytes]]:
    """The body as a stream in pieces split at `cuts`; with `fail_after`, the connection breaks at its end."""

    async def stream() -> AsyncIterator[bytes]:
        start = 0
        for end in [*sorted(set(cuts)), len(body)]:
            if end > start:
                yield body[start:end]
                start = end
            await asyncio.sleep(0)
        if fail_after:
            raise httpx.ReadError("connection reset by peer")

    return stream


def assert_healthy(store: Store) -> None:
    assert store.integrity_check() == "ok"
