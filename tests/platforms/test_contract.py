"""One contract, every (connector, emulator) pair: what sync and the door rely on, whatever the platform."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.domain import CodeKind, Mode, VerdictKind, normalise_code
from kiosk.domain.models import Change, ChangeKind, Guest, PushOutcome
from kiosk.platforms import platform_named
from kiosk.platforms.base import AuthRefused, Connector, RetryLater, Uploads
from kiosk.platforms.conferences_io.emulator import ConferencesIoServer, ConferencesIoState
from kiosk.platforms.invitario.emulator.generate import generate_guests
from kiosk.platforms.invitario.emulator.run import ServerThread
from kiosk.platforms.plandocket.emulator import PlanDocketServer, PlanDocketState
from kiosk.platforms.webkasa.emulator import WebkasaServer, WebkasaState
from kiosk.services.checkin import CheckIn
from kiosk.services.sync import Sync
from kiosk.storage import Store

EVENT, KEY = "contract-ev", "contract-key"
HANG_S = 3.0  # a lost answer: the server applies the write, then stays silent longer than the timeout


@dataclass
class Pair:
    """A running emulator and what the contract tests need to ask it, behind the platform's own API."""

    platform: str
    url: str
    guest_ids: list[str]  # guests that may enter
    recorded: Callable[[str], int]  # how many check-in records the server holds for a guest
    lose_next_answer: Callable[[], None]
    remove: Callable[[str], None]
    # What the platform's document says its scan code is (what the mapper must name it).
    code_kind: CodeKind
    # Gives a guest a scan code on the server where the platform issues none up front (PlanDocket's badge
    # number comes with a check-in record).
    give_code: Callable[[str], None] = lambda gid: None
    # Station settings the platform's connector takes besides the event (Conferences i/o: the session).
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def takes_uploads(self) -> bool:
        return platform_named(self.platform).capabilities.uploads is Uploads.SERVER

    def needs_uploads(self) -> None:
        """The platform keeps check-ins on the station: an upload test does not apply (see the station-only one)."""
        if not self.takes_uploads:
            pytest.skip(f"{self.platform} takes no check-ins (Uploads.STATION_ONLY)")

    def connector(self, *, key: str = KEY, timeout: float = 5.0) -> Connector:
        factory = platform_named(self.platform).connector
        assert factory is not None
        return factory(self.url, EVENT, key, "North", timeout=timeout, **self.options)

    def sync(self, store: Store, connector: Connector) -> Sync:
        """A sync that lists as this platform can (a full listing sweeps whom it lacks)."""
        return Sync(store, connector, listing=platform_named(self.platform).capabilities.listing)


def _invitario(tmp_path: Path) -> Iterator[Pair]:
    with ServerThread(tmp_path / "server.sqlite3", event_id=EVENT, api_key=KEY, guests=20, seed=5) as srv:
        def admin(method: str, path: str, **kwargs: Any) -> Any:
            with httpx.Client(base_url=srv.url, trust_env=False, headers={"X-Admin-Key": KEY}) as client:
                response = client.request(method, path, **kwargs)
                response.raise_for_status()
                return response.json()

        # The server generated these very guests (same count and seed).
        rows = generate_guests(20, 5)
        ids = [g["id"] for g in rows if g.get("registrationState") == "registered" and not g.get("parentId")]
        yield Pair(
            "invitario", srv.url, ids,
            recorded=lambda gid: int(admin("GET", "/admin/history", params={"guest_id": gid})["count"]),
            lose_next_answer=lambda: admin("POST", "/admin/faults",
                                           json={"fail_next": [{"kind": "hang_after"}], "hang_seconds": HANG_S}),
            remove=lambda gid: admin("POST", f"/admin/guests/{gid}/delete"),
            code_kind=CodeKind.ACCESS_CODE,
        )


def _plandocket(tmp_path: Path) -> Iterator[Pair]:
    state = PlanDocketState(event_key=EVENT, api_key=KEY)
    state.generate(20, seed=5)

    def lose() -> None:
        state.faults.hang_seconds = HANG_S
        state.faults.fail_next.append("lose_write")  # the POST, not the read-back before it

    def remove(gid: str) -> None:
        del state.participants[int(gid)]

    def check_in_elsewhere(gid: str) -> None:
        state.record({"event_key": EVENT, "participant_id": int(gid), "station": "South"})

    with PlanDocketServer(state) as srv:
        yield Pair(
            "plandocket", srv.url, [str(p.id) for p in state.participants.values() if p.is_confirmed],
            recorded=lambda gid: sum(1 for c in state.check_ins.values() if str(c.participant_id) == gid),
            lose_next_answer=lose,
            remove=remove,
            code_kind=CodeKind.BADGE_NUMBER,
            give_code=check_in_elsewhere,
        )


