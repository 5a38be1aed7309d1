"""Opening the database: pragmas, migrations, refusal of unusable files, the badge field setting."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.domain.codes import normalise_code
from kiosk.storage import Store, StoreError
from kiosk.storage.schema import MIGRATIONS
from tests.storage.storefactory import guest


def test_open_creates_parent_folders_and_sets_pragmas(db_path: Path) -> None:
    assert not db_path.parent.exists()
    store = Store.open(db_path)
    try:
        assert db_path.exists()
        assert store.path == db_path
        conn = store._conn  # the pragmas are per connection, so ask this very connection
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        store.close()


def test_migrations_run_once_and_reopening_keeps_data(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.apply_pull_page([guest("g1", code="ABC", last="Smith")])
        store.update_sync_state(last_error="boom")
    for _ in range(2):
        with Store.open(db_path) as store:
            assert store.counts()["guests"] == 1
            assert store.sync_state().last_error == "boom"
            assert [g.id for g in store.search("smi")] == ["g1"]
            assert store.integrity_check() == "ok"
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        sync_rows = conn.execute("SELECT count(*) FROM sync_state").fetchone()[0]
        assert sync_rows == 1
    finally:
        conn.close()


def test_a_newer_schema_is_refused_and_left_alone(db_path: Path) -> None:
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store.open(db_path)
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
    finally:
        conn.close()


def test_a_file_that_is_not_a_database_gets_a_clear_error_and_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    content = b"these are my notes, not a database\n" * 200
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not a usable kiosk database"):
        Store.open(path)
    assert path.read_bytes() == content


def test_a_path_that_cannot_be_created_gets_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open"):
        Store.open(blocker / "sub" / "kiosk.db")


def test_changing_the_badge_field_recomputes_badge_codes(db_path: Path) -> None:
    page = [guest("g1", badge="EXT-1", customField1="Lanyard-77")]
    with Store.open(db_path) as store:
        store.apply_pull_page(page)
        assert store.find_guest(normalise_code("ext-1")) is not None
        assert store.find_guest(normalise_code("lanyard-77")) is None
    with Store.open(db_path, badge_field="customField1") as store:
        found = store.find_guest(normalise_code("LANYARD-77"))
        assert found is not None and found.id == "g1"
        assert store.find_guest(normalise_code("ext-1")) is None


def test_numeric_badge_values_are_found_as_text(store: Store) -> None:
    store.apply_pull_page([guest("g1", badge=None, externalId=123456)])
    found = store.find_guest("123456")
    assert found is not None and found.id == "g1"
