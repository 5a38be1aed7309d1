"""The database's files: only SQLite opens them, they are private, and a lost mirror is refused, not renewed."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.storage import Store, StoreError
from kiosk.storage.dbfiles import NoDatabaseYet, marker_path
from tests.storage.storefactory import guest

OTHER_PROCESS = """
import sys
from kiosk.storage import Store
with Store.open(sys.argv[1]) as store:
    print(store.sync_state().last_error)
"""


def in_another_process(db_path: Path) -> str:
    """Open the database in a new process, as `kiosk status` does, and return what it read."""
    done = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, str(db_path)], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


def deleted_mirror_files() -> list[str]:
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.endswith("(deleted)") and "kiosk.db" in target:
            found.append(target)
    return found


@pytest.fixture
def loose_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_second_connection_does_not_cost_the_first_its_locks(db_path: Path) -> None:
    # The window opens a second Store for its sync thread while the first one serves scans.
    first = Store.open(db_path)
    second = Store.open(db_path)
    try:
        first.update_sync_state(last_error="before")
        assert in_another_process(db_path) == "before"
        # Had the other process thought itself the last one, it would have deleted the WAL under `first`.
        assert deleted_mirror_files() == []
        first.update_sync_state(last_error="after")
        assert in_another_process(db_path) == "after"
        assert second.sync_state().last_error == "after"
    finally:
        second.close()
        first.close()


def test_new_database_files_are_private_whatever_the_umask(tmp_path: Path, loose_umask: None) -> None:
    db_path = tmp_path / "new" / "kiosk.db"
    with Store.open(db_path) as store:
        store.apply_pull_page([guest("g1")])
        files = [db_path, db_path.with_name("kiosk.db-wal"), db_path.with_name("kiosk.db-shm"), marker_path(db_path)]
        assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    assert mode(db_path.parent) == 0o700
    assert os.umask(0o022) == 0o022  # Store.open gave the process its umask back


def test_an_existing_database_readable_by_others_is_made_private(db_path: Path, loose_umask: None) -> None:
    Store.open(db_path).close()
    db_path.chmod(0o644)
    with Store.open(db_path) as store:
        assert store.counts()["guests"] == 0
        assert mode(db_path) == 0o600


def test_an_emptied_database_of_a_station_that_had_one_is_refused_and_kept(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.apply_pull_page([guest("g1")])
    os.truncate(db_path, 0)  # what a file-system crash or a bad copy leaves
    for create in (True, False):
        with pytest.raises(StoreError, match=r"empty, but this station had one.*`kiosk wipe`") as err:
            Store.open(db_path, create=create)
        assert "\n" not in str(err.value)
        assert db_path.stat().st_size == 0


def test_a_deleted_database_of_a_station_that_had_one_is_refused_and_not_made_anew(db_path: Path) -> None:
    Store.open(db_path).close()
    db_path.unlink()
    with pytest.raises(StoreError, match="missing, but this station had one"):
        Store.open(db_path)
    assert not db_path.exists()


def test_a_database_from_before_the_marker_gets_one(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.apply_pull_page([guest("g1")])
    marker_path(db_path).unlink()
    Store.open(db_path).close()
    assert marker_path(db_path).exists()
    os.truncate(db_path, 0)
    with pytest.raises(StoreError, match="empty"):
        Store.open(db_path)


def test_an_empty_file_that_never_held_a_mirror_is_a_fresh_one(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"")  # a first open killed before its first commit
    with Store.open(db_path) as store:
        assert store.counts()["guests"] == 0
    assert marker_path(db_path).exists()


def test_without_create_nothing_is_written_for_a_station_without_a_mirror(db_path: Path) -> None:
    with pytest.raises(NoDatabaseYet):
        Store.open(db_path, create=False)
    assert not db_path.exists() and not db_path.parent.exists()
    db_path.parent.mkdir()
    db_path.write_bytes(b"")
    with pytest.raises(NoDatabaseYet):
        Store.open(db_path, create=False)
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["kiosk.db"]
    assert db_path.stat().st_size == 0


def test_without_create_an_existing_mirror_opens_as_usual(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.apply_pull_page([guest("g1")])
    with Store.open(db_path, create=False) as store:
        assert store.counts()["guests"] == 1
