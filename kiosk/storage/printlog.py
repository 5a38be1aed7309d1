"""The badge print log (schema 4): statements run inside the caller's transaction, reads on their own."""

from __future__ import annotations

import sqlite3
from typing import Any

from kiosk.domain.timeutil import parse_time
from kiosk.storage.records import PrintRecord

_COLUMNS = "id, guest_id, code, at, station, by, printer, size, reprint, attempts, state, error, finished_at"
STATES = ("sending", "printed", "failed", "dropped")


def log_print(conn: sqlite3.Connection, guest_id: str, code: str, at: str, station: str, by: str,
              printer: str, size: str) -> int:
    """A new job, `sending`; a reprint when the guest has a badge printed or on its way already."""
    earlier = conn.execute(
        "SELECT 1 FROM print_log WHERE guest_id = ? AND state IN ('sending', 'printed') LIMIT 1", (guest_id,)
    ).fetchone()
    cursor = conn.execute(
        "INSERT INTO print_log (guest_id, code, at, station, by, printer, size, reprint, state) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sending')",
        (guest_id, code, at, station, by, printer, size, int(earlier is not None)),
    )
    return int(cursor.lastrowid or 0)


def finish_print(conn: sqlite3.Connection, job_id: int, state: str, error: str | None, at: str) -> None:
    if state not in STATES:
        raise ValueError(f"unknown print state {state!r}")
    conn.execute("UPDATE print_log SET state = ?, error = ?, finished_at = ? WHERE id = ?",
                 (state, error, at, job_id))


def retry_print(conn: sqlite3.Connection, job_id: int) -> bool:
    """A failed job goes back to `sending` with one attempt more; False if it is not failed (any more)."""
    cursor = conn.execute(
        "UPDATE print_log SET state = 'sending', attempts = attempts + 1, error = NULL, finished_at = NULL "
        "WHERE id = ? AND state = 'failed'", (job_id,)
    )
    return cursor.rowcount == 1


def fail_unfinished(conn: sqlite3.Connection, station: str, reason: str, at: str) -> int:
    """The station's jobs still `sending` become `failed` (staff may retry them); how many."""
    cursor = conn.execute("UPDATE print_log SET state = 'failed', error = ?, finished_at = ? "
                          "WHERE station = ? AND state = 'sending'", (reason, at, station))
    return cursor.rowcount


def get(conn: sqlite3.Connection, job_id: int) -> PrintRecord | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM print_log WHERE id = ?", (job_id,)).fetchone()
    return None if row is None else _record(row)


def recent(conn: sqlite3.Connection, limit: int, guest_id: str | None = None,
           state: str | None = None) -> list[PrintRecord]:
    """The newest `limit` jobs (of the guest, in the state, when given), newest first."""
    where: list[str] = []
    args: list[object] = []
    if guest_id is not None:
        where.append("guest_id = ?")
        args.append(guest_id)
    if state is not None:
        where.append("state = ?")
        args.append(state)
    sql = f"SELECT {_COLUMNS} FROM print_log" + (f" WHERE {' AND '.join(where)}" if where else "")
    rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
    return [_record(r) for r in rows]


def has_badge(conn: sqlite3.Connection, guest_id: str) -> bool:
    """Whether the guest has a badge printed, on its way or waiting for staff: auto-print then prints no other."""
    return conn.execute(
        "SELECT 1 FROM print_log WHERE guest_id = ? AND state != 'dropped' LIMIT 1", (guest_id,)
    ).fetchone() is not None


def _record(row: tuple[Any, ...]) -> PrintRecord:
    at = parse_time(row[3])
    assert at is not None  # NOT NULL
    return PrintRecord(int(row[0]), row[1], row[2], at, row[4], row[5], row[6], row[7], bool(row[8]), int(row[9]),
                       row[10], row[11], parse_time(row[12]) if row[12] else None)
