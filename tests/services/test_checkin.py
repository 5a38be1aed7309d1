"""CheckIn on a real SQLite mirror: verdicts, the durable queue, companions, undo, clock correction."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.domain import Guest, Mode, VerdictKind
from kiosk.domain.models import Admission, ChangeKind
from kiosk.services.checkin import CheckIn
from kiosk.storage import Store
from tests.v1_guests import v1_guest

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def guests() -> list[Guest]:
    return [
        v1_guest(id="g-anna", access_code="ANNA01", admission=Admission.ADMISSIBLE,
              fields={"firstName": "Anna", "lastName": "Müller", "externalId": "B0001"},
              companions=("g-ben",)),
        v1_guest(id="g-ben", access_code="BEN002", parent_id="g-anna", admission=Admission.ADMISSIBLE,
              fields={"firstName": "Ben", "lastName": "Müller"}),
        v1_guest(id="g-gone", access_code="GONE03", admission=Admission.ADMISSIBLE, deleted=NOW,
              fields={"firstName": "Gone"}),
        v1_guest(id="g-dereg", access_code="DEREG4", admission=Admission.DEREGISTERED, fields={}),
    ]


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "mirror.sqlite3")
    s.apply_pull_page(guests(), cursor="listed")
    yield s
    s.close()


def make(store: Store, clock_start: datetime = NOW) -> tuple[CheckIn, list[int]]:
    ticks = [0]
    kicks: list[int] = []

    def clock() -> datetime:
        ticks[0] += 1
        return clock_start + timedelta(seconds=ticks[0])

    return CheckIn(store, "North", clock=clock, on_queued=lambda: kicks.append(1)), kicks


def test_admit_is_durable_before_the_verdict_returns(store: Store, tmp_path: Path) -> None:
    checkin, kicks = make(store)
    outcome = checkin.scan("  ]C1anna01\r\n", Mode.CHECK_IN)
    assert outcome.kind is VerdictKind.ADMITTED and outcome.queued and kicks == [1]
    # Another connection (another process in real life) sees the change and the scan log at once.
    other = Store.open(tmp_path / "mirror.sqlite3")
    try:
        queued = other.queued_changes()
        assert [c.change_id for c in queued] == [outcome.change.change_id]  # type: ignore[union-attr]
        assert other.recent_scans(1)[0].verdict == "admitted"
        assert other.counts()["checked_in"] == 1
    finally:
        other.close()


def test_second_scan_is_already_in_with_station(store: Store) -> None:
    checkin, _ = make(store)
    first = checkin.scan("ANNA01", Mode.CHECK_IN)
    second = checkin.scan("anna01", Mode.CHECK_IN)
    assert second.kind is VerdictKind.ALREADY_IN and not second.queued
    assert second.verdict.since == first.change.check_in  # type: ignore[union-attr]
    assert second.verdict.station == "North"
    assert store.queued_count() == 1 and store.counts()["scans"] == 2


def test_badge_number_and_id_lookups(store: Store) -> None:
    checkin, _ = make(store)
    assert checkin.scan("b0001", Mode.CHECK_IN).verdict.guest.id == "g-anna"  # type: ignore[union-attr]
    assert checkin.scan("G-BEN", Mode.CHECK_IN).verdict.guest.id == "g-ben"  # type: ignore[union-attr]


def test_companions_offered_after_admission(store: Store) -> None:
    checkin, _ = make(store)
    outcome = checkin.scan("ANNA01", Mode.CHECK_IN)
    assert [g.id for g in outcome.companions] == ["g-ben"]
    companion = checkin.act_on_guest("g-ben", Mode.CHECK_IN)
    assert companion.kind is VerdictKind.ADMITTED
    assert checkin.scan("ANNA01", Mode.TOGGLE).companions == []


@pytest.mark.parametrize(("code", "kind"), [("GONE03", VerdictKind.DELETED),
                                            ("DEREG4", VerdictKind.DEREGISTERED),
                                            ("nope", VerdictKind.UNKNOWN),
                                            ("x" * 5000, VerdictKind.UNKNOWN),
                                            ("", VerdictKind.UNKNOWN)])
def test_refusals_queue_nothing_but_are_logged(store: Store, code: str, kind: VerdictKind) -> None:
    checkin, kicks = make(store)
    outcome = checkin.scan(code, Mode.CHECK_IN)
    assert outcome.kind is kind and not outcome.queued and not kicks
    assert store.queued_count() == 0
    assert store.recent_scans(1)[0].verdict == kind.value
    assert len(store.recent_scans(1)[0].code) <= 128


def test_toggle_and_check_out_modes(store: Store) -> None:
    checkin, _ = make(store)
    assert checkin.scan("ANNA01", Mode.CHECK_OUT).kind is VerdictKind.NOT_IN
    assert checkin.scan("ANNA01", Mode.TOGGLE).kind is VerdictKind.ADMITTED
    out = checkin.scan("ANNA01", Mode.TOGGLE)
    assert out.kind is VerdictKind.CHECKED_OUT and out.change is not None
    assert out.change.kind is ChangeKind.CHECK_OUT and out.change.check_in is not None
    assert store.counts()["checked_in"] == 0


def test_changes_of_one_guest_strictly_increase_even_if_the_clock_stands_still(store: Store) -> None:
    checkin = CheckIn(store, "North", clock=lambda: NOW)
    times = [checkin.scan("ANNA01", Mode.TOGGLE).change.client_update for _ in range(4)]  # type: ignore[union-attr]
    assert times == sorted(times) and len(set(times)) == 4


def test_upload_times_are_corrected_by_the_clock_offset(store: Store) -> None:
    store.update_sync_state(clock_offset=3600.0)
    checkin, _ = make(store)
    change = checkin.scan("ANNA01", Mode.CHECK_IN).change
    assert change is not None
    assert timedelta(minutes=59) < change.client_update - NOW < timedelta(minutes=61)


def test_undo_puts_the_guest_back(store: Store) -> None:
    checkin, _ = make(store)
    assert checkin.undo_last() is None
    checkin.scan("ANNA01", Mode.CHECK_IN)
    undone = checkin.undo_last()
    assert undone is not None and undone.change is not None and undone.change.kind is ChangeKind.UNDO
    assert undone.change.check_in is None and store.counts()["checked_in"] == 0
    assert store.queued_count() == 2
    assert checkin.scan("ANNA01", Mode.CHECK_IN).kind is VerdictKind.ADMITTED


def test_undo_of_an_expected_change_only_while_it_is_still_the_last(store: Store) -> None:
    checkin, _ = make(store)
    first = checkin.scan("ANNA01", Mode.CHECK_IN).change
    assert first is not None and checkin.last_action() == first
    second = checkin.scan("BEN002", Mode.CHECK_IN).change
    assert second is not None and checkin.last_action() == second

    assert checkin.undo_last(expected=first.change_id) is None
    assert store.counts()["checked_in"] == 2 and store.queued_count() == 2
    undone = checkin.undo_last(expected=second.change_id)
    assert undone is not None and undone.verdict.guest is not None and undone.verdict.guest.id == second.guest_id


def test_undo_of_a_check_out_puts_the_guest_back_inside(store: Store) -> None:
    checkin, _ = make(store)
    checkin.scan("ANNA01", Mode.CHECK_IN)
    checkin.scan("ANNA01", Mode.CHECK_OUT)
    checkin.undo_last()
    assert store.counts()["checked_in"] == 1
    assert checkin.scan("ANNA01", Mode.CHECK_IN).kind is VerdictKind.ALREADY_IN


def test_what_staff_do_by_hand_is_queued_as_manual_and_a_scan_is_not(store: Store) -> None:
    checkin, _ = make(store)
    scanned = checkin.scan("ANNA01", Mode.CHECK_IN)
    by_hand = checkin.act_on_guest("g-ben", Mode.CHECK_IN)
    undone = checkin.undo_last()
    assert scanned.change is not None and by_hand.change is not None and undone is not None
    assert (scanned.change.manual, by_hand.change.manual, undone.change is not None and undone.change.manual) == (
        False, True, True
    )
    # The queue keeps the difference across a restart: it is read back from the outbox.
    assert [c.manual for c in store.queued_changes()] == [False, True, True]
