"""The Webkasa connector against the Webkasa emulator on loopback: paging, errors, 429s and pacing."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.domain import Mode, VerdictKind
from kiosk.domain.models import Change, ChangeKind, Guest, PushOutcome
from kiosk.platforms.base import AuthRefused, Listing, Misconfigured, ProtocolError, PullPage, RetryLater
from kiosk.platforms.webkasa.connector import Pacer, WebkasaConnector
from kiosk.platforms.webkasa.emulator import RateLimit, WebkasaServer, WebkasaState
from kiosk.services.checkin import CheckIn
from kiosk.services.sync import Sync
from kiosk.storage import Store

KEY, EVENT = "wk_live_test", "evt_gala"


@pytest.fixture()
def server() -> Iterator[WebkasaServer]:
    state = WebkasaState(event_id=EVENT, api_key=KEY)
    state.generate(250, seed=2)
    with WebkasaServer(state) as srv:
        yield srv


def connector(server: WebkasaServer, *, key: str = KEY, event: str = EVENT, **options: Any) -> WebkasaConnector:
    options.setdefault("timeout", 5.0)
    return WebkasaConnector(server.url, event, key, "North", **options)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def pages(c: WebkasaConnector) -> list[PullPage]:
    try:
        return [page async for page in c.pull(None)]
    finally:
        await c.aclose()


def listed(server: WebkasaServer) -> list[dict[str, str]]:
    return [s.query for s in server.state.seen if s.path.endswith("/registrations")]


def test_login_checks_the_key_and_the_event_id(server: WebkasaServer) -> None:
    async def main() -> None:
        good = connector(server)
        assert (await good.login()).event_id == EVENT
        await good.aclose()
        bad_key = connector(server, key="wk_live_wrong")
        with pytest.raises(AuthRefused, match="Webkasa refused the API key") as refused:
            await bad_key.login()
        assert "wk_live_wrong" not in str(refused.value) and "\n" not in str(refused.value)
        await bad_key.aclose()
        bad_event = connector(server, event="evt_nope")
        with pytest.raises(Misconfigured, match=r"does not know the event evt_nope .*check the event id"):
            await bad_event.login()
        await bad_event.aclose()

    run(main())
    assert listed(server)[0] == {"limit": "1", "offset": "0"}  # a one-row listing, as the contract says


def test_a_listing_pages_by_offset_until_has_more_is_false(server: WebkasaServer) -> None:
    got = run(pages(connector(server)))
    # The emulator honours 100 of the 1000 asked: the offsets follow what came, one row early (the overlap).
    assert [(q["limit"], q["offset"]) for q in listed(server)] == [("1000", "0"), ("1000", "99"), ("1000", "198")]
    assert [len(p.guests) for p in got] == [100, 99, 51]
    assert [p.last for p in got] == [False, False, True] and got[-1].server_time is not None
    assert {p.expected_count for p in got} == {250}
    ids = [g.id for p in got for g in p.guests]
    assert len(set(ids)) == 250 == len(ids) and set(ids) == set(server.state.registrations)


def test_a_server_that_honours_the_whole_page_is_read_in_one_request(server: WebkasaServer) -> None:
    server.state.faults.max_limit = 1000
    got = run(pages(connector(server)))
    assert len(listed(server)) == 1 and len(got) == 1 and got[0].last


def test_the_statuses_reach_the_door_as_the_issue_says(server: WebkasaServer) -> None:
    got = {g.id: g for p in run(pages(connector(server))) for g in p.guests}
    now = datetime.now(UTC)
    for status, verdict in (("CONFIRMED", VerdictKind.ADMITTED), ("PENDING", VerdictKind.NOT_CONFIRMED),
                            ("CANCELLED", VerdictKind.CANCELLED), ("ATTENDED", VerdictKind.ALREADY_IN)):
        from kiosk.domain.decide import decide

        code = server.state.codes(status)[0]
        assert decide(got[code], [], Mode.CHECK_IN, now).kind is verdict, status


def test_a_listing_whose_total_changes_on_the_way_ends_before_its_last_page(server: WebkasaServer) -> None:
    async def main() -> list[PullPage]:
        c = connector(server)
        seen: list[PullPage] = []
        try:
            with pytest.raises(RetryLater, match="changed during the download"):
                async for page in c.pull(None):
                    seen.append(page)
                    server.state.add("Late Comer", "late@example.com")  # someone registers meanwhile
        finally:
            await c.aclose()
        return seen

    seen = run(main())
    assert seen and not any(p.last for p in seen)


def test_a_removal_and_an_addition_between_pages_end_the_listing_before_its_last_page(
    server: WebkasaServer,
) -> None:
    async def main() -> list[PullPage]:
        c = connector(server)
        seen: list[PullPage] = []
        try:
            with pytest.raises(RetryLater, match="moved during the download"):
                async for page in c.pull(None):
                    seen.append(page)
                    if len(seen) == 1:
                        # The total stays 250, but every row after the first page moves up by one.
                        del server.state.registrations[page.guests[10].id]
                        server.state.add("Late Comer", "late@example.com")
        finally:
            await c.aclose()
        return seen

    seen = run(main())
    assert len(seen) == 1 and not seen[0].last


def test_repeated_rows_are_folded_by_id() -> None:
    rows = [{"id": f"reg_{n}", "status": "CONFIRMED"} for n in range(3)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        # The first page holds one row twice (a server's fault): the guest is listed once.
        chunk = [rows[0], rows[0], rows[1]] if offset == 0 else rows[1:]
        return httpx.Response(200, json={"data": chunk, "meta": {"total": 3, "limit": 3, "offset": offset,
                                                                 "hasMore": offset == 0}})

    c = WebkasaConnector("http://127.0.0.1:9", EVENT, KEY, "North", transport=httpx.MockTransport(answer))
    got = run(pages(c))
    assert [g.id for p in got for g in p.guests] == ["reg_0", "reg_1", "reg_2"]


@pytest.mark.parametrize("answer", [
    {"data": [], "meta": {"total": 5, "limit": 50, "offset": 0, "hasMore": True}},
    {"data": [], "meta": {"total": 5, "limit": 50, "offset": 0}},
    {"registrations": []},
])
def test_a_listing_not_in_the_documented_shape_is_a_protocol_error(answer: dict[str, Any]) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=answer))
    c = WebkasaConnector("http://127.0.0.1:9", EVENT, KEY, "North", transport=transport)
    with pytest.raises(ProtocolError):
        run(pages(c))


@pytest.mark.parametrize("kind", ["500", "truncate", "hang"])
def test_server_failures_are_try_later(server: WebkasaServer, kind: str) -> None:
    server.state.faults.hang_seconds = 2.0
    server.state.faults.fail_next.extend(["pass", kind])  # the second page fails
    with pytest.raises(RetryLater):
        run(pages(connector(server, timeout=1.0)))


def test_a_429_is_waited_out_as_retry_after_says_and_retried_once(server: WebkasaServer) -> None:
    server.state.faults.fail_next.extend(["pass", "429"])
    got = run(pages(connector(server)))
    assert got[-1].last
    seen = list(server.state.seen)
    assert [s.status for s in seen] == [200, 429, 200, 200]
    # Retry-After: 1 is honoured, by the emulator's clock.
    assert seen[2].at - seen[1].at >= 1.0


def test_a_second_429_ends_the_round_instead_of_looping(server: WebkasaServer) -> None:
    server.state.faults.fail_next.extend(["429", "429", "429"])
    with pytest.raises(RetryLater, match="HTTP 429") as err:
        run(pages(connector(server)))
    assert err.value.retry_after == 1.0
    assert len(server.state.seen) == 2


def test_a_429_asking_for_a_long_wait_is_handed_to_the_sync_loop_at_once(server: WebkasaServer) -> None:
    server.state.faults.rate_limit = RateLimit(requests=100, get_requests=1, window_s=120.0)
    c = connector(server)
    with pytest.raises(RetryLater, match="RATE_LIMITED") as err:
        run(pages(c))
    assert len(server.state.seen) == 2 and err.value.retry_after is not None and err.value.retry_after > 60
    # The body's retry_after is read when no header says it.
    body = httpx.MockTransport(lambda r: httpx.Response(429, json={"code": "RATE_LIMITED", "retry_after": 90}))
    c = WebkasaConnector("http://127.0.0.1:9", EVENT, KEY, "North", transport=body)
    with pytest.raises(RetryLater) as err:
        run(pages(c))
    assert err.value.retry_after == 90


def test_pacing_keeps_a_long_listing_under_the_servers_limit(server: WebkasaServer) -> None:
    # Small figures, the same rule: the server allows 5 GETs a second, the station paces itself to 4.
    server.state.faults.rate_limit = RateLimit(requests=5, get_requests=5, window_s=1.0)
    server.state.faults.max_limit = 20  # 14 pages: 20 rows, then 19 new ones a page
    got = run(pages(connector(server, pace=(4, 1.0))))
    assert got[-1].last and sum(len(p.guests) for p in got) == 250
    seen = server.state.seen
    assert [s.status for s in seen] == [200] * 14
    times = [s.at for s in seen]
    # By the server's clock, no second held more than 4 requests.
    assert max(sum(1 for t in times if start <= t < start + 1.0) for start in times) <= 4


def test_push_sends_nothing_and_keeps_every_change_queued(server: WebkasaServer) -> None:
    at = datetime.now(UTC)
    change = Change("c1", "reg_000001", ChangeKind.CHECK_IN, at, None, at, "North")
    c = connector(server)
    report = run(c.push([change, change]))
    run(c.aclose())
    assert [r.outcome for r in report.results] == [PushOutcome.RETRY_LATER] * 2
    assert "kept on this station" in report.results[0].message and server.state.seen == type(server.state.seen)()


def test_a_station_check_in_stays_queued_and_survives_every_listing(server: WebkasaServer, tmp_path: Path) -> None:
    code = server.state.codes("CONFIRMED")[0]

    async def main() -> None:
        store = Store.open(tmp_path / "station.sqlite3")
        c = connector(server)
        try:
            sync = Sync(store, c, listing=Listing.FULL)
            assert (await sync.run_once()).ok
            assert CheckIn(store, "North").scan(code, Mode.CHECK_IN).verdict.kind is VerdictKind.ADMITTED
            for _ in range(2):
                assert (await sync.run_once()).ok
            assert store.queued_count() == 1
            again = CheckIn(store, "North").scan(code, Mode.CHECK_IN).verdict
            assert again.kind is VerdictKind.ALREADY_IN
            guest: Guest | None = store.get_guest(code)
            assert guest is not None and guest.is_inside
        finally:
            await c.aclose()
            store.close()

    run(main())
    # Pulls only: no request ever tried to record a check-in.
    assert {s.method for s in server.state.seen} == {"GET"}


def test_the_pacer_waits_for_the_oldest_request_to_leave_the_window_and_after_a_hold() -> None:
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    async def main() -> None:
        pacer = Pacer(2, 10.0, clock=lambda: now[0], sleep=sleep)
        for _ in range(2):
            await pacer.wait()
            pacer.done()
        assert slept == []
        now[0] = 3.0
        await pacer.wait()  # the third in 10 s waits until the first answer is 10 s old
        assert slept == [7.0] and now[0] == 10.0
        pacer.done()
        pacer.hold(30.0)
        await pacer.wait()
        assert now[0] == 40.0

    run(main())
    with pytest.raises(ValueError, match="at least one request"):
        Pacer(0, 60.0)
