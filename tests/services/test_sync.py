"""Sync against the real reference server on loopback: push then pull, outcomes, cursor, clock, faults."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.domain import Change, Mode, VerdictKind
from kiosk.domain.models import ChangeKind
from kiosk.domain.timeutil import parse_time
from kiosk.platforms.invitario.connector import InvitarioConnector
from kiosk.platforms.invitario.emulator.run import ServerThread
from kiosk.services.checkin import CheckIn
from kiosk.services.sync import Sync
from kiosk.storage import Store
from tests.platforms.invitario.raw_upload import upload_in_one_request

EVENT, KEY = "sync-test", "sync-key"


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(tmp_path / "server.sqlite3", event_id=EVENT, api_key=KEY, guests=400, seed=3) as srv:
        yield srv


def admin(server: ServerThread, method: str, path: str, **kw: Any) -> Any:
    with httpx.Client(base_url=server.url, trust_env=False, headers={"X-Admin-Key": KEY}) as client:
        response = client.request(method, path, **kw)
        response.raise_for_status()
        return response.json()


class StationUnderTest:
    """A station's mirror and check-in; each sync round gets a fresh connector on its own event loop."""

    def __init__(self, tmp_path: Path, server: ServerThread, name: str) -> None:
        self.url, self.name = server.url, name
        self.store = Store.open(tmp_path / f"{name}.sqlite3")
        self.checkin = CheckIn(self.store, name)

    def connector(self) -> InvitarioConnector:
        return InvitarioConnector(self.url, EVENT, KEY, self.name, timeout=5.0)

    def run(self, **kw: Any) -> Any:
        async def round_() -> Any:
            connector = self.connector()
            try:
                return await Sync(self.store, connector).run_once(**kw)
            finally:
                await connector.aclose()

        return asyncio.run(round_())


@pytest.fixture()
def station(tmp_path: Path, server: ServerThread) -> Iterator[StationUnderTest]:
    s = StationUnderTest(tmp_path, server, "North")
    yield s
    s.store.close()


def history(server: ServerThread) -> list[dict[str, Any]]:
    return list(admin(server, "GET", "/admin/history")["history"])


def test_first_sync_mirrors_everything_and_sets_the_server_cursor(server: ServerThread,
                                                                 station: StationUnderTest) -> None:
    before = datetime.now(UTC)
    report = station.run()
    assert report.ok and report.full and report.pulled == server.store.guest_count()
    state = station.store.sync_state()
    cursor = parse_time(state.cursor)  # the Invitario connector's cursor is the server's time
    assert cursor is not None and cursor >= before - timedelta(seconds=5)
    assert station.store.counts()["guests"] == server.store.guest_count()
    again = station.run()
    assert again.ok and not again.full and again.pulled == 0


def test_push_is_applied_once_and_a_resend_is_harmless(server: ServerThread, station: StationUnderTest) -> None:
    station.run()
    codes = server.sample_codes(3)
    outcomes = [station.checkin.scan(c, Mode.CHECK_IN) for c in codes]
    assert all(o.kind is VerdictKind.ADMITTED for o in outcomes)
    # The answer to an upload is lost: the server applied it, the station still has it queued.
    queued = station.store.queued_changes()

    async def upload_without_recording() -> None:
        connector = station.connector()
        try:
            await connector.push(queued)
        finally:
            await connector.aclose()

    asyncio.run(upload_without_recording())
    assert len(history(server)) == 3
    report = station.run()
    assert report.ok and report.applied == 3 and report.conflicts == 0
    assert len(history(server)) == 3 and station.store.counts()["queued"] == 0


def test_lost_answer_with_a_later_change_is_not_a_conflict(server: ServerThread,
                                                          station: StationUnderTest) -> None:
    station.run()
    (code,) = server.sample_codes(1)
    station.checkin.scan(code, Mode.CHECK_IN)
    station.checkin.scan(code, Mode.CHECK_OUT)
    both = station.store.queued_changes()

    # Both went up in one request (connectors now send one change per guest: another process of this
    # station, or its previous release, could still have), and the answer was lost.
    upload_in_one_request(station.url, EVENT, KEY, station.name, both)
    report = station.run()
    assert report.ok and report.conflicts == 0 and station.store.counts()["conflicts"] == 0
    assert len(history(server)) == 2


def test_two_processes_of_one_station_scanning_one_guest_both_reach_the_server(
    tmp_path: Path, server: ServerThread, station: StationUnderTest
) -> None:
    """The window and `kiosk scan` on one data dir each decide a scan of the same guest before either has
    written, on clocks corrected by different offset samples: the second to be queued was decided on a
    clock 50 ms behind. Both changes must reach the server once; neither may be taken for the other."""
    station.run()
    (code,) = server.sample_codes(1)
    now = datetime.now(UTC)
    other_store = Store.open(tmp_path / "North.sqlite3")
    other = CheckIn(other_store, "North", clock=lambda: now + timedelta(milliseconds=50))
    behind = CheckIn(station.store, "North", clock=lambda: now)
    record = station.store.record_scan

    def the_other_process_writes_first(scan: Any, change: Any = None) -> Any:
        station.store.record_scan = record  # type: ignore[method-assign]
        assert other.scan(code, Mode.CHECK_IN).kind is VerdictKind.ADMITTED
        return record(scan, change)

    station.store.record_scan = the_other_process_writes_first  # type: ignore[method-assign]
    try:
        second = behind.scan(code, Mode.CHECK_IN)
    finally:
        station.store.record_scan = record  # type: ignore[method-assign]
        other_store.close()
    queued = station.store.queued_changes()
    assert second.change is not None and [c.change_id for c in queued][-1] == second.change.change_id
    # Queued second, so later on the client clock too; and the door showed the time it queued.
    assert queued[0].client_update < queued[1].client_update == second.change.client_update
    assert second.verdict.guest is not None and second.verdict.guest.check_in == second.change.check_in

    report = station.run()
    assert report.ok and report.applied == 2 and report.conflicts == 0
    applied = sorted(t for h in history(server) if (t := parse_time(h["clientUpdateDateTime"])) is not None)
    assert applied == [c.client_update for c in queued]


