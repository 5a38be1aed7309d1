"""Races the chaos test found, replayed step by step: two stations, one guest, the real reference server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kiosk.domain import Mode, VerdictKind
from kiosk.domain.timeutil import format_time
from kiosk.platforms.invitario.connector import InvitarioConnector
from kiosk.platforms.invitario.emulator import ServerThread
from kiosk.services.checkin import CheckIn
from kiosk.services.sync import Sync, SyncReport
from kiosk.storage import Store
from tests.platforms.invitario.raw_upload import upload_in_one_request

EVENT, KEY = "race-event", "race-key"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(tmp_path / "server.sqlite3", event_id=EVENT, api_key=KEY, guests=20, seed=5) as srv:
        yield srv


class Door:
    def __init__(self, tmp_path: Path, server: ServerThread, name: str) -> None:
        self.server, self.name = server, name
        self.store = Store.open(tmp_path / f"{name}.sqlite3")
        self.checkin = CheckIn(self.store, name)

    def sync(self) -> SyncReport:
        async def round_() -> SyncReport:
            connector = InvitarioConnector(self.server.url, EVENT, KEY, self.name, timeout=5)
            try:
                return await Sync(self.store, connector).run_once()
            finally:
                await connector.aclose()

        return asyncio.run(round_())


@pytest.fixture
def doors(tmp_path: Path, server: ServerThread) -> Iterator[tuple[Door, Door]]:
    north, south = Door(tmp_path, server, "North"), Door(tmp_path, server, "South")
    assert north.sync().ok and south.sync().ok
    # One machine, one clock: the offsets just measured are noise of a few ms, which could reorder two
    # scans made a few ms apart at different doors. The races replayed here need the order they are made in.
    for door in (north, south):
        door.store.update_sync_state(clock_offset=0.0)
    yield north, south
    north.store.close()
    south.store.close()


def history(server: ServerThread, guest_id: str) -> list[str]:
    with httpx.Client(base_url=server.url, trust_env=False, timeout=10) as client:
        answer = client.get("/admin/history", params={"guest_id": guest_id}, headers={"X-Admin-Key": KEY})
    answer.raise_for_status()
    return [row["clientUpdateDateTime"] for row in answer.json()["history"]]


def test_a_lost_race_is_a_conflict_even_when_a_later_change_of_the_same_guest_follows(
    server: ServerThread, doors: tuple[Door, Door]
) -> None:
    north, south = doors
    (code,) = server.sample_codes(1)
    first = north.checkin.scan(code, Mode.CHECK_IN)  # queued at North, not uploaded yet
    assert first.kind is VerdictKind.ADMITTED and first.change is not None
    beaten_by = south.checkin.scan(code, Mode.CHECK_IN)  # later, and South uploads it first
    assert beaten_by.change is not None and south.sync().applied == 1
    second = north.checkin.scan(code, Mode.CHECK_OUT)  # North's own later change, queued too
    assert second.kind is VerdictKind.CHECKED_OUT and second.change is not None

    report = north.sync()

    # North's check-in never reached the server: another station's later one was there first. Sent in
    # one request with North's check-out, its answer showed North's own check-out as the stored guest,
    # and the lost race passed for a resend.
    guest_id = first.change.guest_id
    assert history(server, guest_id) == [
        format_time(beaten_by.change.client_update),
        format_time(second.change.client_update),
    ]
    assert report.ok and report.conflicts == 1 and report.applied == 1
    (conflict,) = north.store.conflicts()
    assert conflict.change.change_id == first.change.change_id
    assert conflict.winner is not None and conflict.winner.client_update == beaten_by.change.client_update
    assert north.store.queued_count() == 0
    stored = server.store.get_guest(guest_id)
    assert stored is not None and stored["clientUpdateDateTime"] == format_time(second.change.client_update)


def test_a_resend_of_two_changes_of_one_guest_is_still_not_a_conflict(
    server: ServerThread, doors: tuple[Door, Door]
) -> None:
    north, _ = doors
    (code,) = server.sample_codes(1)
    north.checkin.scan(code, Mode.CHECK_IN)
    north.checkin.scan(code, Mode.CHECK_OUT)
    both = north.store.queued_changes()

    # Both in one request whose answer was lost (connectors now send one change per guest a request;
    # another process of this station, or its previous release, could still have sent both).
    upload_in_one_request(server.url, EVENT, KEY, "North", both)
    report = north.sync()
    assert report.ok and report.applied == 2 and report.conflicts == 0
    assert len(history(server, both[0].guest_id)) == 2 and north.store.queued_count() == 0
