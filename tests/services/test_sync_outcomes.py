"""What Sync does with each answer a connector gives a change, whatever the platform (a canned connector)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from kiosk.domain import Mode, VerdictKind
from kiosk.domain.models import Admission, Change, Guest, PushOutcome, PushResult
from kiosk.platforms.base import PullPage
from kiosk.services.checkin import CheckIn
from kiosk.services.sync import Sync
from kiosk.storage import Store
from tests.services.canned_connector import CannedConnector, guests

LISTING = [PullPage(guests=guests("a", "b", "c", "d"), last=True, cursor="listed")]


def station(tmp_path: Path, connector: CannedConnector) -> tuple[Store, CheckIn]:
    store = Store.open(tmp_path / "station.sqlite3")
    assert asyncio.run(Sync(store, connector).run_once()).ok
    return store, CheckIn(store, "North")


def admit(checkin: CheckIn, *ids: str) -> list[Change]:
    changes = []
    for gid in ids:
        verdict = checkin.scan(f"CODE-{gid}", Mode.CHECK_IN)
        assert verdict.kind is VerdictKind.ADMITTED and verdict.change is not None
        changes.append(verdict.change)
    return changes


def test_each_outcome_lands_where_staff_and_the_queue_expect_it(tmp_path: Path) -> None:
    winner = Guest("c", access_code="CODE-c", admission=Admission.ADMISSIBLE,
                   check_in=datetime(2026, 12, 1, 8, 59, tzinfo=UTC))
    answers = {
        "a": PushResult("a", PushOutcome.ACCEPTED),
        "b": PushResult("b", PushOutcome.ALREADY_RECORDED),
        "c": PushResult("c", PushOutcome.CONFLICT, guest=winner),
        "d": PushResult("d", PushOutcome.REFUSED, message="The platform does not know this attendee."),
    }
    connector = CannedConnector(LISTING, answer=lambda change: answers[change.guest_id])
    store, checkin = station(tmp_path, connector)
    admit(checkin, "a", "b", "c", "d")

    report = asyncio.run(Sync(store, connector).push())

    assert report.ok and (report.pushed, report.applied, report.conflicts, report.dropped) == (4, 2, 1, 1)
    assert store.queued_count() == 0
    (conflict,) = store.conflicts()
    assert conflict.change.guest_id == "c" and conflict.winner is not None and conflict.winner.is_inside
    # A refused change is dropped: it is not this station's history any more, the others are.
    assert [len(store.local_changes_for(g)) for g in "abcd"] == [1, 1, 1, 0]


def test_a_change_held_back_is_sent_in_the_next_request_of_the_same_round(tmp_path: Path) -> None:
    held: set[str] = set()

    def hold_second(change: Change) -> PushResult:
        # Like a connector sending one change per guest: the check-out waits for the check-in's answer.
        batch = connector.pushed[-1]
        if change.change_id != batch[0] and change.guest_id == first.guest_id and change.change_id not in held:
            held.add(change.change_id)
            return PushResult(change.guest_id, PushOutcome.RETRY_LATER)
        return PushResult(change.guest_id, PushOutcome.ACCEPTED)

    connector = CannedConnector(LISTING, answer=hold_second)
    store, checkin = station(tmp_path, connector)
    (first,) = admit(checkin, "a")
    out = checkin.scan("CODE-a", Mode.CHECK_OUT)
    assert out.kind is VerdictKind.CHECKED_OUT and out.change is not None

    report = asyncio.run(Sync(store, connector).push())

    assert report.ok and (report.pushed, report.applied) == (2, 2)
    assert connector.pushed == [[first.change_id, out.change.change_id], [out.change.change_id]]
    assert store.queued_count() == 0


def test_a_connector_that_takes_nothing_ends_the_round_and_keeps_the_queue(tmp_path: Path) -> None:
    connector = CannedConnector(LISTING, answer=lambda c: PushResult(c.guest_id, PushOutcome.RETRY_LATER))
    store, checkin = station(tmp_path, connector)
    admit(checkin, "a", "b")

    report = asyncio.run(Sync(store, connector).push())

    assert report.ok and report.pushed == 0 and len(connector.pushed) == 1  # one try, no busy loop
    assert store.queued_count() == 2
