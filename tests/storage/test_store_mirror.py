"""The guest mirror: lookups, companions, counts, and how pulled pages are written."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from kiosk.domain.codes import normalise_code
from kiosk.domain.models import Admission, Guest
from kiosk.storage import Store, StoreError
from tests.storage.storefactory import T0, at, check_in, check_out, cursor_at, guest, scan
from tests.v1_guests import v1_guest


def _found(store: Store, raw: str) -> str | None:
    hit = store.find_guest(normalise_code(raw))
    return hit.id if hit else None


def test_lookup_tries_access_code_then_badge_then_id(store: Store) -> None:
    store.apply_pull_page(
        [
            guest("by-code", code="SAME"),
            guest("by-badge", badge="same"),
            guest("same", badge="other"),
            guest("only-badge", badge="B-77"),
            guest("2E1A7138-UPPER"),
        ]
    )
    assert _found(store, "same") == "by-code"
    assert _found(store, "b-77") == "only-badge"
    assert _found(store, "2e1a7138-upper") == "2E1A7138-UPPER"
    assert _found(store, "nobody") is None
    assert store.find_guest("") is None


def test_badge_beats_id_when_no_access_code_matches(store: Store) -> None:
    store.apply_pull_page([guest("X1"), guest("g2", badge="x1")])
    assert _found(store, "X1") == "g2"


def test_lookup_is_case_space_and_symbology_prefix_insensitive(store: Store) -> None:
    store.apply_pull_page([guest("g1", code="AbC-123"), guest("g2", badge="Badge 9")])
    for raw in ("abc-123", "  ABC-123\r\n", "]C1AbC-123", "]Q3abc-123", "abc\u200b-123"):
        assert _found(store, raw) == "g1", raw
    assert _found(store, " ]c1BADGE 9 ") == "g2"


def test_deleted_guests_are_found_but_a_live_match_wins(store: Store) -> None:
    store.apply_pull_page(
        [
            guest("gone", code="OLD", deleted=at(1)),
            guest("old-copy", code="DUP", deleted=at(1)),
            guest("new-copy", code="DUP"),
        ]
    )
    hit = store.find_guest("old")
    assert hit is not None and hit.id == "gone" and hit.deleted == at(1)
    assert _found(store, "dup") == "new-copy"


def test_guest_round_trips_through_the_mirror(store: Store) -> None:
    original = v1_guest(
        id="g1",
        access_code="abc",
        parent_id="p1",
        client_update=at(1),
        server_update=at(2),
        check_in=at(3),
        check_out=at(4),
        deleted=None,
        admission=Admission.DEREGISTERED,
        highlight_color="#ffeedd",
        fields={"firstName": "Zoë", "customField47": ["vegetarian", "vegan"], "fax": None},
        companions=("c1", "c2"),
    )
    store.apply_pull_page([original])
    assert store.get_guest("g1") == original
    assert store.get_guest("G1") is None


def test_companions_are_children_and_listed_guests_without_duplicates(store: Store) -> None:
    store.apply_pull_page(
        [
            guest("host", companions=("c-listed", "c-both", "c-deleted", "host", "missing")),
            guest("c-child", parent_id="host", last="A"),
            guest("c-both", parent_id="host", last="B"),
            guest("c-listed", last="C"),
            guest("c-deleted", parent_id="host", deleted=at(0)),
            guest("stranger", parent_id="someone-else"),
        ]
    )
    host = store.get_guest("host")
    assert host is not None
    assert [g.id for g in store.companions_of(host)] == ["c-child", "c-both", "c-listed"]


def test_counts(store: Store) -> None:
    store.apply_pull_page(
        [
            guest("in", check_in=at(1)),
            guest("back-in", check_in=at(5), check_out=at(2)),
            guest("out", check_in=at(1), check_out=at(2)),
            guest("never"),
            guest("deleted-in", check_in=at(1), deleted=at(3)),
        ]
    )
    store.record_scan(scan(check_in("c1", "never", 10)), check_in("c1", "never", 10))
    store.record_scan(scan(code="garbage", verdict="unknown"))
    assert store.counts() == {
        "guests": 5,
        "deleted": 1,
        "checked_in": 3,
        "queued": 1,
        "conflicts": 0,
        "scans": 2,
    }


def test_pull_page_moves_cursor_and_last_success_with_the_rows(store: Store) -> None:
    store.apply_pull_page([guest("g1")])
    assert store.sync_state().cursor is None
    store.apply_pull_page([guest("g2")], cursor=cursor_at(30))
    state = store.sync_state()
    assert state.cursor == cursor_at(30)
    assert state.last_success is not None and state.last_success > T0
    store.apply_pull_page([], cursor=cursor_at(31))
    assert store.sync_state().cursor == cursor_at(31)


def test_a_failing_page_rolls_back_rows_and_cursor_together(store: Store, db_path: Path) -> None:
    store.apply_pull_page([guest("kept", last="Before")], cursor=cursor_at(1))
    # A second connection plants a fault half way through the page, as a full disk would.
    saboteur = sqlite3.connect(db_path)
    saboteur.execute(
        "CREATE TRIGGER poison BEFORE INSERT ON guests WHEN new.id = 'poison' "
        "BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END"
    )
    saboteur.close()
    page = [guest("kept", last="After"), guest("new-1", last="Fresh"), guest("poison"), guest("new-2")]
    with pytest.raises(StoreError, match="simulated write failure"):
        store.apply_pull_page(page, cursor=cursor_at(2))
    assert store.sync_state().cursor == cursor_at(1)
    assert store.counts()["guests"] == 1
    kept = store.get_guest("kept")
    assert kept is not None and kept.fields["lastName"] == "Before"
    assert store.search("fresh") == [] and store.search("after") == []
    assert store.integrity_check() == "ok"


def test_duplicate_ids_in_one_page_last_wins(store: Store) -> None:
    store.apply_pull_page([guest("g1", last="First"), guest("g2"), guest("g1", last="Second")])
    g1 = store.get_guest("g1")
    assert g1 is not None and g1.fields["lastName"] == "Second"
    assert [g.id for g in store.search("second")] == ["g1"]
    assert store.search("first") == []
    assert store.counts()["guests"] == 2


def test_rows_the_mirror_cannot_hold_are_skipped_and_the_rest_written(store: Store) -> None:
    naive = T0.replace(tzinfo=None)
    page: list[object] = [
        guest("ok-1", last="Alpha"),
        Guest(id=""),
        Guest(id="   "),
        Guest(id=None),  # type: ignore[arg-type]
        guest("naive", check_in=naive),
        "not a guest at all",
        guest("ok-2", last="Beta", score=Decimal("1.5"), seats=Decimal("2"), tags={"x"}),
    ]
    store.apply_pull_page(page, cursor=cursor_at(5))  # type: ignore[arg-type]
    assert store.counts()["guests"] == 2
    assert store.sync_state().cursor == cursor_at(5)
    ok2 = store.get_guest("ok-2")
    assert ok2 is not None
    assert ok2.fields["score"] == 1.5 and ok2.fields["seats"] == 2 and ok2.fields["tags"] == ["x"]


def test_renamed_guest_is_searchable_only_under_the_new_name(store: Store) -> None:
    store.apply_pull_page([guest("g1", first="Anna", last="Old"), guest("g2", last="Other")])
    store.apply_pull_page([guest("g1", first="Anna", last="Newname"), guest("g2", last="Other")])
    assert store.search("old") == []
    assert [g.id for g in store.search("newn")] == ["g1"]
    assert [g.id for g in store.search("other")] == ["g2"]
    assert store.integrity_check() == "ok"


def test_an_older_pulled_row_does_not_erase_a_queued_change(store: Store) -> None:
    store.apply_pull_page([guest("g1", updated=at(0))])
    store.record_scan(scan(check_in("c1", "g1", 10)), check_in("c1", "g1", 10))
    store.apply_pull_page([guest("g1", updated=at(5), last="Renamed")])
    mirrored = store.get_guest("g1")
    assert mirrored is not None
    assert (mirrored.check_in, mirrored.check_out, mirrored.client_update) == (at(10), None, at(10))
    assert mirrored.fields["lastName"] == "Renamed"  # everything but the presence comes from the server


def test_a_pulled_row_without_client_time_keeps_the_queued_change(store: Store) -> None:
    store.record_scan(scan(check_in("c1", "g1", 10)), check_in("c1", "g1", 10))
    store.apply_pull_page([guest("g1", updated=None)])
    mirrored = store.get_guest("g1")
    assert mirrored is not None and mirrored.check_in == at(10)


def test_a_newer_pulled_row_replaces_the_queued_presence(store: Store) -> None:
    store.apply_pull_page([guest("g1", updated=at(0))])
    store.record_scan(scan(check_in("c1", "g1", 10)), check_in("c1", "g1", 10))
    store.apply_pull_page([guest("g1", updated=at(20), check_in=at(8), check_out=at(20))])
    mirrored = store.get_guest("g1")
    assert mirrored is not None
    assert (mirrored.check_in, mirrored.check_out, mirrored.client_update) == (at(8), at(20), at(20))


def test_the_latest_of_several_queued_changes_is_kept(store: Store) -> None:
    store.apply_pull_page([guest("g1", updated=at(0))])
    store.record_scan(scan(check_in("c1", "g1", 10)), check_in("c1", "g1", 10))
    store.record_scan(scan(check_out("c2", "g1", 10, 15)), check_out("c2", "g1", 10, 15))
    store.apply_pull_page([guest("g1", updated=at(12), check_in=at(12))])
    mirrored = store.get_guest("g1")
    assert mirrored is not None
    assert (mirrored.check_in, mirrored.check_out, mirrored.client_update) == (at(10), at(15), at(15))


def test_once_answered_a_change_no_longer_protects_the_row(store: Store) -> None:
    store.apply_pull_page([guest("g1", updated=at(0))])
    store.record_scan(scan(check_in("c1", "g1", 10)), check_in("c1", "g1", 10))
    store.finish_changes(dropped=[("c1", "Guest not known.")])
    store.apply_pull_page([guest("g1", updated=at(5))])
    mirrored = store.get_guest("g1")
    assert mirrored is not None and mirrored.check_in is None and mirrored.client_update == at(5)


def test_every_lookup_is_answered_from_an_index_and_the_partial_ones_hold_only_what_they_can_find(
    store: Store,
) -> None:
    from kiosk.storage.mirror import _LOOKUPS

    store.apply_pull_page([guest("lower-1", code="C1"), guest("Upper-2", code="C2"), guest("kid", parent_id="lower-1")])
    conn = store._conn
    for sql in _LOOKUPS:
        plan = " / ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, ("x",)))
        assert "SCAN g" not in plan and "USING INDEX" in plan, plan
    # The case-blind index holds the one id with capitals.
    assert conn.execute("SELECT count(*) FROM guests INDEXED BY guests_id_nocase "
                        "WHERE id = 'upper-2' COLLATE NOCASE AND id <> lower(id)").fetchone()[0] == 1
    # The parent index is whole: the status bar counts every guest from it.
    assert conn.execute("SELECT count(*) FROM guests INDEXED BY guests_parent_id").fetchone()[0] == 3
    assert store.counts()["guests"] == 3
    assert (_found(store, "UPPER-2"), _found(store, "lower-1"), _found(store, "c1")) == ("Upper-2", "lower-1",
                                                                                          "lower-1")


def test_a_page_larger_than_one_statement_takes_is_written_whole_and_keeps_queued_changes(store: Store) -> None:
    # 100 parameters a statement: four rows each, so a page of 30 takes eight statements.
    store._conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 100)
    store.apply_pull_page([guest(f"g{n}", code=f"C{n}", updated=at(1)) for n in range(30)])
    change = check_in("c7", "g7", 5)
    store.record_scan(scan(change, code="C7"), change)
    store.apply_pull_page([guest(f"g{n}", code=f"C{n}", first="Renamed", last=str(n), updated=at(2))
                           for n in range(30)])
    assert store.counts()["guests"] == 30
    assert [g.name for g in map(store.get_guest, ("g0", "g13", "g29")) if g] == ["Renamed 0", "Renamed 13",
                                                                                "Renamed 29"]
    kept = store.get_guest("g7")
    assert kept is not None and kept.check_in == at(5)  # the queued check-in outlives the newer page
