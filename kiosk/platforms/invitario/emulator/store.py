"""The reference server's own SQLite file: guests (stored as their JSON text), history, sessions.

One connection serves every thread behind a lock: each operation is short, and serialising them is what
makes "read the clock, then write" atomic. A streamed guest list reads through its own connection inside
one read transaction, so it is a consistent snapshot however long the client takes to read it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from kiosk.domain.codes import normalise_code
from kiosk.platforms.invitario.emulator.guests import GuestDataError, index_columns, merge_guest

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS guests (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    code_key TEXT UNIQUE,
    client_update TEXT,
    server_update TEXT NOT NULL,
    check_in TEXT,
    check_out TEXT,
    deleted TEXT,
    registration_state TEXT,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS guests_server_update ON guests (server_update);
CREATE TABLE IF NOT EXISTS history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    guest_id TEXT NOT NULL,
    client_update TEXT NOT NULL,
    check_in TEXT,
    check_out TEXT,
    station TEXT NOT NULL,
    server_time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS history_guest ON history (guest_id);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY,
    station TEXT NOT NULL,
    last_used REAL NOT NULL
);
"""
_COLUMNS = (
    "id",
    "code_key",
    "client_update",
    "server_update",
    "check_in",
    "check_out",
    "deleted",
    "registration_state",
)
_UPSERT = (
    f"INSERT INTO guests ({', '.join(_COLUMNS)}, data) VALUES ({', '.join('?' * (len(_COLUMNS) + 1))}) "
    f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in (*_COLUMNS[1:], 'data'))}"
)
CHUNK_ROWS = 2000


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def _row_values(guest: Mapping[str, Any]) -> tuple[Any, ...]:
    cols = index_columns(guest)
    return (*(cols[c] for c in _COLUMNS), orjson.dumps(guest))


