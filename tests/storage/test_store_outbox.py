"""The outbox, the scan log, conflicts, sync state and wiping."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.domain.models import ChangeKind
from kiosk.storage import ScanRecord, Store, StoreError, SyncState
from tests.storage.storefactory import T0, at, check_in, check_out, cursor_at, guest, scan


def test_record_scan_queues_the_change_and_updates_the_mirror(store: Store, db_path: Path) -> None:
    store.apply_pull_page([guest("g1", updated=at(0))])
    change = check_in("c1", "g1", 10)
    store.record_scan(scan(change), change)
    assert store.queued_changes() == [change]
    assert store.get_guest("g1") == replace(guest("g1", updated=at(0)), check_in=at(10), client_update=at(10))
    # Durable before visible: a second connection sees it the moment the call has returned.
    with Store.open(db_path) as other:
        assert other.queued_count() == 1
        assert other.recent_scans()[0].change_id == "c1"


def test_record_scan_is_idempotent_per_change_id(store: Store) -> None:
    change = check_in("c1", "g1", 10)
    store.record_scan(scan(change), change)
    store.record_scan(scan(change, verdict="admitted-again"), change)
    assert store.counts()["scans"] == 1
    assert store.queued_count() == 1
    assert store.recent_scans()[0].verdict == "admitted"


def test_a_change_not_after_the_guests_latest_is_queued_just_after_it(store: Store) -> None:
    """Queue order and client time order agree per guest, whatever clock each writer decided on."""
    store.apply_pull_page([guest("g1", updated=at(0)), guest("g2", updated=at(0))])
    first = check_in("c1", "g1", 10)
    assert store.record_scan(scan(first), first) == first
    # Decided by another process before c1 was written, on a clock five minutes behind: a check-out.
    behind = check_out("c2", "g1", 10, 5)
    queued = store.record_scan(scan(behind), behind)
    tick = timedelta(microseconds=1)
    assert queued == replace(behind, check_out=at(10) + tick, client_update=at(10) + tick)
    assert store.queued_changes() == [first, queued]
    mirrored = store.get_guest("g1")
    assert mirrored is not None and mirrored.check_out == at(10) + tick and not mirrored.is_inside
    # Behind a time the server reported for the guest (another station's change) as well.
    store.apply_pull_page([replace(guest("g2", updated=at(1)), check_in=at(20), client_update=at(20))])
    late = check_in("c3", "g2", 15)
    assert store.record_scan(scan(late), late) == replace(late, check_in=at(20) + tick, client_update=at(20) + tick)
    # A change already later is queued as it is; a known change id writes nothing and answers None.
    later = check_out("c4", "g2", 20, 30)
    assert store.record_scan(scan(later), later) == later
    assert store.record_scan(scan(later), later) is None


def test_record_scan_is_all_or_nothing(store: Store, db_path: Path) -> None:
    store.apply_pull_page([guest("g1", updated=at(0))])
    saboteur = sqlite3.connect(db_path)
    saboteur.execute(
        "CREATE TRIGGER no_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    saboteur.close()
    change = check_in("c1", "g1", 10)
    with pytest.raises(StoreError, match="disk full"):
        store.record_scan(scan(change), change)
    assert store.counts()["scans"] == 0
    assert store.queued_count() == 0
    mirrored = store.get_guest("g1")
    assert mirrored is not None and mirrored.check_in is None
    # The store stays usable after the failed transaction.
    store.record_scan(scan(code="x", verdict="unknown"))
    assert store.counts()["scans"] == 1


def test_scan_log_keeps_every_scan_newest_first_and_cuts_long_codes(store: Store) -> None:
    store.record_scan(ScanRecord(at(1), "first", "unknown", None, "door-1", "check-in"))
    store.record_scan(ScanRecord(at(2), "z" * 5000, "unknown", None, "door-2", "toggle"))
    change = check_in("c1", "g1", 3)
    store.record_scan(ScanRecord(at(3), "abc", "admitted", "g1", "door-1", "check-in"), change)
    scans = store.recent_scans()
    assert [s.at for s in scans] == [at(3), at(2), at(1)]
    assert scans[0] == ScanRecord(at(3), "abc", "admitted", "g1", "door-1", "check-in", "c1")
    assert scans[1].code == "z" * 128 and scans[1].mode == "toggle"
    assert store.recent_scans(limit=1) == scans[:1]


def test_local_changes_for_a_guest(store: Store) -> None:
    changes = [check_in("c1", "g1", 1), check_out("c2", "g1", 1, 2), check_in("c3", "g1", 3)]
    for change in [*changes, check_in("other", "g2", 4)]:
        store.record_scan(scan(change), change)
    store.finish_changes(done=["c1"], dropped=[("c2", "Guest not known.")])
    assert store.local_changes_for("g1") == [changes[0], changes[2]]
    assert store.local_changes_for("g1", limit=1) == [changes[2]]
    assert store.local_changes_for("nobody") == []


def test_last_change_skips_conflicts_and_dropped(store: Store) -> None:
    assert store.last_change() is None
    for change in [check_in("c1", "g1", 1), check_in("c2", "g2", 2), check_in("c3", "g3", 3)]:
        store.record_scan(scan(change), change)
    store.finish_changes(done=["c1"], conflicts=[("c3", None)], dropped=[("c2", "gone")])
    last = store.last_change()
    assert last is not None and last.change_id == "c1" and last.kind is ChangeKind.CHECK_IN


def test_queued_changes_oldest_first_with_limit(store: Store) -> None:
    changes = [check_in(f"c{i}", f"g{i}", 10 - i) for i in range(5)]
    for change in changes:
        store.record_scan(scan(change), change)
    assert store.queued_changes() == changes  # queue order, not client time
    assert store.queued_changes(limit=2) == changes[:2]
    assert store.queued_count() == 5


def test_finish_changes_records_every_kind_of_answer(store: Store) -> None:
    store.apply_pull_page([guest(g, updated=at(0)) for g in ("g1", "g2", "g3", "g4")])
    changes = [check_in(f"c{i}", f"g{i}", 10 + i) for i in range(1, 5)]
    for change in changes:
        store.record_scan(scan(change), change)
    winner = guest("g2", updated=at(30), check_in=at(29), last="Winner")
    served = guest("g1", updated=at(11), check_in=at(11), last="Served")
    store.finish_changes(
        done=["c1"],
        conflicts=[("c2", winner), ("c3", None)],
        dropped=[("c4", "Guest not known.")],
        server_guests=[served],
    )
    assert store.queued_count() == 0
    assert store.counts()["conflicts"] == 2
    assert store.get_guest("g1") == served
    assert store.get_guest("g2") == winner
    conflicts = store.conflicts()
    assert [c.change.change_id for c in conflicts] == ["c3", "c2"]  # newest first
    assert conflicts[1].winner == winner and conflicts[0].winner is None
    assert all(c.answered_at is not None and c.answered_at > T0 for c in conflicts)
    assert not any(c.acknowledged for c in conflicts)
    assert store.local_changes_for("g4") == []  # dropped


def test_an_answer_only_changes_a_queued_change(store: Store) -> None:
    change = check_in("c1", "g1", 1)
    store.record_scan(scan(change), change)
    store.finish_changes(done=["c1"])
    store.finish_changes(conflicts=[("c1", None)], dropped=[("unknown-id", "x")])
    assert store.conflicts(include_acknowledged=True) == []
    assert store.last_change() == change


def test_server_guests_respect_a_later_change_still_queued(store: Store) -> None:
    store.apply_pull_page([guest("g1", updated=at(0))])
    first, second = check_in("c1", "g1", 10), check_out("c2", "g1", 10, 20)
    store.record_scan(scan(first), first)
    store.record_scan(scan(second), second)
    store.finish_changes(done=["c1"], server_guests=[guest("g1", updated=at(10), check_in=at(10))])
    mirrored = store.get_guest("g1")
    assert mirrored is not None and mirrored.check_out == at(20) and mirrored.client_update == at(20)


def test_acknowledging_conflicts(store: Store) -> None:
    for change in [check_in("c1", "g1", 1), check_in("c2", "g2", 2), check_in("c3", "g3", 3)]:
        store.record_scan(scan(change), change)
    store.finish_changes(conflicts=[("c1", None), ("c2", None), ("c3", None)])
    assert store.acknowledge_conflicts(["c2", "nope"]) == 1
    assert [c.change.change_id for c in store.conflicts()] == ["c3", "c1"]
    assert store.acknowledge_conflicts() == 2
    assert store.acknowledge_conflicts() == 0
    assert store.conflicts() == []
    everything = store.conflicts(include_acknowledged=True)
    assert [c.change.change_id for c in everything] == ["c3", "c2", "c1"]
    assert all(c.acknowledged for c in everything)
    assert store.counts()["conflicts"] == 0


def test_sync_state_defaults_and_updates(store: Store) -> None:
    assert store.sync_state() == SyncState(None, None, None, None, 0.0, None)
    store.update_sync_state(
        cursor=cursor_at(1),
        last_success=at(2),
        last_attempt=at(3),
        last_error="timeout",
        clock_offset=-2.5,
        online=False,
    )
    assert store.sync_state() == SyncState(cursor_at(1), at(2), at(3), "timeout", -2.5, False)
    store.update_sync_state(last_error=None, online=True, clock_offset=3)
    assert store.sync_state() == SyncState(cursor_at(1), at(2), at(3), None, 3.0, True)
    store.update_sync_state(online=None, cursor=None)
    state = store.sync_state()
    assert state.online is None and state.cursor is None


def test_sync_state_rejects_unknown_fields_and_wrong_types(store: Store) -> None:
    with pytest.raises(ValueError, match="colour"):
        store.update_sync_state(colour="red")
    with pytest.raises(TypeError, match="cursor"):
        store.update_sync_state(cursor=at(1))  # the connector's string, never a time the mirror would read
    with pytest.raises(TypeError, match="clock_offset"):
        store.update_sync_state(clock_offset="fast")
    with pytest.raises(ValueError, match="naive"):
        store.update_sync_state(last_attempt=T0.replace(tzinfo=None))
    assert store.sync_state() == SyncState()


def test_wipe_empties_everything_but_keeps_the_schema(store: Store, db_path: Path) -> None:
    store.apply_pull_page([guest("g1", last="Smith", code="abc")], cursor=cursor_at(1))
    change = check_in("c1", "g1", 2)
    store.record_scan(scan(change), change)
    store.update_sync_state(clock_offset=4.0, online=True, last_error="x")
    store.wipe()
    assert set(store.counts().values()) == {0}
    assert store.sync_state() == SyncState()
    assert store.search("smith") == [] and store.find_guest("abc") is None
    assert store.integrity_check() == "ok"
    store.apply_pull_page([guest("g2", last="Smith")])
    assert [g.id for g in store.search("smi")] == ["g2"]
    with Store.open(db_path) as reopened:
        assert reopened.counts()["guests"] == 1


def test_integrity_check_reports_a_search_index_out_of_step(store: Store, db_path: Path) -> None:
    store.apply_pull_page([guest("g1", last="Smith")])
    assert store.integrity_check() == "ok"
    tamper = sqlite3.connect(db_path)
    tamper.execute("UPDATE guests SET name = 'Jones'")
    tamper.commit()
    tamper.close()
    assert "search index" in store.integrity_check()
