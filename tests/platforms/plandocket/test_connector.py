"""The PlanDocket connector against the PlanDocket emulator on loopback: reads, uploads, resends, faults."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.domain import Mode, VerdictKind
from kiosk.domain.models import Admission, Change, ChangeKind, Guest, PushOutcome
from kiosk.platforms.base import AuthRefused, Listing, RetryLater
from kiosk.platforms.plandocket.connector import PlanDocketConnector
from kiosk.platforms.plandocket.emulator import CheckIn as EmulatedCheckIn
from kiosk.platforms.plandocket.emulator import PlanDocketServer, PlanDocketState
from kiosk.services.checkin import CheckIn
from kiosk.services.sync import Sync
from kiosk.storage import Store

KEY, EVENT = "pd-key", "gala-26"


@pytest.fixture()
def server() -> Iterator[PlanDocketServer]:
    state = PlanDocketState(event_key=EVENT, api_key=KEY)
    state.generate(30, seed=2)
    with PlanDocketServer(state) as srv:
        yield srv


def connector(server: PlanDocketServer, *, key: str = KEY, event: str = EVENT, timeout: float = 5.0,
              station: str = "North") -> PlanDocketConnector:
    return PlanDocketConnector(server.url, event, key, station, timeout=timeout)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def pulled(c: PlanDocketConnector) -> dict[str, Guest]:
    guests: dict[str, Guest] = {}
    async for page in c.pull(None):
        guests.update((g.id, g) for g in page.guests)
    await c.aclose()
    return guests


def change(guest_id: str, kind: ChangeKind, n: int = 1, *, inside: bool = True) -> Change:
    at = datetime.now(UTC)
    return Change(f"ch-{guest_id}-{kind.value}-{n}", guest_id, kind, at - timedelta(seconds=1) if inside or
                  kind is ChangeKind.CHECK_OUT else None, at if kind is ChangeKind.CHECK_OUT else None, at, "North")


def admin(server: PlanDocketServer, **body: Any) -> None:
    httpx.post(f"{server.url}/admin/faults", json=body, trust_env=False).raise_for_status()


def records(server: PlanDocketServer) -> list[dict[str, Any]]:
    state = server.state
    return [state.check_in_json(c) for c in state.check_ins.values()]


def test_login_checks_the_key_and_the_event_key(server: PlanDocketServer) -> None:
    async def main() -> None:
        good = connector(server)
        assert (await good.login()).event_id == EVENT
        await good.aclose()
        for bad, says in ((connector(server, key="wrong"), "refused the API key"),
                          (connector(server, event="nope"), "does not know the event key nope")):
            with pytest.raises(AuthRefused, match=says):
                await bad.login()
            await bad.aclose()

    run(main())


def test_a_pull_is_every_participant_with_names_state_and_presence(server: PlanDocketServer) -> None:
    state = server.state
    unconfirmed = next(p for p in state.participants.values() if not p.is_confirmed)
    elsewhere = next(p for p in state.participants.values() if p.is_confirmed)
    status, _ = state.record({"event_key": EVENT, "participant_id": elsewhere.id, "station": "South"})
    assert status == 201
    guests = run(pulled(connector(server)))
    assert len(guests) == 30
    first = guests[str(elsewhere.id)]
    assert first.name == f"{elsewhere.first_name} {elsewhere.last_name}".strip()
    assert first.company == (elsewhere.company or "")
    assert first.is_inside and first.check_in is not None
    assert first.access_code == elsewhere.badge_number  # known from its check-in record
    assert first.fields["customerNumber"] == elsewhere.customer_number
    assert guests[str(unconfirmed.id)].admission is Admission.NOT_CONFIRMED


def test_a_check_in_is_posted_once_even_when_its_answer_was_lost(server: PlanDocketServer) -> None:
    pid = str(next(p.id for p in server.state.participants.values() if p.is_confirmed))
    admin(server, fail_next=[{"kind": "lose_write"}], hang_seconds=3)

    async def main() -> None:
        c = connector(server, timeout=1.0)
        with pytest.raises(RetryLater):
            await c.push([change(pid, ChangeKind.CHECK_IN)])  # applied by the server, answer lost
        again = await c.push([change(pid, ChangeKind.CHECK_IN)])  # the resend finds it by its notes
        assert [r.outcome for r in again.results] == [PushOutcome.ALREADY_RECORDED]
        await c.aclose()

    run(main())
    mine = [r for r in records(server) if str(r["event_participant_id"]) == pid]
    assert len(mine) == 1 and mine[0]["notes"] == f"kiosk:ch-{pid}-check_in-1" and mine[0]["station"] == "North"


def test_check_out_then_undo_of_a_check_in(server: PlanDocketServer) -> None:
    confirmed = [str(p.id) for p in server.state.participants.values() if p.is_confirmed]
    leaving, undone = confirmed[0], confirmed[1]

    async def main() -> None:
        c = connector(server)
        await c.push([change(leaving, ChangeKind.CHECK_IN), change(undone, ChangeKind.CHECK_IN)])
        out = await c.push([change(leaving, ChangeKind.CHECK_OUT)])
        undo = Change("undo-1", undone, ChangeKind.UNDO, None, None, datetime.now(UTC), "North")
        back = await c.push([undo])
        assert [r.outcome for r in out.results + back.results] == [PushOutcome.ACCEPTED] * 2
        await c.aclose()

    run(main())
    by_guest = {str(r["event_participant_id"]): r for r in records(server)}
    assert by_guest[leaving]["is_checked_in"] is False and by_guest[leaving]["checked_out_at"] is not None
    assert undone not in by_guest  # the emulator's record of the undone check-in is deleted


def test_a_check_in_another_desk_made_first_is_a_conflict_with_the_winner(server: PlanDocketServer) -> None:
    p = next(p for p in server.state.participants.values() if p.is_confirmed)
    server.state.record({"event_key": EVENT, "participant_id": p.id, "station": "Desk"})

    async def main() -> None:
        c = connector(server)
        answer = await c.push([change(str(p.id), ChangeKind.CHECK_IN)])
        await c.aclose()
        (result,) = answer.results
        assert result.outcome is PushOutcome.CONFLICT
        assert result.guest is not None and result.guest.is_inside and result.guest.sort_name.startswith(p.last_name)

    run(main())
    assert len(records(server)) == 1  # not posted a second time


def test_an_unconfirmed_or_removed_participant_is_dropped_with_the_servers_reason(server: PlanDocketServer) -> None:
    unconfirmed = next(p for p in server.state.participants.values() if not p.is_confirmed)

    async def main() -> None:
        c = connector(server)
        answer = await c.push([change(str(unconfirmed.id), ChangeKind.CHECK_IN), change("99999", ChangeKind.CHECK_IN)])
        await c.aclose()
        assert [r.outcome for r in answer.results] == [PushOutcome.REFUSED] * 2
        assert "participant_id: The participant is not confirmed." in answer.results[0].message
        assert "Participant not found" in answer.results[1].message

    run(main())


@pytest.mark.parametrize("kind", ["500", "429", "truncate"])
def test_server_trouble_is_try_later_and_429_says_when(server: PlanDocketServer, kind: str) -> None:
    admin(server, fail_next=[{"kind": kind}])

    async def main() -> None:
        c = connector(server)
        with pytest.raises(RetryLater) as err:
            await c.login()
        await c.aclose()
        if kind == "429":
            assert err.value.retry_after == 1

    run(main())


def test_the_rate_limit_answers_429_with_the_wait(server: PlanDocketServer) -> None:
    admin(server, rate_limit_per_hour=3)

    async def main() -> None:
        c = connector(server)
        for _ in range(3):
            await c.login()
        with pytest.raises(RetryLater, match="Rate limit exceeded") as err:
            await c.login()
        await c.aclose()
        assert err.value.retry_after is not None and 3000 < err.value.retry_after <= 3601

    run(main())


def test_the_server_clock_is_read_from_the_date_header(server: PlanDocketServer) -> None:
    admin(server, clock_offset=600)

    async def main() -> None:
        c = connector(server)
        await c.login()
        sample = c.last_clock_sample
        await c.aclose()
        assert sample is not None and 598 <= sample.offset_seconds <= 602

    run(main())


def test_two_doors_admitting_one_participant_at_once_show_the_later_one_a_conflict(
    server: PlanDocketServer, tmp_path: Path
) -> None:
    state = server.state
    p = next(p for p in state.participants.values() if p.is_confirmed)

    async def main() -> None:
        store = Store.open(tmp_path / "south.sqlite3", badge_field="customerNumber")
        c = connector(server, station="South")
        try:
            sync = Sync(store, c, listing=Listing.FULL)
            assert (await sync.run_once()).ok
            outcome = CheckIn(store, "South").scan(p.customer_number, Mode.CHECK_IN)
            assert outcome.kind is VerdictKind.ADMITTED and outcome.change is not None
            assert (await sync.run_once()).ok and store.conflicts() == []
            # North's check-in of the same person landed too: it was read back as "not in yet" before ours
            # arrived, and it came in first.
            ours = next(r for r in state.check_ins.values() if r.participant_id == p.id)
            with state.lock:
                state.check_ins[999] = EmulatedCheckIn(999, p.id, "scan", p.badge_number, "North",
                                                       "kiosk:north-1", ours.checked_in_at - timedelta(seconds=3))
            report = await sync.run_once()
            assert report.ok and report.conflicts == 1
            (conflict,) = store.conflicts()
            assert conflict.change.change_id == outcome.change.change_id
            assert conflict.winner is not None and conflict.winner.is_inside
            assert (await sync.run_once()).conflicts == 0  # found once, not again every pull
        finally:
            await c.aclose()
            store.close()

    run(main())


def test_a_check_in_staff_made_by_hand_is_recorded_as_manual_and_a_scan_as_scan(server: PlanDocketServer) -> None:
    by_hand, scanned = [str(p.id) for p in server.state.participants.values() if p.is_confirmed][2:4]

    async def main() -> None:
        c = connector(server)
        answer = await c.push([replace(change(by_hand, ChangeKind.CHECK_IN), manual=True),
                               change(scanned, ChangeKind.CHECK_IN)])
        assert [r.outcome for r in answer.results] == [PushOutcome.ACCEPTED] * 2
        await c.aclose()

    run(main())
    kinds = {str(r["event_participant_id"]): r["check_in_type"] for r in records(server)}
    assert (kinds[by_hand], kinds[scanned]) == ("manual", "scan")
