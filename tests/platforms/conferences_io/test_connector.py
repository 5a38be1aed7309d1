"""The Conferences i/o connector against its emulator on loopback: sessions, listings, errors and 429s."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.domain import Mode, VerdictKind
from kiosk.domain.models import Change, ChangeKind, PushOutcome
from kiosk.platforms.base import AuthRefused, ChoiceNeeded, Listing, Misconfigured, ProtocolError, PullPage, RetryLater
from kiosk.platforms.conferences_io.connector import ConferencesIoConnector
from kiosk.platforms.conferences_io.emulator import ConferencesIoServer, ConferencesIoState
from kiosk.services.checkin import CheckIn
from kiosk.services.sync import Sync
from kiosk.storage import Store

KEY, EVENT = "cnf-test-key", "example.cnf.io"


@pytest.fixture()
def server() -> Iterator[ConferencesIoServer]:
    state = ConferencesIoState(api_key=KEY)
    state.generate(120, seed=3)
    with ConferencesIoServer(state) as srv:
        yield srv


def connector(server: ConferencesIoServer, *, key: str = KEY, session: str = "keyn",
              **options: Any) -> ConferencesIoConnector:
    options.setdefault("timeout", 5.0)
    return ConferencesIoConnector(server.api_url, EVENT, key, "North", session=session, **options)


def mocked(answer: Any, session: str = "keyn") -> ConferencesIoConnector:
    return ConferencesIoConnector("http://127.0.0.1:9/api/v2", EVENT, KEY, "North", session=session,
                                  transport=httpx.MockTransport(answer))


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def pages(c: ConferencesIoConnector) -> list[PullPage]:
    try:
        return [page async for page in c.pull(None)]
    finally:
        await c.aclose()


async def login(c: ConferencesIoConnector) -> Any:
    try:
        return await c.login()
    finally:
        await c.aclose()


def statuses(server: ConferencesIoServer) -> list[tuple[str, int]]:
    return [(s.path.removeprefix("/api/v2"), s.status) for s in server.state.seen]


def test_login_checks_the_key_and_names_the_event_and_session(server: ConferencesIoServer) -> None:
    info = run(login(connector(server)))
    assert info.event_id == EVENT and info.name == "Example Event: Opening keynote"
    with pytest.raises(AuthRefused, match="Conferences i/o refused the API key") as refused:
        run(login(connector(server, key="wrong-key")))
    assert "wrong-key" not in str(refused.value) and "\n" not in str(refused.value)
    # The key travels in the documented header, nothing else.
    assert statuses(server)[:2] == [("/app", 200), ("/sessions", 200)]


def test_without_a_session_login_lists_the_sessions_with_date_and_time_in_one_line(
    server: ConferencesIoServer,
) -> None:
    with pytest.raises(ChoiceNeeded) as err:
        run(login(connector(server, session="")))
    line = str(err.value)
    assert "\n" not in line
    assert line.startswith("Choose the session this door serves with --session ID (times in America/Chicago): ")
    assert "keyn (2026-06-01 08:30, Opening keynote, Ballroom A, check-out required)" in line
    assert "wrk1 (2026-06-01 10:00, Workshop: offline first, Superior Room)" in line and "wrk2 (" in line


def test_an_unknown_session_is_misconfigured_and_names_the_ones_there_are(server: ConferencesIoServer) -> None:
    with pytest.raises(Misconfigured, match=r"no session 'nope'.*keyn \(") as err:
        run(login(connector(server, session="nope")))
    assert not isinstance(err.value, ChoiceNeeded)
    # A pull of a session that went away answers 404: the address or the session is wrong.
    with pytest.raises(Misconfigured, match="check the server address"):
        run(pages(connector(server, session="nope")))


def test_a_pull_is_the_whole_session_in_one_request_handed_over_in_slices(server: ConferencesIoServer) -> None:
    server.state.generate(2500 - 120, seed=4)  # more attendees: the keynote now holds 2500 (ids repeat: folded)
    state = server.state
    expected = len(state.sessions["keyn"].attendance)
    got = run(pages(connector(server)))
    assert statuses(server) == [("/app", 200), ("/sessions/keyn/attendance", 200)]
    assert [len(p.guests) for p in got] == [1000, 1000, expected - 2000]
    assert [p.last for p in got] == [False, False, True] and got[-1].cursor and got[-1].server_time
    assert {p.expected_count for p in got} == {expected}
    ids = {g.id for p in got for g in p.guests}
    assert len(ids) == expected and all(i.startswith("keyn/") for i in ids)
    inside = {g.access_code for p in got for g in p.guests if g.is_inside}
    assert inside == set(state.codes("keyn", inside=True)) and inside


def test_an_empty_session_is_one_last_page_with_nobody(server: ConferencesIoServer) -> None:
    (page,) = run(pages(connector(server, session="wrk2")))
    assert page.last and page.guests == [] and page.cursor


def test_the_labels_are_read_on_every_pull(server: ConferencesIoServer) -> None:
    got = run(pages(connector(server)))
    assert got[0].guests[0].display[0].label == "Registration ID"
    server.state.app["custom_attendee_field_1"] = "Badge number"
    got = run(pages(connector(server)))
    assert got[0].guests[0].display[0].label == "Badge number"


@pytest.mark.parametrize("kind", ["500", "truncate", "hang"])
def test_server_failures_are_try_later(server: ConferencesIoServer, kind: str) -> None:
    server.state.faults.hang_seconds = 2.0
    server.state.faults.fail_next.extend(["pass", kind])  # the attendance answer fails, not /app
    with pytest.raises(RetryLater) as err:
        run(pages(connector(server, timeout=1.0)))
    if kind == "500":  # the error envelope's message, as one line
        assert str(err.value).endswith("A description of an error that occurred during this request.")


def test_an_error_envelope_is_an_error_whatever_the_http_status() -> None:
    envelope = {"status": "error", "code": "500", "message": "Something\nbroke"}
    with pytest.raises(RetryLater, match=r"HTTP 500.*: Something broke$"):
        run(pages(mocked(lambda r: httpx.Response(200, json=envelope))))
    refused = {"status": "error", "code": "403", "message": "API access is not enabled"}
    with pytest.raises(AuthRefused, match="API access is not enabled"):
        run(pages(mocked(lambda r: httpx.Response(403, json=refused))))


@pytest.mark.parametrize("answer", [{"status": "ok", "code": "200", "data": {"records": []}},
                                    {"status": "ok", "code": "200", "data": None}])
def test_an_answer_not_in_the_documented_shape_is_a_protocol_error(answer: dict[str, Any]) -> None:
    app = {"status": "ok", "code": "200", "data": {"name": "E"}}
    c = mocked(lambda r: httpx.Response(200, json=app if r.url.path.endswith("/app") else answer))
    with pytest.raises(ProtocolError):
        run(pages(c))


def test_a_429_is_waited_out_as_retry_after_says_and_retried_once(server: ConferencesIoServer) -> None:
    server.state.faults.fail_next.extend(["pass", "429"])
    got = run(pages(connector(server)))
    assert got[-1].last
    seen = list(server.state.seen)
    assert [s.status for s in seen] == [200, 429, 200]
    assert seen[2].at - seen[1].at >= 1.0  # Retry-After: 1, by the emulator's clock


def test_a_second_429_ends_the_round_instead_of_looping(server: ConferencesIoServer) -> None:
    server.state.faults.fail_next.extend(["429", "429", "429"])
    with pytest.raises(RetryLater, match="HTTP 429") as err:
        run(pages(connector(server)))
    assert err.value.retry_after == 1.0 and len(server.state.seen) == 2


def test_a_429_asking_for_a_long_wait_is_handed_to_the_sync_loop_at_once() -> None:
    calls: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(429, headers={"Retry-After": "600"}, json={"status": "error", "code": "429",
                                                                          "message": "slow down"})

    started = time.monotonic()
    with pytest.raises(RetryLater) as err:
        run(pages(mocked(answer)))
    assert err.value.retry_after == 600 and len(calls) == 1 and time.monotonic() - started < 5


def test_push_sends_nothing_and_keeps_every_change_queued(server: ConferencesIoServer) -> None:
    at = datetime.now(UTC)
    change = Change("c1", "keyn/ATT-000001", ChangeKind.CHECK_IN, at, None, at, "North")
    c = connector(server)
    report = run(c.push([change, change]))
    run(c.aclose())
    assert [r.outcome for r in report.results] == [PushOutcome.RETRY_LATER] * 2
    assert "kept on this station" in report.results[0].message and not server.state.seen


def _remove(server: ConferencesIoServer, session: str, body: dict[str, Any]) -> httpx.Response:
    with httpx.Client(trust_env=False, headers={"API-Key": KEY}) as client:
        return client.post(f"{server.api_url}/sessions/{session}/attendance/remove", json=body)


def test_sync_keeps_check_ins_on_the_station_sweeps_the_removed_and_a_cut_off_listing_removes_nobody(
    server: ConferencesIoServer, tmp_path: Path,
) -> None:
    waiting = server.state.codes("keyn")
    mine, removed, kept = waiting[0], waiting[1], waiting[2]

    async def main() -> None:
        store = Store.open(tmp_path / "station.sqlite3")
        c = connector(server)
        door = CheckIn(store, "North")
        try:
            sync = Sync(store, c, listing=Listing.FULL)
            assert (await sync.run_once()).ok
            assert door.scan(mine, Mode.CHECK_IN).verdict.kind is VerdictKind.ADMITTED
            already = server.state.codes("keyn", inside=True)[0]
            assert door.scan(already, Mode.CHECK_IN).verdict.kind is VerdictKind.ALREADY_IN
            # Removed through the documented call (a preview first, which removes nothing).
            assert _remove(server, "keyn", {"external_id": removed, "preview": True}).json()["data"]["found"] == 1
            assert _remove(server, "keyn", {"external_id": removed}).json()["data"]["found"] == 1
            server.state.faults.fail_next.extend(["pass", "truncate"])
            cut = await sync.run_once()
            assert not cut.ok and "cut off" in (cut.error or "")
            still = store.get_guest(f"keyn/{removed}")
            assert still is not None and still.deleted is None  # the cut-off listing removed nobody
            assert (await sync.run_once()).ok
            assert door.scan(waiting[3], Mode.CHECK_IN).verdict.kind is VerdictKind.ADMITTED
            assert door.scan(removed, Mode.CHECK_IN).verdict.kind is VerdictKind.DELETED
            assert door.scan(kept, Mode.CHECK_IN).verdict.kind is VerdictKind.ADMITTED
            assert door.scan(mine, Mode.CHECK_IN).verdict.kind is VerdictKind.ALREADY_IN
            assert store.queued_count() == 3
        finally:
            await c.aclose()
            store.close()

    run(main())
    # The station only read: the one call that changed data was the test's removal.
    assert {(s.method, s.path) for s in server.state.seen if s.method != "GET"} == {
        ("POST", "/api/v2/sessions/keyn/attendance/remove")}


def test_another_session_keeps_the_stations_check_ins_and_starts_with_nobody_inside(
    server: ConferencesIoServer, tmp_path: Path,
) -> None:
    both = next(code for code in server.state.codes("keyn") if code in server.state.codes("wrk1"))

    async def main() -> None:
        store = Store.open(tmp_path / "station.sqlite3")
        try:
            keynote = connector(server)
            assert (await Sync(store, keynote, listing=Listing.FULL).run_once()).ok
            await keynote.aclose()
            assert CheckIn(store, "North").scan(both, Mode.CHECK_IN).verdict.kind is VerdictKind.ADMITTED
            workshop = connector(server, session="wrk1")
            assert (await Sync(store, workshop, listing=Listing.FULL).run_once()).ok
            await workshop.aclose()
            # The keynote check-in is still this station's (queued, for the export); the workshop's door
            # admits the same person afresh.
            assert store.queued_count() == 1
            keynote_row = store.get_guest(f"keyn/{both}")
            assert keynote_row is not None and keynote_row.deleted is not None and keynote_row.is_inside
            assert CheckIn(store, "North").scan(both, Mode.CHECK_IN).verdict.kind is VerdictKind.ADMITTED
        finally:
            store.close()

    run(main())


@pytest.mark.slow
def test_a_10000_attendee_session_is_one_request_and_a_sync_round_of_seconds(tmp_path: Path) -> None:
    state = ConferencesIoState(api_key=KEY)
    state.generate(10_000, seed=9)

    async def main(server: ConferencesIoServer) -> list[float]:
        store = Store.open(tmp_path / "station.sqlite3")
        c = connector(server, timeout=30.0)
        took = []
        try:
            sync = Sync(store, c, listing=Listing.FULL)
            for _ in range(2):  # the first listing, then one that only stamps and sweeps
                started = time.perf_counter()
                report = await sync.run_once()
                took.append(time.perf_counter() - started)
                assert report.ok and report.pulled == 10_000
            assert store.counts()["guests"] == 10_000 and store.counts()["deleted"] == 0
        finally:
            await c.aclose()
            store.close()
        return took

    with ConferencesIoServer(state) as server:
        took = run(main(server))
        assert [s.path for s in server.state.seen].count("/api/v2/sessions/keyn/attendance") == 2
    # About 0.6 s each on the 2-core CI machine; the bound leaves room for a busy one.
    assert max(took) < 15.0, took


def test_a_listing_with_a_record_kiosk_cannot_read_removes_nobody(server: ConferencesIoServer, tmp_path: Path) -> None:
    removed = server.state.codes("keyn")[0]

    async def main() -> None:
        store = Store.open(tmp_path / "station.sqlite3")
        c = connector(server)
        try:
            sync = Sync(store, c, listing=Listing.FULL)
            assert (await sync.run_once()).ok
            _remove(server, "keyn", {"external_id": removed})
            # A record with neither an external id nor an e-mail (the server's own preload would refuse it).
            server.state.sessions["keyn"].attendance["?"] = {"user": {"first_name": "No", "last_name": "Name"},
                                                             "checkin_time": None, "history": []}
            report = await sync.run_once()
            assert report.malformed == 1
            guest = store.get_guest(f"keyn/{removed}")
            assert guest is not None and guest.deleted is None  # that listing cannot tell who is gone
            del server.state.sessions["keyn"].attendance["?"]
            assert (await sync.run_once()).ok
            guest = store.get_guest(f"keyn/{removed}")
            assert guest is not None and guest.deleted is not None
        finally:
            await c.aclose()
            store.close()

    run(main())
