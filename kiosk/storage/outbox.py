"""The outbox of queued changes and the scan log; statements run inside the caller's transaction."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from kiosk.domain.codes import MAX_CODE_LENGTH
from kiosk.domain.models import Change, Guest
from kiosk.domain.timeutil import format_time, parse_time
from kiosk.storage.records import Conflict, ScanRecord
from kiosk.storage.rows import CHANGE_COLUMNS, CHANGE_WIDTH, dump_json, guest_from_json, guest_to_json, row_to_change

log = logging.getLogger(__name__)

_TICK = timedelta(microseconds=1)  # the smallest step a stored time (microseconds) shows


def record_scan(conn: sqlite3.Connection, scan: ScanRecord, change: Change | None, now: str) -> Change | None:
    """Log the scan and queue its change; the change as queued, or None (nothing written) when it is known.

    The change as queued may carry a later client time than the one given: see `after_the_latest`.
    """
    if change is not None:
        known = conn.execute("SELECT 1 FROM outbox WHERE change_id = ?", (change.change_id,)).fetchone()
        if known:
            # A retried call after a crash or a double-click: the first one already did the work.
            return None
        change = after_the_latest(conn, change)
    at = format_time(scan.at)
    change_id = scan.change_id or (change.change_id if change is not None else None)
    conn.execute(
        "INSERT INTO scans (at, code, verdict, guest_id, station, mode, change_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            at,
            str(scan.code)[:MAX_CODE_LENGTH],
            str(scan.verdict),
            scan.guest_id,
            str(scan.station),
            str(scan.mode),
            change_id,
        ),
    )
    if change is None:
        return None
    check_in, check_out = format_time(change.check_in), format_time(change.check_out)
    client_update = format_time(change.client_update)
    conn.execute(
        f"INSERT INTO outbox ({CHANGE_COLUMNS}, created_at) VALUES ({', '.join('?' * (CHANGE_WIDTH + 1))})",
        (
            change.change_id,
            change.guest_id,
            str(change.kind),
            check_in,
            check_out,
            client_update,
            str(change.station),
            int(bool(change.manual)),
            now,
        ),
    )
    # The mirror shows the station's effective state at once; a later pull cannot undo it while queued.
    conn.execute(
        "UPDATE guests SET check_in = ?, check_out = ?, client_update = ? WHERE id = ?",
        (check_in, check_out, client_update, change.guest_id),
    )
    # Companions counted in belong to the check-in they came with: any new change asks the door again.
    conn.execute("DELETE FROM companions_in WHERE guest_id = ?", (change.guest_id,))
    return change


def after_the_latest(conn: sqlite3.Connection, change: Change) -> Change:
    """The change, moved to just after the guest's latest client time if it is not already later.

    Two processes of one station (the window and `kiosk scan`, or two doors on one data dir) can each
    decide a scan of the same guest before either has written, on clocks corrected by different offset
    samples. Queued in one order with client times in the other, the platform would keep the earlier-queued
    change (last writer wins), answer the later one "superseded" by this station's own change, and it would
    be lost without a conflict. Inside the write transaction, queue order and client time order agree.
    """
    rows = conn.execute(
        "SELECT client_update FROM guests WHERE id = ? "
        "UNION ALL SELECT max(client_update) FROM outbox WHERE guest_id = ?",
        (change.guest_id, change.guest_id),
    ).fetchall()
    times = [t for (text,) in rows if text and (t := parse_time(text)) is not None]
    if not times or change.client_update > max(times):
        return change
    return retimed(change, max(times) + _TICK)


def retimed(change: Change, at: datetime) -> Change:
    """The change made at `at` instead: its client time, and the presence time it set at that moment."""
    before = change.client_update
    return replace(
        change,
        client_update=at,
        check_in=at if change.check_in == before else change.check_in,
        check_out=at if change.check_out == before else change.check_out,
    )


def record_companions(conn: sqlite3.Connection, scan: ScanRecord, guest_id: str, count: int) -> None:
    """Log the door's answer "`count` companions came in with this attendee" and keep it, in one go."""
    record_scan(conn, scan, None, "")
    conn.execute(
        "INSERT INTO companions_in (guest_id, count, at, station) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (guest_id) DO UPDATE SET count = excluded.count, at = excluded.at, station = excluded.station",
        (guest_id, int(count), format_time(scan.at), str(scan.station)),
    )