def _webkasa(tmp_path: Path) -> Iterator[Pair]:
    state = WebkasaState(event_id=EVENT, api_key=KEY)
    state.generate(20, seed=5)

    def remove(gid: str) -> None:
        del state.registrations[gid]

    with WebkasaServer(state) as srv:
        yield Pair(
            "webkasa", srv.url, state.codes("CONFIRMED"),
            # Webkasa has no way to record a check-in: the server never holds one from a station.
            recorded=lambda gid: sum(1 for s in state.seen if s.method != "GET"),
            lose_next_answer=lambda: None,
            remove=remove,
            code_kind=CodeKind.REGISTRATION_ID,
        )


def _conferences_io(tmp_path: Path) -> Iterator[Pair]:
    state = ConferencesIoState(api_key=KEY)
    state.generate(20, seed=5)

    def remove(gid: str) -> None:
        session, _, who = gid.partition("/")
        del state.sessions[session].attendance[who.lower()]

    with ConferencesIoServer(state) as srv:
        yield Pair(
            "conferences-io", srv.api_url, [f"keyn/{code}" for code in state.codes("keyn")],
            # No endpoint records a check-in: the server never holds one from a station.
            recorded=lambda gid: sum(1 for s in state.seen if s.method != "GET"),
            lose_next_answer=lambda: None,
            remove=remove,
            code_kind=CodeKind.EXTERNAL_ID,
            options={"session": "keyn"},
        )


PAIRS = {"invitario": _invitario, "plandocket": _plandocket, "webkasa": _webkasa, "conferences-io": _conferences_io}


@pytest.fixture(params=list(PAIRS))
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pair]:
    yield from PAIRS[request.param](tmp_path)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def everyone(connector: Connector) -> dict[str, Guest]:
    guests: dict[str, Guest] = {}
    async for page in connector.pull(None):
        guests.update((g.id, g) for g in page.guests)
    return guests


def check_in(guest_id: str, n: int = 1) -> Change:
    at = datetime.now(UTC) - timedelta(seconds=5 - n)
    return Change(f"contract-{guest_id}-{n}", guest_id, ChangeKind.CHECK_IN, at, None, at, "North")


def test_login_accepts_the_key_and_refuses_a_wrong_one(pair: Pair) -> None:
    async def main() -> None:
        good, bad = pair.connector(), pair.connector(key="not-the-key")
        try:
            assert (await good.login()).event_id == EVENT
            with pytest.raises(AuthRefused):
                await bad.login()
        finally:
            await good.aclose()
            await bad.aclose()

    run(main())


def test_a_first_pull_lists_every_guest_by_name_and_ends_with_a_cursor(pair: Pair) -> None:
    async def main() -> None:
        c = pair.connector()
        try:
            await c.login()
            pages = [page async for page in c.pull(None)]
        finally:
            await c.aclose()
        assert pages[-1].last and pages[-1].cursor is not None
        guests = [g for page in pages for g in page.guests]
        assert len(guests) >= 20 and set(pair.guest_ids) <= {g.id for g in guests}
        assert all(g.display_name and g.display_name != g.id for g in guests)

    run(main())


def test_a_check_in_then_a_check_out_reach_the_server_once_each(pair: Pair) -> None:
    pair.needs_uploads()
    gid = pair.guest_ids[0]

    async def main() -> None:
        c = pair.connector()
        try:
            await c.login()
            assert [r.outcome for r in (await c.push([check_in(gid)])).results] == [PushOutcome.ACCEPTED]
            assert (await everyone(c))[gid].is_inside
            now = datetime.now(UTC)
            out = Change(f"contract-{gid}-out", gid, ChangeKind.CHECK_OUT, now - timedelta(seconds=4), now, now,
                         "North")
            assert [r.outcome for r in (await c.push([out])).results] == [PushOutcome.ACCEPTED]
            assert not (await everyone(c))[gid].is_inside
        finally:
            await c.aclose()

    run(main())
    assert pair.recorded(gid) >= 1


def test_one_push_answers_every_change_and_holds_back_a_second_change_of_one_guest(pair: Pair) -> None:
    pair.needs_uploads()
    first, other = pair.guest_ids[2], pair.guest_ids[3]

    async def main() -> None:
        c = pair.connector()
        try:
            await c.login()
            now = datetime.now(UTC)
            came_in = check_in(first, 1)
            went_out = Change(f"contract-{first}-out", first, ChangeKind.CHECK_OUT, came_in.check_in, now, now,
                              "North")
            answer = await c.push([came_in, went_out, check_in(other, 2)])
            # The second change of one guest waits for the answer to the first; it goes in the next push.
            assert [r.outcome for r in answer.results] == [
                PushOutcome.ACCEPTED, PushOutcome.RETRY_LATER, PushOutcome.ACCEPTED
            ]
            assert [r.guest_id for r in answer.results] == [first, first, other]
            assert (await everyone(c))[first].is_inside
            (later,) = (await c.push([went_out])).results
            assert later.outcome is PushOutcome.ACCEPTED
            assert not (await everyone(c))[first].is_inside
        finally:
            await c.aclose()

    run(main())


