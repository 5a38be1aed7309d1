"""Full listings (mark and sweep by generation): a completed listing deletes whom it did not contain.

All on real SQLite files in tmp_path. The rule: pages of a listing stamp every guest they hold; the
transaction of the last page marks every other live guest deleted; a listing never completed, or one
that came back empty while the mirror has guests, deletes nothing.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.domain.codes import normalise_code
from kiosk.domain.models import Guest
from kiosk.storage import EmptyListing, ListingNotOpen, Store, StoreError
from kiosk.storage.mirror import PreparedPage
from tests.e2e.procs import child_env
from tests.storage.storefactory import at, check_in, cursor_at, guest, scan

CHILD = Path(__file__).with_name("listing_child.py")


def people(*ids: str) -> list[Guest]:
    return [guest(i, code=f"code-{i}", first="Ann", last=f"Name{i}", updated=at(0)) for i in ids]


def listing_gens(store: Store) -> dict[str, int | None]:
    return dict(store._conn.execute("SELECT id, listing_gen FROM guests"))


def deleted_ids(store: Store) -> set[str]:
    return {gid for (gid,) in store._conn.execute("SELECT id FROM guests WHERE deleted IS NOT NULL")}


@pytest.fixture
def mirrored(store: Store) -> Store:
    """A mirror of g1..g5 filled by ordinary pulls, g5 already deleted by the server."""
    listed = [*people("g1", "g2", "g3", "g4"), guest("g5", code="code-g5", deleted=at(-5))]
    store.apply_pull_page(listed, cursor=cursor_at(1))
    return store


def test_a_completed_listing_marks_the_guests_it_did_not_contain_deleted(mirrored: Store) -> None:
    before = {g: mirrored.get_guest(g) for g in ("g1", "g2")}
    gen = mirrored.begin_listing()
    mirrored.apply_pull_page(people("g1"), listing=gen)
    swept = mirrored.complete_listing(gen, cursor_at(30), people("g2"), listed_at=at(30))
    assert swept == 2
    assert deleted_ids(mirrored) == {"g3", "g4", "g5"}
    for gone in ("g3", "g4"):
        hit = mirrored.find_guest(normalise_code(f"code-{gone}"))
        assert hit is not None and hit.id == gone and hit.deleted == at(30)
    assert mirrored.search("nameg3") == [] and [g.id for g in mirrored.search("nameg1")] == ["g1"]
    # Present guests are untouched, and an earlier server deletion keeps its own time.
    assert {g: mirrored.get_guest(g) for g in ("g1", "g2")} == before
    g5 = mirrored.get_guest("g5")
    assert g5 is not None and g5.deleted == at(-5)
    state = mirrored.sync_state()
    assert state.cursor == cursor_at(30) and mirrored.listing_under_way() is None
    assert mirrored.counts()["deleted"] == 3
    assert mirrored.integrity_check() == "ok"


def test_identical_rows_are_stamped_too(mirrored: Store) -> None:
    gen = mirrored.begin_listing()
    mirrored.apply_pull_page(people("g1", "g2", "g3", "g4"), listing=gen)
    assert listing_gens(mirrored) == {"g1": gen, "g2": gen, "g3": gen, "g4": gen, "g5": None}
    assert mirrored.complete_listing(gen, cursor_at(30), listed_at=at(30)) == 0
    assert deleted_ids(mirrored) == {"g5"}


def test_listing_stamps_new_changed_and_identical_rows_in_one_page(mirrored: Store) -> None:
    gen = mirrored.begin_listing()
    changed = guest("g2", code="code-g2", first="Ann", last="Renamed", updated=at(3))
    mirrored.apply_pull_page([*people("g1"), changed, *people("new")], listing=gen)
    gens = listing_gens(mirrored)
    assert (gens["g1"], gens["g2"], gens["new"]) == (gen, gen, gen)
    assert mirrored.complete_listing(gen, cursor_at(30), listed_at=at(30)) == 2
    assert [g.id for g in mirrored.search("renamed")] == ["g2"]
    assert deleted_ids(mirrored) == {"g3", "g4", "g5"}
    assert mirrored.integrity_check() == "ok"


def test_a_listing_cut_off_half_way_deletes_nothing(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.apply_pull_page(people("g1", "g2", "g3"), cursor=cursor_at(1))
        gen = store.begin_listing()
        store.apply_pull_page(people("g1"), listing=gen)
    with Store.open(db_path) as store:
        assert deleted_ids(store) == set()
        assert store.listing_under_way() == gen
        assert store.sync_state().cursor == cursor_at(1)
        # A station restarted half way starts a fresh listing; the old one can no longer complete.
        fresh = store.begin_listing()
        assert fresh == gen + 1 and store.listing_under_way() == fresh
        with pytest.raises(ListingNotOpen):
            store.complete_listing(gen, cursor_at(5), listed_at=at(5))
        assert deleted_ids(store) == set()
        assert store.complete_listing(fresh, cursor_at(6), people("g2"), listed_at=at(6)) == 2
        assert deleted_ids(store) == {"g1", "g3"}


def test_pages_of_an_abandoned_or_completed_listing_are_refused_whole(mirrored: Store) -> None:
    old = mirrored.begin_listing()
    new = mirrored.begin_listing()
    with pytest.raises(ListingNotOpen, match=f"listing {new} is under way"):
        mirrored.apply_pull_page(people("g1", "brand-new"), listing=old, cursor=cursor_at(9))
    assert mirrored.get_guest("brand-new") is None and mirrored.sync_state().cursor == cursor_at(1)
    mirrored.complete_listing(new, cursor_at(10), people("g1", "g2", "g3", "g4"), listed_at=at(10))
    with pytest.raises(ListingNotOpen, match="no listing is under way"):
        mirrored.complete_listing(new, cursor_at(11), listed_at=at(11))
    with pytest.raises(ValueError):
        mirrored.apply_pull_page(people("g1"), last=True)


def test_generations_are_persisted_and_never_repeat(db_path: Path) -> None:
    seen = []
    for _ in range(3):
        with Store.open(db_path) as store:
            seen.append(store.begin_listing())
    assert seen == sorted(set(seen)) and len(seen) == 3


def test_an_empty_listing_of_a_mirror_with_guests_is_refused(mirrored: Store) -> None:
    gen = mirrored.begin_listing()
    mirrored.apply_pull_page([], listing=gen)
    with pytest.raises(EmptyListing, match="nothing was deleted"):
        mirrored.complete_listing(gen, cursor_at(30), [], listed_at=at(30))
    assert deleted_ids(mirrored) == {"g5"}
    assert mirrored.sync_state().cursor == cursor_at(1)  # the refused transaction moved nothing
    assert mirrored.listing_under_way() == gen
    # One attendee is enough for the listing to count: the rest are then swept.
    assert mirrored.complete_listing(gen, cursor_at(31), people("g4"), listed_at=at(31)) == 3


def test_an_empty_listing_of_an_empty_or_all_deleted_mirror_completes(store: Store) -> None:
    gen = store.begin_listing()
    assert store.complete_listing(gen, cursor_at(1), listed_at=at(1)) == 0
    store.apply_pull_page([guest("gone", deleted=at(0))])
    gen = store.begin_listing()
    assert store.complete_listing(gen, cursor_at(2), listed_at=at(2)) == 0
    assert store.sync_state().cursor == cursor_at(2)


def test_a_queued_change_of_a_swept_guest_stays_queued(mirrored: Store) -> None:
    change = check_in("c1", "g3", 10)
    mirrored.record_scan(scan(change), change)
    gen = mirrored.begin_listing()
    assert mirrored.complete_listing(gen, cursor_at(30), people("g1", "g2", "g4"), listed_at=at(30)) == 1
    assert [c.change_id for c in mirrored.queued_changes()] == ["c1"]
    g3 = mirrored.get_guest("g3")
    assert g3 is not None and g3.deleted == at(30) and g3.check_in == at(10)
    assert mirrored.counts()["queued"] == 1


def test_a_swept_guest_listed_again_is_live_again(mirrored: Store) -> None:
    gen = mirrored.begin_listing()
    mirrored.complete_listing(gen, cursor_at(30), people("g1", "g2"), listed_at=at(30))
    gen = mirrored.begin_listing()
    assert mirrored.complete_listing(gen, cursor_at(40), people("g1", "g2", "g3"), listed_at=at(40)) == 0
    g3 = mirrored.get_guest("g3")
    assert g3 is not None and g3.deleted is None
    assert [g.id for g in mirrored.search("nameg3")] == ["g3"]
    assert mirrored.integrity_check() == "ok"


def test_the_last_page_and_the_sweep_fail_together(mirrored: Store, db_path: Path) -> None:
    gen = mirrored.begin_listing()
    mirrored.apply_pull_page(people("g1"), listing=gen)
    saboteur = sqlite3.connect(db_path)
    saboteur.execute(
        "CREATE TRIGGER poison BEFORE INSERT ON guests WHEN new.id = 'poison' "
        "BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END"
    )
    saboteur.close()
    with pytest.raises(StoreError, match="simulated write failure"):
        mirrored.complete_listing(gen, cursor_at(30), [*people("g2"), guest("poison")], listed_at=at(30))
    assert deleted_ids(mirrored) == {"g5"}
    assert mirrored.sync_state().cursor == cursor_at(1)
    assert mirrored.listing_under_way() == gen
    assert listing_gens(mirrored)["g2"] is None



def test_a_failing_sweep_takes_the_last_page_and_the_cursor_back_with_it(mirrored: Store, db_path: Path) -> None:
    gen = mirrored.begin_listing()
    mirrored.apply_pull_page(people("g1"), listing=gen)
    saboteur = sqlite3.connect(db_path)
    saboteur.execute(
        "CREATE TRIGGER poison BEFORE UPDATE OF deleted ON guests WHEN new.deleted IS NOT NULL "
        "BEGIN SELECT RAISE(ABORT, 'simulated sweep failure'); END"
    )
    saboteur.close()
    renamed = guest("g2", code="code-g2", first="Ann", last="Renamed", updated=at(3))
    with pytest.raises(StoreError, match="simulated sweep failure"):
        mirrored.complete_listing(gen, cursor_at(30), [renamed, *people("brand-new")], listed_at=at(30))
    assert mirrored.sync_state().cursor == cursor_at(1)
    assert mirrored.get_guest("brand-new") is None and mirrored.search("renamed") == []
    assert mirrored.listing_under_way() == gen and deleted_ids(mirrored) == {"g5"}

def test_a_listing_into_an_empty_mirror_then_a_second_one_sweeps(store: Store) -> None:
    everyone = PreparedPage(store.badge_field, people(*(f"p{i}" for i in range(3000))))
    gen = store.begin_listing()
    store.complete_listing(gen, cursor_at(1), everyone, listed_at=at(1))
    assert set(listing_gens(store).values()) == {gen}
    gen = store.begin_listing()
    store.apply_pull_page(people(*(f"p{i}" for i in range(1500))), listing=gen)
    rest = people(*(f"p{i}" for i in range(1500, 2990)))
    assert store.complete_listing(gen, cursor_at(2), rest, listed_at=at(2)) == 10
    assert deleted_ids(store) == {f"p{i}" for i in range(2990, 3000)}
    assert store.integrity_check() == "ok"


def test_wipe_ends_a_listing_under_way(store: Store) -> None:
    gen = store.begin_listing()
    store.wipe()
    assert store.listing_under_way() is None
    assert store.begin_listing() > gen


# --- a station killed in the middle of a listing


@pytest.fixture
def child_procs() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(30)
        if proc.stdout is not None:
            proc.stdout.close()


def _kill_mid_page(db_path: Path, guests: int, page: int, procs: list[subprocess.Popen[str]]) -> bool:
    """Run the listing child, SIGKILL it inside a page write; True if it was killed between `begin` and `done`."""
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(db_path), str(guests), str(page)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=child_env(PYTHONDONTWRITEBYTECODE="1"),
    )
    procs.append(proc)
    assert proc.stdout is not None
    began: dict[int, float] = {}
    took = 0.0
    for line in proc.stdout:
        word, _, number = line.partition(" ")
        if word == "begin":
            began[int(number)] = time.monotonic()
            if int(number) == 3:
                time.sleep(took / 2)  # about half way through this page's write transaction
                break
        elif word == "done":
            took = max(took, time.monotonic() - began[int(number)])
    proc.send_signal(signal.SIGKILL)
    rest = proc.stdout.read()
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    return "done 3" not in rest


def test_a_station_sigkilled_in_the_middle_of_a_listing_keeps_an_intact_mirror(
    db_path: Path, child_procs: list[subprocess.Popen[str]]
) -> None:
    guests, page = 6000, 2000
    everyone = [f"g{i:06d}" for i in range(guests)]
    with Store.open(db_path) as store:
        store.apply_pull_page(people(*everyone, "only-here"), cursor=cursor_at(1))
    mid_page = 0
    for _ in range(3):
        mid_page += _kill_mid_page(db_path, guests, page, child_procs)
        with Store.open(db_path) as store:
            assert store.integrity_check() == "ok"
            assert store.counts()["guests"] == guests + 1 and deleted_ids(store) == set()
            assert store.sync_state().cursor == cursor_at(1)
            assert store.listing_under_way() is not None
    assert mid_page > 0, "no kill landed inside a page write"
    with Store.open(db_path) as store:
        gen = store.begin_listing()
        for start in range(0, guests - 100, page):
            store.apply_pull_page(people(*everyone[start : min(start + page, guests - 100)]), listing=gen)
        swept = store.complete_listing(gen, cursor_at(50), listed_at=at(50))
        assert swept == 101
        assert deleted_ids(store) == {*everyone[guests - 100 :], "only-here"}
        assert store.integrity_check() == "ok"
    print(f"\nfull listing: {mid_page} of 3 SIGKILLs landed inside a page write")


# --- benchmark


@pytest.mark.slow
def test_benchmark_a_listing_of_100000_unchanged_guests(store: Store) -> None:
    """Prints how long a full listing of 100,000 guests, nothing changed, takes beside today's upsert pass."""
    total, size = 100_000, 1000
    every = [
        guest(f"g{i:06d}", code=f"C{i}", first="Ann", last=f"Person{i}", company="Acme", email=f"p{i}@x.org",
              updated=at(0), customField1="vegetarian")
        for i in range(total)
    ]
    pages = [PreparedPage(store.badge_field, every[i : i + size]) for i in range(0, total, size)]
    began = time.perf_counter()
    store.apply_pull_page(PreparedPage(store.badge_field, every), cursor=cursor_at(1))  # the first, bulk download
    loaded = time.perf_counter() - began

    def upsert_pass() -> float:
        began = time.perf_counter()
        for page in pages[:-1]:
            store.apply_pull_page(page)
        store.apply_pull_page(pages[-1], cursor=cursor_at(2))
        return time.perf_counter() - began

    def listing_pass() -> tuple[float, int]:
        began = time.perf_counter()
        gen = store.begin_listing()
        for page in pages[:-1]:
            store.apply_pull_page(page, listing=gen)
        swept = store.complete_listing(gen, cursor_at(3), pages[-1], listed_at=at(3))
        return time.perf_counter() - began, swept

    upsert_1 = upsert_pass()
    listing_1, swept_1 = listing_pass()  # the first listing stamps every row
    upsert_2 = upsert_pass()
    listing_2, swept_2 = listing_pass()  # a later one re-stamps every row with the new generation
    assert swept_1 == swept_2 == 0
    assert store.counts()["guests"] == total and store.counts()["deleted"] == 0
    print(
        f"\nfull listing benchmark ({total:,} guests, pages of {size}, nothing changed; load {loaded:.2f} s): "
        f"upsert-only pass {upsert_1:.2f} s / {upsert_2:.2f} s, "
        f"full listing with sweep {listing_1:.2f} s / {listing_2:.2f} s"
    )