class ServerStore:
    """The server's database; every method is safe to call from any thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.lock = threading.RLock()
        self._conn = _connect(self.path)
        with self.transaction() as conn:
            for statement in filter(str.strip, _SCHEMA.split(";")):
                conn.execute(statement)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def close(self) -> None:
        with self.lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, holding the lock, rolled back if anything inside raises."""
        with self.lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            yield self._conn

    # -- meta ------------------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        with self.reading() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta_default(self, key: str, value: str) -> str:
        """Store value under key unless one is there already; answer the stored value."""
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)", (key, value))
            return str(conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0])

    # -- guests ----------------------------------------------------------------------------------------

    def guest_count(self) -> int:
        with self.reading() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM guests").fetchone()[0])

    def get_guest(self, guest_id: str) -> dict[str, Any] | None:
        with self.reading() as conn:
            return self.load(conn, guest_id)

    def find_by_code(self, code: str) -> dict[str, Any] | None:
        with self.reading() as conn:
            row = conn.execute(
                "SELECT data FROM guests WHERE code_key = ?", (normalise_code(code),)
            ).fetchone()
        return None if row is None else dict(orjson.loads(row[0]))

    @staticmethod
    def load(conn: sqlite3.Connection, guest_id: str) -> dict[str, Any] | None:
        row = conn.execute("SELECT data FROM guests WHERE id = ?", (guest_id,)).fetchone()
        return None if row is None else dict(orjson.loads(row[0]))

    @staticmethod
    def save(conn: sqlite3.Connection, guest: Mapping[str, Any]) -> None:
        """Insert or update one guest, keeping its place in list order; a taken access code is refused."""
        try:
            conn.execute(_UPSERT, _row_values(guest))
        except sqlite3.IntegrityError:
            owner = conn.execute(
                "SELECT id FROM guests WHERE code_key = ? AND id != ?",
                (index_columns(guest)["code_key"], guest["id"]),
            ).fetchone()
            if owner is None:
                raise
            raise GuestDataError(
                f"accessCode {guest.get('accessCode')!r} already belongs to guest {owner[0]}"
            ) from None

    def insert_generated(self, guests: Iterable[dict[str, Any]], now_text: str, batch: int = 5000) -> int:
        """Bulk-load trusted guests (the generator's), in batches of short transactions."""
        count = 0
        rows: list[tuple[Any, ...]] = []
        for guest in guests:
            guest["serverUpdateDateTime"] = now_text
            rows.append(_row_values(guest))
            if len(rows) >= batch:
                count += self._insert_rows(rows)
                rows = []
        return count + self._insert_rows(rows)

    def _insert_rows(self, rows: list[tuple[Any, ...]]) -> int:
        if rows:
            with self.transaction() as conn:
                conn.executemany(_UPSERT, rows)
        return len(rows)

    def upsert(self, conn: sqlite3.Connection, edit: object, now_text: str) -> dict[str, Any]:
        """Apply one back-office edit inside the caller's transaction, keeping companion lists in step."""
        edit_id = edit.get("id") if isinstance(edit, Mapping) else None
        stored = self.load(conn, edit_id) if isinstance(edit_id, str) else None
        guest = merge_guest(edit, stored, now_text)
        old_parent = stored.get("parentId") if stored else None
        new_parent = guest.get("parentId")
        if new_parent and new_parent != old_parent:
            parent = self.load(conn, new_parent)
            if parent is None:
                raise GuestDataError(f"parentId: guest {new_parent} not known")
            if {"id": guest["id"]} not in parent["companions"]:
                parent["companions"].append({"id": guest["id"]})
                parent["serverUpdateDateTime"] = now_text
                self.save(conn, parent)
        if old_parent and old_parent != new_parent:
            parent = self.load(conn, old_parent)
            if parent is not None:
                parent["companions"] = [c for c in parent["companions"] if c.get("id") != guest["id"]]
                parent["serverUpdateDateTime"] = now_text
                self.save(conn, parent)
        self.save(conn, guest)
        return guest

    def upsert_all(self, edits: list[object], now: Callable[[], str]) -> list[dict[str, Any]]:
        """Apply every edit or none: the first bad one is reported with its position."""
        with self.transaction() as conn:
            now_text = now()
            out = []
            for index, edit in enumerate(edits):
                try:
                    out.append(self.upsert(conn, edit, now_text))
                except GuestDataError as err:
                    where = f"guest {index}" if len(edits) > 1 else "guest"
                    raise GuestDataError(f"{where}: {err}") from None
            return out

    def delete_guest(self, guest_id: str, now: Callable[[], str]) -> dict[str, Any] | None:
        """Mark a guest deleted (kept, so stations learn of it); deleting twice keeps the first time."""
        with self.transaction() as conn:
            guest = self.load(conn, guest_id)
            if guest is None or guest.get("deleteDateTime"):
                return guest
            now_text = now()
            guest["deleteDateTime"] = now_text
            guest["serverUpdateDateTime"] = now_text
            self.save(conn, guest)
            return guest

    def sample_codes(self, n: int) -> list[str]:
        """n access codes that a station will admit: registered, not deleted, not checked in."""
        with self.reading() as conn:
            rows = conn.execute(
                "SELECT data FROM guests WHERE registration_state = 'registered' AND deleted IS NULL "
                "AND check_in IS NULL AND code_key IS NOT NULL ORDER BY seq LIMIT ?",
                (max(0, n),),
            ).fetchall()
        return [orjson.loads(row[0])["accessCode"] for row in rows]

    def stats(self) -> dict[str, int]:
        with self.reading() as conn:
            guests, deleted, inside = conn.execute(
                "SELECT COUNT(*), COUNT(deleted), COALESCE(SUM(deleted IS NULL AND check_in IS NOT NULL "
                "AND (check_out IS NULL OR check_out < check_in)), 0) FROM guests"
            ).fetchone()
            history = conn.execute("SELECT COUNT(*) FROM history").fetchone()[0]
            sessions = conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
        return {
            "guests": guests,
            "deleted": deleted,
            "checked_in": inside,
            "history": history,
            "sessions": sessions,
        }

    # -- streamed lists --------------------------------------------------------------------------------

    def snapshot(self, since_key: str | None, now: Callable[[], datetime]) -> Snapshot:
        return Snapshot(self, since_key, now)


class Snapshot:
    """The guest list (or the changes since a time) as of one instant, read in chunks of JSON texts."""

    def __init__(self, store: ServerStore, since_key: str | None, now: Callable[[], datetime]) -> None:
        self._conn = _connect(store.path)
        params: tuple[str, ...] = ()
        if since_key is None:
            where, order = "", "seq"
        else:
            where, order, params = "WHERE server_update >= ?", "server_update, seq", (since_key,)
        # Reading the clock and opening the read transaction under the writers' lock means every change
        # not in this snapshot carries a server time at or after the dateTime this answer hands out.
        with store.lock:
            self.server_time = now()
            self._conn.execute("BEGIN")
            self.count = int(self._conn.execute(f"SELECT COUNT(*) FROM guests {where}", params).fetchone()[0])
        self._cursor = self._conn.execute(f"SELECT data FROM guests {where} ORDER BY {order}", params)

    def chunks(self, rows: int = CHUNK_ROWS) -> Iterator[list[bytes]]:
        while True:
            batch = self._cursor.fetchmany(rows)
            if not batch:
                return
            yield [row[0] for row in batch]

    def close(self) -> None:
        with suppress(sqlite3.Error):
            self._conn.execute("ROLLBACK")
        self._conn.close()
