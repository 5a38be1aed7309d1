"""Several Store instances on one file: a bulk page in a worker thread while the door keeps scanning."""

from __future__ import annotations

import threading
from pathlib import Path

from kiosk.storage import Store
from tests.storage.storefactory import at, check_in, cursor_at, guest, scan


def test_bulk_page_in_a_thread_while_another_store_records_scans(db_path: Path) -> None:
    door = Store.open(db_path)
    syncer = Store.open(db_path)
    page = [guest(f"g{i:05d}", code=f"code-{i}", last=f"Name{i}", updated=at(0)) for i in range(20_000)]
    errors: list[BaseException] = []
    started = threading.Event()

    def pull() -> None:
        started.set()
        try:
            syncer.apply_pull_page(page, cursor=cursor_at(1))
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=pull)
    try:
        worker.start()
        started.wait()
        recorded = 0
        while worker.is_alive() or recorded < 5:
            change = check_in(f"c{recorded}", f"g{recorded:05d}", 10 + recorded)
            door.record_scan(scan(change), change)
            door.find_guest("code-1")  # reads never wait for the writer in WAL mode
            recorded += 1
        worker.join()
        assert errors == []
        counts = door.counts()
        assert counts["guests"] == 20_000
        assert counts["scans"] == recorded and counts["queued"] == recorded
        assert door.sync_state().cursor == cursor_at(1)
        # Scans that landed before the page keep their presence: the page's rows are older.
        mirrored = door.get_guest("g00000")
        assert mirrored is not None and mirrored.check_in == at(10)
        assert door.integrity_check() == "ok"
    finally:
        worker.join()
        door.close()
        syncer.close()


def test_two_stores_open_the_same_new_file_at_once(db_path: Path) -> None:
    stores: list[Store] = []
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            stores.append(Store.open(db_path))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert len(stores) == 4
        stores[0].apply_pull_page([guest("g1", last="Shared")])
        assert all([g.id for g in s.search("shared")] == ["g1"] for s in stores)
    finally:
        for s in stores:
            s.close()
