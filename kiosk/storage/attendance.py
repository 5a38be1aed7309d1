"""The attendance list as the export reads it: every attendee in name order, streamed, never all in memory."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from kiosk.domain.timeutil import parse_time
from kiosk.storage.records import Attendance, ScanRecord
from kiosk.storage.rows import GUEST_SELECT, row_to_guest

# The station is known for this station's own check-ins (its outbox); the newest change that set the
# check-in the mirror shows. Rows come in the staff list's order, removed attendees last.
_ATTENDANCE = f"""
SELECT {GUEST_SELECT},
    (SELECT o.station FROM outbox o WHERE o.guest_id = g.id AND o.check_in = g.check_in
        AND o.state != 'dropped' ORDER BY o.seq DESC LIMIT 1),
    (SELECT ci.count FROM companions_in ci WHERE ci.guest_id = g.id)
FROM guests g
ORDER BY g.deleted IS NOT NULL, g.sort_name IS NULL, g.sort_name COLLATE NOCASE, g.id
"""
_WIDTH = GUEST_SELECT.count(",") + 1
BATCH = 2000


def attendance(conn: sqlite3.Connection) -> Iterator[Attendance]:
    for row in _rows(conn, _ATTENDANCE):
        yield Attendance(row_to_guest(row[:_WIDTH]), row[_WIDTH], row[_WIDTH + 1])


def scan_log(conn: sqlite3.Connection) -> Iterator[ScanRecord]:
    """Every scan this station logged, oldest first."""
    sql = "SELECT at, code, verdict, guest_id, station, mode, change_id FROM scans ORDER BY id"
    for at, code, verdict, guest_id, station, mode, change_id in _rows(conn, sql):
        when = parse_time(at)
        assert when is not None  # the column is NOT NULL
        yield ScanRecord(when, code, verdict, guest_id, station, mode, change_id)


def _rows(conn: sqlite3.Connection, sql: str) -> Iterator[tuple[Any, ...]]:
    # Its own cursor, read a batch at a time: a big event's list never sits in memory whole.
    cursor = conn.execute(sql)
    try:
        while rows := cursor.fetchmany(BATCH):
            yield from rows
    finally:
        cursor.close()
