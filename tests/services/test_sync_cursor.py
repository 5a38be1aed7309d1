"""The pull contract as Sync keeps it, whatever the platform: an opaque cursor, and sweeps by capability."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

from kiosk.platforms.base import Listing, ProtocolError, PullPage
from kiosk.services.desk import Desk
from kiosk.services.sync import Sync
from kiosk.storage import Store
from tests.services.canned_connector import CannedConnector, guests

LISTED_AT = datetime(2026, 12, 1, 9, tzinfo=UTC)


class RecordingConnector(CannedConnector):
    """Remembers the cursor each pull was asked with."""

    def __init__(self, pages: list[PullPage]) -> None:
        super().__init__(pages)
        self.asked: list[str | None] = []

    async def pull(self, cursor: str | None) -> AsyncIterator[PullPage]:
        self.asked.append(cursor)
        for page in self.pages:
            yield page


def listing(*ids: str, cursor: str | None = "token-1") -> list[PullPage]:
    return [PullPage(guests=guests(*ids), last=True, cursor=cursor, server_time=LISTED_AT)]


def round_(store: Store, connector: CannedConnector, listing_kind: Listing = Listing.INCREMENTAL) -> bool:
    return asyncio.run(Sync(store, connector, listing=listing_kind).run_once()).ok


def test_the_cursor_is_handed_back_to_the_next_pull_as_the_connector_made_it(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "station.sqlite3")
    connector = RecordingConnector(listing("a", "b", cursor="opaque:β/42?"))
    assert round_(store, connector) and round_(store, connector)
    assert connector.asked == [None, "opaque:β/42?"]
    assert store.sync_state().cursor == "opaque:β/42?"


def test_a_last_page_without_a_cursor_moves_nothing_so_the_next_pull_starts_over(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "station.sqlite3")
    connector = RecordingConnector(listing("a", cursor=None))
    assert round_(store, connector, Listing.FULL) and round_(store, connector, Listing.FULL)
    assert connector.asked == [None, None]
    assert store.sync_state().cursor is None and store.listing_under_way() is not None  # never completed


def test_only_a_full_listing_platform_sweeps_whom_a_completed_listing_lacks(tmp_path: Path) -> None:
    incremental, full = Store.open(tmp_path / "incremental.sqlite3"), Store.open(tmp_path / "full.sqlite3")
    for store, kind in ((incremental, Listing.INCREMENTAL), (full, Listing.FULL)):
        assert round_(store, CannedConnector(listing("a", "b", "c")), kind)
        assert round_(store, CannedConnector(listing("a", cursor="token-2")), kind)
    # An incremental pull brings only what changed: b and c were simply not changed.
    assert incremental.counts()["deleted"] == 0
    b = full.get_guest("b")
    assert full.counts()["deleted"] == 2 and b is not None and b.deleted == LISTED_AT
    assert full.sync_state().cursor == "token-2"


class CountingConnector(CannedConnector):
    """A platform that counts who may enter at this door (base.CountsAdmissible), or fails to say."""

    def __init__(self, pages: list[PullPage], count: int | Exception) -> None:
        super().__init__(pages)
        self.count = count

    async def admissible_count(self) -> int:
        if isinstance(self.count, Exception):
            raise self.count
        return self.count


def test_the_platforms_count_of_who_may_enter_is_the_doors_total_and_a_failed_count_fails_nothing(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path / "station.sqlite3")
    desk = Desk(store, "North")
    assert round_(store, CannedConnector(listing("a", "b", "c")))
    assert desk.status().total == 3  # no count from the platform: the mirror's live guests
    assert round_(store, CountingConnector(listing("a", "b", "c"), 2))
    assert store.sync_state().admissible == 2 and desk.status().total == 2
    # The count's request failing leaves the round good and the last count standing.
    assert round_(store, CountingConnector(listing("a"), ProtocolError("no position_count")))
    assert store.sync_state().admissible == 2
    # A new start from nothing (a wiped station) forgets it with the rest.
    store.wipe()
    assert store.sync_state().admissible is None and desk.status().total == 0