def test_network_error_keeps_the_queue(server: ServerThread, station: StationUnderTest) -> None:
    station.run()
    station.checkin.scan(server.sample_codes(1)[0], Mode.CHECK_IN)
    server.stop()
    report = station.run()
    assert not report.ok and not report.permanent and "unreachable" in (report.error or "").lower()
    assert station.store.queued_count() == 1
    assert station.store.sync_state().online is False
    server.start()
    assert station.run().applied == 1 and station.store.queued_count() == 0
    assert station.store.sync_state().online is True


def test_expired_token_is_renewed_silently(server: ServerThread, station: StationUnderTest) -> None:
    async def scenario() -> tuple[Any, Any]:
        connector = station.connector()
        sync = Sync(station.store, connector)
        try:
            first = await sync.run_once()
            station.checkin.scan(server.sample_codes(1)[0], Mode.CHECK_IN)
            admin(server, "POST", "/admin/tokens/expire")
            second = await sync.run_once()
            return first, second
        finally:
            await connector.aclose()

    first, second = asyncio.run(scenario())
    assert first.ok and second.ok and second.applied == 1 and second.error is None


def test_cursor_comes_from_the_server_even_hours_behind(tmp_path: Path) -> None:
    three_hours = -3 * 3600.0
    with ServerThread(tmp_path / "srv.sqlite3", event_id=EVENT, api_key=KEY, guests=50,
                      clock_offset=three_hours) as server:
        station = StationUnderTest(tmp_path, server, "North")
        first = station.run()
        assert first.ok and first.clock_offset is not None and first.clock_offset < -3 * 3600 + 60
        assert any("clock" in n for n in first.notes)
        mirrored = station.store.find_guest(server.sample_codes(1)[0].lower())
        assert mirrored is not None
        guest = server.store.get_guest(mirrored.id)
        assert guest is not None
        guest["fields"]["lastName"] = "Edited-While-Behind"
        admin(server, "POST", "/admin/guests", json=guest)
        second = station.run()
        assert second.pulled == 1
        assert station.store.get_guest(guest["id"]).fields["lastName"] == "Edited-While-Behind"  # type: ignore[union-attr]
        # Uploaded times are on the server's clock, so this check-in is not "in the future" there.
        change = station.checkin.act_on_guest(guest["id"], Mode.CHECK_IN).change
        assert change is not None
        assert abs((change.client_update - (datetime.now(UTC) + timedelta(seconds=three_hours))).total_seconds()) < 60
        assert station.run().applied == 1
        station.store.close()


def test_unknown_guest_is_dropped_with_a_log_line(server: ServerThread, station: StationUnderTest,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    station.run()
    ghost = Change("ghost-change", "no-such-guest", ChangeKind.CHECK_IN, datetime.now(UTC), None,
                   datetime.now(UTC), "North")
    from kiosk.storage import ScanRecord

    station.store.record_scan(ScanRecord(datetime.now(UTC), "x", "admitted", None, "North", "check-in",
                                         ghost.change_id), ghost)
    with caplog.at_level(logging.WARNING):
        report = station.run()
    assert report.ok and report.dropped == 1 and station.store.queued_count() == 0
    assert "no-such-guest" in caplog.text


def _crafted_list(good: int) -> bytes:
    guests: list[Any] = [
        {"id": f"g{i}", "accessCode": f"CODE{i}", "registrationState": "registered",
         "clientUpdateDateTime": "2026-11-22T08:00:00+01:00", "fields": {"firstName": f"Guest {i}"}}
        for i in range(good)
    ]
    guests[1:1] = [
        {"accessCode": "NOID"},
        {"id": "bad-time", "checkInDateTime": "yesterday"},
        {"id": "bad-fields", "fields": ["not", "a", "dict"]},
        "just a string",
        {"id": "naive", "clientUpdateDateTime": "2026-11-22T08:00:00"},
    ]
    return json.dumps({"status": "success", "count": len(guests), "dateTime": "2026-11-22T10:00:00+01:00",
                       "guests": guests}).encode()


def test_malformed_records_are_skipped_and_the_rest_lands(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/login"):
            return httpx.Response(200, json={"status": "success", "event": {"id": EVENT, "name": "E"},
                                             "stationName": "N", "sessionToken": "t" * 40})
        return httpx.Response(200, content=_crafted_list(20))

    store = Store.open(tmp_path / "m.sqlite3")
    connector = InvitarioConnector("http://127.0.0.1:9", EVENT, KEY, "N", transport=httpx.MockTransport(handler))

    async def run() -> Any:
        try:
            return await Sync(store, connector).run_once()
        finally:
            await connector.aclose()

    with caplog.at_level(logging.WARNING):
        report = asyncio.run(run())
    assert report.ok and report.pulled == 20 and report.malformed == 5
    assert store.counts()["guests"] == 20 and store.integrity_check() == "ok"
    assert parse_time(store.sync_state().cursor) == datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    assert caplog.text.count("malformed") >= 5
    store.close()