def local_changes_for(conn: sqlite3.Connection, guest_id: str, limit: int) -> list[Change]:
    """The newest `limit` changes for the guest that are not dropped, returned oldest first."""
    rows = conn.execute(
        f"SELECT {CHANGE_COLUMNS} FROM outbox WHERE guest_id = ? AND state != 'dropped' "
        "ORDER BY seq DESC LIMIT ?",
        (guest_id, limit),
    ).fetchall()
    return [row_to_change(r) for r in reversed(rows)]


def last_change(conn: sqlite3.Connection) -> Change | None:
    row = conn.execute(
        f"SELECT {CHANGE_COLUMNS} FROM outbox WHERE state IN ('queued', 'done') ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return row_to_change(row) if row else None


def queued_changes(conn: sqlite3.Connection, limit: int) -> list[Change]:
    rows = conn.execute(
        f"SELECT {CHANGE_COLUMNS} FROM outbox WHERE state = 'queued' ORDER BY seq LIMIT ?", (limit,)
    )
    return [row_to_change(r) for r in rows]


def queued_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM outbox WHERE state = 'queued'").fetchone()[0])


def queued_count_for(conn: sqlite3.Connection, guest_ids: Sequence[str]) -> int:
    """Queued changes of any of these guests."""
    return int(
        conn.execute(
            "SELECT count(*) FROM outbox WHERE state = 'queued' AND guest_id IN (SELECT value FROM json_each(?))",
            (dump_json(list(guest_ids)),),
        ).fetchone()[0]
    )


def mark_answered(
    conn: sqlite3.Connection,
    done: Sequence[str],
    conflicts: Sequence[tuple[str, Guest | None]],
    dropped: Sequence[tuple[str, str]],
    now: str,
) -> None:
    """Record the server's answers. Only queued rows change: the first answer for a change stands."""
    where = "WHERE change_id = ? AND state = 'queued'"
    conn.executemany(
        f"UPDATE outbox SET state = 'done', answered_at = ? {where}", [(now, cid) for cid in done]
    )
    conn.executemany(
        f"UPDATE outbox SET state = 'conflict', answered_at = ?, winner = ?, acknowledged = 0 {where}",
        [(now, guest_to_json(winner) if winner is not None else None, cid) for cid, winner in conflicts],
    )
    conn.executemany(
        f"UPDATE outbox SET state = 'dropped', answered_at = ?, message = ? {where}",
        [(now, str(message), cid) for cid, message in dropped],
    )


def reopen_as_conflicts(conn: sqlite3.Connection, conflicts: Sequence[tuple[str, Guest]], now: str) -> int:
    """Changes the server accepted, which its records later show another station's change beat; how many.

    Only changes answered `done` here turn into conflicts: a conflict staff already saw stays as it is.
    """
    before = conn.total_changes
    conn.executemany(
        "UPDATE outbox SET state = 'conflict', answered_at = ?, winner = ?, acknowledged = 0 "
        "WHERE change_id = ? AND state = 'done'",
        [(now, guest_to_json(winner), cid) for cid, winner in conflicts],
    )
    return conn.total_changes - before


def list_conflicts(conn: sqlite3.Connection, include_acknowledged: bool) -> list[Conflict]:
    only_open = "" if include_acknowledged else "AND acknowledged = 0"
    rows = conn.execute(
        f"SELECT {CHANGE_COLUMNS}, winner, answered_at, acknowledged FROM outbox "
        f"WHERE state = 'conflict' {only_open} ORDER BY seq DESC"
    )
    result = []
    for row in rows:
        stored_winner, answered_at, acknowledged = row[CHANGE_WIDTH:]
        try:
            winner = guest_from_json(stored_winner)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("unreadable winner stored for change %s: %s", row[0], exc)
            winner = None
        result.append(Conflict(row_to_change(row), winner, parse_time(answered_at), bool(acknowledged)))
    return result


def acknowledge(conn: sqlite3.Connection, change_ids: Sequence[str] | None) -> int:
    sql = "UPDATE outbox SET acknowledged = 1 WHERE state = 'conflict' AND acknowledged = 0"
    if change_ids is None:
        return conn.execute(sql).rowcount
    return sum(conn.execute(f"{sql} AND change_id = ?", (cid,)).rowcount for cid in change_ids)


def recent_scans(conn: sqlite3.Connection, limit: int) -> list[ScanRecord]:
    rows = conn.execute(
        "SELECT at, code, verdict, guest_id, station, mode, change_id FROM scans ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    result = []
    for at, code, verdict, guest_id, station, mode, change_id in rows:
        when = parse_time(at)
        assert when is not None  # the column is NOT NULL
        result.append(ScanRecord(when, code, verdict, guest_id, station, mode, change_id))
    return result
