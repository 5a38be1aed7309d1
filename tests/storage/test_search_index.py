"""The search index a first download builds afterwards: scans at once, search refused until it is whole.

Every test compares with a mirror whose index was kept in step all along (the way every write but a
first download keeps it): once built, the deferred index must answer exactly the same.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.domain.models import Admission, Guest
from kiosk.storage import SearchIndexBuilding, Store
from tests.storage.search_index_child import guest_of

QUERIES = ("kill", "index1", "index12", "chaos", "order index3", "renamed", "new", "nobody")


def people(n: int, start: int = 0, *, name: str = "Person") -> list[Guest]:
    return [Guest(f"p{i:04d}", access_code=f"P-{i}", admission=Admission.ADMISSIBLE, name=f"{name} {i}",
                  sort_name=f"{i} {name}", company=f"Firm{i % 7}", email=f"p{i}@example.org")
            for i in range(start, start + n)]


def answers(store: Store) -> dict[str, list[str]]:
    return {q: sorted(g.id for g in store.search(q, 500)) for q in (*QUERIES, "person", "firm3", "p17")}


def build(store: Store, rows: int = 13) -> int:
    steps = 0
    while not store.build_search_step(rows)[1]:
        steps += 1
    return steps


def fts_matches_table(store: Store) -> None:
    # With rank 1, FTS5 compares every entry with the guests table it indexes.
    store._conn.execute("INSERT INTO guests_fts (guests_fts, rank) VALUES ('integrity-check', 1)")


def test_a_first_download_scans_at_once_and_searches_once_the_index_is_built(tmp_path: Path) -> None:
    with Store.open(tmp_path / "deferred.sqlite3") as deferred, Store.open(tmp_path / "kept.sqlite3") as kept:
        for page in (people(40), people(40, 40)):
            deferred.apply_pull_page(page, defer_search=True)
            kept.apply_pull_page(page)

        found = deferred.find_guest("p-57")
        assert found is not None and found.id == "p0057"  # the door answers from the rows already
        assert deferred.search_index_pending()
        with pytest.raises(SearchIndexBuilding) as refused:
            deferred.search("person")
        assert refused.value.remaining == 80
        assert deferred.integrity_check() == "ok"  # a half-built index is by design, not damage

        assert build(deferred) > 1
        assert not deferred.search_index_pending() and not deferred.search_index_state().building
        assert answers(deferred) == answers(kept) and answers(kept)["person"]
        fts_matches_table(deferred)


def test_pages_written_while_the_index_is_built_leave_it_right(tmp_path: Path) -> None:
    with Store.open(tmp_path / "deferred.sqlite3") as deferred, Store.open(tmp_path / "kept.sqlite3") as kept:
        deferred.apply_pull_page(people(60), defer_search=True)
        kept.apply_pull_page(people(60))
        deferred.build_search_step(25)  # the index holds the first 25 guests
        state = deferred.search_index_state()
        assert (state.building, state.indexed, state.remaining) == (True, 25, 35)

        # An incremental page: renames on both sides of the mark, and guests new to the mirror.
        later = [*people(10, 20, name="Renamed"), *people(10, 50, name="Renamed"), *people(5, 100, name="New")]
        for store in (deferred, kept):
            store.apply_pull_page(later, cursor="later")
        gen = deferred.begin_listing()  # a full listing of only some of them sweeps the rest
        deferred.complete_listing(gen, guests=people(30))
        gen = kept.begin_listing()
        kept.complete_listing(gen, guests=people(30))

        build(deferred)
        assert answers(deferred) == answers(kept) and answers(kept)["renamed"] == []  # swept
        fts_matches_table(deferred)


def test_a_wipe_while_the_index_is_built_leaves_an_empty_mirror_that_searches(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.sqlite3") as store:
        store.apply_pull_page(people(30), defer_search=True)
        store.wipe()
        assert not store.search_index_pending() and store.search("person") == []
        store.apply_pull_page(people(3))
        assert len(store.search("person")) == 3


def test_later_writes_index_at_once_and_only_an_empty_mirror_defers(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.sqlite3") as store:
        store.apply_pull_page(people(5))
        store.apply_pull_page(people(5, 5), defer_search=True)  # not empty: the index is kept in step
        assert not store.search_index_pending() and len(store.search("person")) == 10


@pytest.mark.slow
def test_a_station_killed_while_building_its_index_scans_right_and_builds_it_on_the_next_start(
    tmp_path: Path,
) -> None:
    db, total = tmp_path / "station.sqlite3", 150  # under SEARCH_CANDIDATES: every match listed
    child = subprocess.Popen([sys.executable, str(Path(__file__).with_name("search_index_child.py")), str(db),
                              str(total)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    try:
        assert child.stdout.readline().strip() == "ready"
        for line in child.stdout:
            if line.strip() == "step 8":  # about 56 of 150 guests indexed, the child sleeping or writing
                break
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(30)
    assert child.returncode == -signal.SIGKILL

    with Store.open(db) as store:  # the next start
        assert store.integrity_check() == "ok"
        for i in (0, 100, total - 1):  # every guest scans
            found = store.find_guest(f"code-{i}")
            assert found is not None and found.id == f"g{i:05d}"
        state = store.search_index_state()
        assert state.building and 0 < state.indexed < total and state.indexed + state.remaining == total
        with pytest.raises(SearchIndexBuilding):
            store.search("kill")  # never a half answer
        build(store)
        fts_matches_table(store)
        with Store.open(tmp_path / "kept.sqlite3") as kept:
            kept.apply_pull_page([guest_of(i) for i in range(total)])
            assert answers(store) == answers(kept) and len(answers(kept)["kill"]) == total