def test_a_change_for_a_guest_the_platform_does_not_know_is_refused_with_a_reason(pair: Pair) -> None:
    pair.needs_uploads()
    async def main() -> None:
        c = pair.connector()
        try:
            await c.login()
            (answer,) = (await c.push([check_in("404404")])).results
            assert answer.outcome is PushOutcome.REFUSED and not answer.outcome.done
            assert answer.message.strip()
        finally:
            await c.aclose()

    run(main())


def test_a_resend_after_a_lost_answer_is_recorded_once(pair: Pair) -> None:
    pair.needs_uploads()
    gid = pair.guest_ids[1]

    async def main() -> None:
        c = pair.connector(timeout=1.0)
        try:
            await c.login()
            change = check_in(gid)  # queued once: a resend is the very same change
            pair.lose_next_answer()
            with pytest.raises(RetryLater):
                await c.push([change])
            await asyncio.sleep(HANG_S)  # the server has long applied it by now
            again = await c.push([change])
            # Invitario takes the same state again (idempotent); PlanDocket finds its record and adopts it.
            assert [r.outcome.done for r in again.results] == [True]
            assert (await everyone(c))[gid].is_inside
        finally:
            await c.aclose()

    run(main())
    assert pair.recorded(gid) == 1


def test_a_guest_removed_on_the_server_is_not_admitted_after_the_next_sync(pair: Pair, tmp_path: Path) -> None:
    gid = pair.guest_ids[2]

    async def main() -> None:
        store = Store.open(tmp_path / "station.sqlite3")
        c = pair.connector()
        try:
            sync = pair.sync(store, c)
            assert (await sync.run_once()).ok
            pair.remove(gid)
            assert (await sync.run_once()).ok
            verdict = CheckIn(store, "North").scan(gid, Mode.CHECK_IN).verdict
            assert verdict.kind is VerdictKind.DELETED
        finally:
            await c.aclose()
            store.close()

    run(main())


def test_a_station_only_platform_keeps_every_check_in_queued_and_sends_nothing(pair: Pair, tmp_path: Path) -> None:
    if pair.takes_uploads:
        pytest.skip(f"{pair.platform} takes check-ins (the upload tests above)")
    gid = pair.guest_ids[0]

    async def main() -> None:
        store = Store.open(tmp_path / "station.sqlite3")
        c = pair.connector()
        try:
            # Asked directly, the connector takes nothing; through sync, it is never asked.
            assert c.max_batch == 0
            assert [r.outcome for r in (await c.push([check_in(gid)])).results] == [PushOutcome.RETRY_LATER]
            sync = Sync(store, c)
            assert (await sync.run_once()).ok
            assert CheckIn(store, "North").scan(gid, Mode.CHECK_IN).verdict.kind is VerdictKind.ADMITTED
            assert (await sync.run_once()).ok
            assert store.queued_count() == 1
            assert CheckIn(store, "North").scan(gid, Mode.CHECK_IN).verdict.kind is VerdictKind.ALREADY_IN
        finally:
            await c.aclose()
            store.close()

    run(main())
    assert pair.recorded(gid) == 0


def test_each_code_is_named_for_what_it_is_and_a_scan_says_which_it_matched(pair: Pair, tmp_path: Path) -> None:
    async def main() -> None:
        store = Store.open(tmp_path / "station.sqlite3")
        c = pair.connector()
        pair.give_code(pair.guest_ids[0])
        try:
            assert (await pair.sync(store, c).run_once()).ok
            coded = [g for g in map(store.get_guest, pair.guest_ids) if g is not None and g.access_code]
            # Kept by the mirror as the mapper named it, for every guest that has a code.
            assert coded and {g.access_code_kind for g in coded} == {pair.code_kind}
            guest = coded[0]
            verdict = CheckIn(store, "North").scan(guest.access_code, Mode.CHECK_IN).verdict
            assert verdict.guest is not None and verdict.guest.id == guest.id
            matched = verdict.guest.matched_code(normalise_code(guest.access_code))
            assert matched is not None and matched.kind is pair.code_kind
            assert guest.codes()[-1].kind is CodeKind.ATTENDEE_ID
        finally:
            await c.aclose()
            store.close()

    run(main())
