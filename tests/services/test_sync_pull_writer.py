"""How a pull is cut into write transactions: big ones into an empty mirror, short ones once it has guests."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.platforms.invitario.connector import InvitarioConnector
from kiosk.platforms.invitario.emulator.run import ServerThread
from kiosk.services import sync as sync_module
from kiosk.services.sync import Sync, SyncReport
from kiosk.storage import Store
from tests.services.test_sync import EVENT, KEY, admin

GUESTS = 1800
BULK = 500
PAGE = 200  # guests per page from the connector; a transaction is made of whole pages


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(tmp_path / "server.sqlite3", event_id=EVENT, api_key=KEY, guests=GUESTS, seed=5) as srv:
        yield srv


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setattr(sync_module, "BULK_WRITE_ROWS", BULK)
    with Store.open(tmp_path / "station.sqlite3") as s:
        yield s


def run(server: ServerThread, store: Store, *, cut_list_in_the_middle: bool = False) -> SyncReport:
    async def round_() -> SyncReport:
        connector = InvitarioConnector(server.url, EVENT, KEY, "North", timeout=5.0, page_size=PAGE)
        try:
            if cut_list_in_the_middle:
                await connector.login()
                # The next request, the list itself, stops in the middle of guest number GUESTS // 2.
                admin(server, "POST", "/admin/faults", json={"fail_next": [{"kind": "truncate"}]})
            return await Sync(store, connector).run_once()
        finally:
            await connector.aclose()

    return asyncio.run(round_())


def record_writes(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, bool]]:
    """Every write transaction of a pull: (rows, whether it moved the cursor)."""
    writes: list[tuple[int, bool]] = []
    original = store.apply_pull_page

    def spy(guests: Any, *, cursor: str | None = None, **options: Any) -> None:
        original(guests, cursor=cursor, **options)
        writes.append((len(guests), cursor is not None))

    monkeypatch.setattr(store, "apply_pull_page", spy)
    return writes


def test_into_an_empty_mirror_few_big_transactions_and_the_cursor_with_the_last(
    server: ServerThread, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes = record_writes(store, monkeypatch)

    report = run(server, store)

    assert report.ok and report.full and report.pulled == GUESTS
    # Whole pages are gathered until BULK rows are waiting: 3 pages of 200 make each transaction.
    assert [rows for rows, _ in writes] == [600, 600, 600]
    assert [moved for _, moved in writes] == [False, False, True]
    assert store.counts()["guests"] == GUESTS


def test_a_full_pull_into_a_mirror_with_guests_uses_short_transactions(
    server: ServerThread, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(server, store).ok
    store.update_sync_state(cursor=None)  # e.g. the cursor was reset: everything comes again
    writes = record_writes(store, monkeypatch)

    report = run(server, store)

    assert report.ok and report.full and report.pulled == GUESTS
    assert writes[0][0] == sync_module.FIRST_WRITE_ROWS
    assert max(rows for rows, _ in writes) <= sync_module.MAX_WRITE_ROWS
    assert sum(rows for rows, _ in writes) == GUESTS
    assert [moved for _, moved in writes].count(True) == 1 and writes[-1][1]


def test_a_bulk_pull_cut_off_half_way_keeps_what_landed_and_the_next_round_finishes(
    server: ServerThread, store: Store
) -> None:
    report = run(server, store, cut_list_in_the_middle=True)

    assert not report.ok and not report.permanent
    assert store.sync_state().cursor is None  # the cursor never runs ahead of its rows
    landed = store.counts()["guests"]
    assert BULK <= landed <= GUESTS // 2
    assert store.integrity_check() == "ok"

    again = run(server, store)
    assert again.ok and again.full and again.pulled == GUESTS
    assert store.counts()["guests"] == GUESTS
    assert store.sync_state().cursor is not None


@pytest.fixture()
def collector() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def collector_during_writes(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the cycle collector was on while each write transaction of a pull was made."""
    seen: list[bool] = []
    original = store.apply_pull_page

    def spy(guests: Any, **options: Any) -> None:
        seen.append(gc.isenabled())
        original(guests, **options)

    monkeypatch.setattr(store, "apply_pull_page", spy)
    return seen


def test_the_cycle_collector_waits_out_a_first_download_only(
    server: ServerThread, store: Store, monkeypatch: pytest.MonkeyPatch, collector: None
) -> None:
    seen = collector_during_writes(store, monkeypatch)
    assert run(server, store).ok
    assert seen == [False, False, False] and gc.isenabled()

    seen.clear()
    store.update_sync_state(cursor=None)  # everything comes again, but the door is open: no pause
    assert run(server, store).ok
    assert seen and all(seen) and gc.isenabled()


def test_a_first_download_cut_off_turns_the_collector_back_on(
    server: ServerThread, store: Store, collector: None
) -> None:
    assert not run(server, store, cut_list_in_the_middle=True).ok
    assert gc.isenabled()


def test_a_collector_someone_else_turned_off_stays_off(server: ServerThread, store: Store, collector: None) -> None:
    gc.disable()  # as the window does: it runs the collector on its own timer
    assert run(server, store).ok
    assert not gc.isenabled()
