"""The badge print log: first badge and reprints told apart, failed jobs retried or dropped, upgraded mirrors get it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from kiosk.storage import Store
from kiosk.storage import schema as schema_module
from kiosk.storage.schema import MIGRATIONS, configure


def test_a_second_badge_of_a_guest_is_a_reprint_and_a_failed_one_is_retried_once(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.sqlite3") as store:
        assert not store.has_badge("g-1")
        first = store.log_print("g-1", "C-1", "North", "auto", "badges", "62x100mm")
        assert store.has_badge("g-1")
        store.finish_print(first, "failed", "printer badges is stopped")
        assert [r.id for r in store.print_log(state="failed")] == [first]
        # A failed first badge is no badge yet: the reprint flag is for a second badge, not for a retry.
        again = store.log_print("g-1", "C-1", "North", "staff", "badges", "62x100mm")
        assert store.print_job(again).reprint is False  # type: ignore[union-attr]
        assert store.retry_print(first) and not store.retry_print(first)  # only a failed job is retried
        store.finish_print(first, "printed")
        job = store.print_job(first)
        assert job is not None and (job.state, job.attempts, job.error, job.by) == ("printed", 2, None, "auto")
        third = store.log_print("g-1", "C-1", "South", "staff", "badges", "a6")
        assert store.print_job(third).reprint is True  # type: ignore[union-attr]
        store.finish_print(again, "dropped")
        assert [(r.id, r.state) for r in store.print_log(guest_id="g-1")] == [
            (third, "sending"), (again, "dropped"), (first, "printed")]
        store.wipe()
        assert store.print_log() == []


def test_a_job_left_sending_by_a_closed_station_is_failed_for_staff(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.sqlite3") as store:
        mine = store.log_print("g-1", "C-1", "North", "auto", "", "a6")
        other = store.log_print("g-2", "C-2", "South", "auto", "", "a6")
        assert store.fail_unfinished_prints("North", "closed") == 1
        assert (store.print_job(mine).state, store.print_job(other).state) == ("failed", "sending")  # type: ignore[union-attr]
        assert store.retry_print(mine)


def test_an_upgraded_schema_3_mirror_gets_the_print_log_and_keeps_its_guests(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.sqlite3"
    # The release before: the first three migrations only.
    monkeypatch.setattr(schema_module, "MIGRATIONS", MIGRATIONS[:3])
    with Store.open(path) as old:
        # As that release wrote a guest (today's writer needs the later columns): the row and its search entry.
        old._conn.execute(
            "INSERT INTO guests (id, access_code, access_code_norm, name) VALUES ('g-1', 'C-1', 'c-1', 'Ada')"
        )
        old._conn.execute("INSERT INTO guests_fts (rowid, name) SELECT rid, name FROM guests")
        assert old._conn.execute("PRAGMA user_version").fetchone()[0] == 3
        assert not old._conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'print_log'").fetchone()
    monkeypatch.undo()
    with Store.open(path) as store:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) >= 4
        assert store.get_guest("g-1") is not None
        assert [g.id for g in store.search("ada")] == ["g-1"]  # its search index is complete, as it was
        job = store.log_print("g-1", "C-1", "North", "staff", "", "a6")
        assert store.print_job(job) is not None
    db = Database(path)
    configure(db.conn)
    assert "print_log" in db.table_names()


def test_a_config_json_from_before_badges_loads_with_printing_off(tmp_path: Path) -> None:
    import json

    from kiosk.storage.config import load_config

    (tmp_path / "config.json").write_text(json.dumps({"server_url": "http://127.0.0.1:9", "event_id": "ev",
                                                      "station": "North", "mode": "check-in"}))
    config = load_config(tmp_path)
    assert (config.printer, config.badge_size, config.auto_print, config.badge_station) == \
        ("", "62x100mm", False, False)
