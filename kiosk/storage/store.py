"""The Store: one SQLite connection holding the guest mirror, the outbox, the scan log and sync state.

Every write method is one transaction (BEGIN IMMEDIATE ... COMMIT) and has committed when it
returns, so whatever the caller shows next is already durable. Several Store instances, in one
process or several, may share a file: WAL lets readers go on during a write, and writers wait up to
the busy timeout for each other. One instance belongs to one thread at a time.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

from sqlite_utils import Database

from kiosk.domain.models import Change, Guest
from kiosk.domain.timeutil import format_time, parse_time, utcnow
from kiosk.storage import attendance, dbfiles, mirror, outbox, printlog, statistics
from kiosk.storage.records import (
    Attendance,
    Conflict,
    DoorFigures,
    EmptyListing,
    ListingNotOpen,
    PrintRecord,
    ScanRecord,
    SearchIndexState,
    StoreError,
    SyncState,
)
from kiosk.storage.rows import badge_norm_of
from kiosk.storage.schema import BUSY_TIMEOUT_MS, configure, migrate

log = logging.getLogger(__name__)

_TIME_FIELDS = ("last_success", "last_attempt")
_SYNC_FIELDS = tuple(f.name for f in dataclasses.fields(SyncState))


class Store:
    """The kiosk's local database. Create with `Store.open(path)`."""

    def __init__(self, db: Database, path: Path, badge_field: str) -> None:
        self.path = path
        self.badge_field = badge_field
        self._db = db
        self._conn = db.conn

    @classmethod
    def open(cls, path: str | Path, *, badge_field: str = "externalId", create: bool = True) -> Store:
        """Open and migrate the database at `path`; StoreError if unusable.

        With `create` (the default) a missing database is made; without, NoDatabaseYet says there is
        none, and nothing is written to disk. A database that this path had and that is now missing or
        empty is refused either way: starting empty would silently drop the station's check-ins.
        """
        path = Path(path).expanduser()
        had_one = dbfiles.had_database(path)
        try:
            exists = path.exists()
            if had_one and not exists:
                raise dbfiles.lost_database_error(path, "missing")
            if not exists and not create:
                raise dbfiles.NoDatabaseYet(f"there is no local database at {path} yet")
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            conn = cls._connect(path, must_exist=had_one or not create)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the local database {path}: {exc}") from exc
        try:
            if _is_empty(conn):
                if had_one:
                    raise dbfiles.lost_database_error(path, "empty")
                if not create:
                    raise dbfiles.NoDatabaseYet(f"the local database at {path} holds nothing yet")
            configure(conn)
            db = Database(conn, execute_plugins=False)
            migrate(db)
            if not had_one:
                dbfiles.write_marker(path)
            store = cls(db, path, badge_field)
            store._adopt_badge_field()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{path} is not a usable kiosk database: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        return store

    @staticmethod
    def _connect(path: Path, *, must_exist: bool) -> sqlite3.Connection:
        # Only SQLite opens the database files (see dbfiles). A new file is made 0600 by a umask around
        # its creation, an existing one is tightened by path.
        with dbfiles.private_creation():
            target = f"file:{quote(str(path))}?mode=rw" if must_exist else str(path)
            conn = sqlite3.connect(
                target,
                uri=must_exist,
                check_same_thread=False,
                isolation_level=None,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
        dbfiles.tighten_modes(path)
        return conn

    def close(self) -> None:
        """Close the connection; everything written is already committed. Closing twice is harmless."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"the local database is not writable: {exc}") from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"writing the local database failed, nothing was changed: {exc}") from exc
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def _adopt_badge_field(self) -> None:
        """Recompute badge codes when the configured badge field differs from the one they came from."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'badge_field'").fetchone()
        if row is not None and row[0] == self.badge_field:
            return
        with self._write() as conn:
            rows = conn.execute("SELECT rid, fields FROM guests").fetchall()
            conn.executemany(
                "UPDATE guests SET badge_norm = ? WHERE rid = ?",
                [(badge_norm_of(fields, self.badge_field), rid) for rid, fields in rows],
            )
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('badge_field', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (self.badge_field,),
            )

    # --- mirror

    def find_guest(self, code_norm: str) -> Guest | None:
        """By access code, then badge, then id (case-insensitive); deleted guests are found too.

        When several guests match, a live one is preferred over a deleted one.
        """
        return mirror.find_guest(self._conn, code_norm)

    def get_guest(self, guest_id: str) -> Guest | None:
        return mirror.get_guest(self._conn, guest_id)

    def companions_of(self, guest: Guest) -> list[Guest]:
        """Live guests whose parent is `guest`, and those `guest` lists as companions."""
        return mirror.companions_of(self._conn, guest)

    def search(self, text: str, limit: int = 20) -> list[Guest]:
        """Live guests whose name, company or email has a word starting with each typed word.

        SearchIndexBuilding while the index is still being built after a first download.
        """
        return mirror.search(self._conn, text, limit)

    def apply_pull_page(
        self,
        guests: Sequence[Guest],
        *,
        cursor: str | None = None,
        listed_at: datetime | None = None,
        listing: int | None = None,
        last: bool = False,
        defer_search: bool = False,
    ) -> int:
        """Upsert a page of pulled guests; with `cursor` (the connector's, opaque here), move the cursor
        in the same transaction.

        With `listing` (a generation from begin_listing) the page belongs to that full listing: every
        guest in it is stamped as seen, identical ones too. With `last` as well, the listing completes
        in this same transaction (see complete_listing), those it lacks stamped deleted at `listed_at`
        (the server's time of the listing; now when None). Returns how many guests a completion marked
        deleted, else 0. ListingNotOpen when `listing` is not the listing under way (nothing written).

        With `defer_search`, a page written into an empty mirror is not indexed for search yet: the mirror
        answers scans at once, and search is refused (SearchIndexBuilding) until build_search_step has
        indexed every guest. Meant for a first download; later pages keep what is indexed in step.
        """
        if last and listing is None:
            raise ValueError("only a page of a full listing (listing=...) can be its last")
        rows = mirror.prepare_rows(guests, self.badge_field)
        swept = 0
        with self._write() as conn:
            if listing is not None:
                self._check_open(conn, listing)
            mirror.write_rows(conn, rows, listing, defer_search=defer_search)
            if last:
                assert listing is not None
                swept = self._sweep(conn, listing, listed_at)
            if cursor is not None:
                conn.execute(
                    "UPDATE sync_state SET cursor = ?, last_success = ? WHERE id = 1",
                    (cursor, format_time(utcnow())),
                )
        if last:
            log.info("full listing %d complete: %d guest(s) it did not contain marked deleted", listing, swept)
        return swept

    # --- the search index, built after a first download

    def search_index_pending(self) -> bool:
        """Whether the search index is still to be built (a first download, or a build cut off half way)."""
        return mirror.search_built(self._conn) is not None

    def search_index_state(self) -> SearchIndexState:
        """Whether search can answer (the index holds every guest), and how far a build has got."""
        return mirror.search_index_state(self._conn)

    def build_search_step(self, rows: int = 2000) -> tuple[int, bool]:
        """Index up to `rows` more guests in one short transaction; (guests indexed, index complete).

        Safe to kill at any instant and to run from several processes: each step commits the entries with
        the mark of how far the index got, and the next step (this run's or the next start's) goes on.
        """
        began = time.perf_counter()
        with self._write() as conn:
            done, complete = mirror.build_search_step(conn, rows)
            took = time.perf_counter() - began
            if done and took > 0 and not complete:
                mirror.set_search_rate(conn, done / took)
        if complete and done:
            log.info("the search index holds every guest now")
        return done, complete

    # --- full listings (mark and sweep)

    def begin_listing(self) -> int:
        """Start a full listing (every attendee, for platforms that cannot say what changed); its generation.

        Generations are persisted and never repeat. A listing under way (a station killed half way, a
        pull that failed) is abandoned by this: it changed nothing beyond the rows its pages upserted,
        and its pages and completion are refused from now on (ListingNotOpen).
        """
        with self._write() as conn:
            before = conn.execute("SELECT listing_open FROM sync_state WHERE id = 1").fetchone()[0]
            conn.execute(
                "UPDATE sync_state SET listing_gen = listing_gen + 1, listing_open = listing_gen + 1 WHERE id = 1"
            )
            gen = int(conn.execute("SELECT listing_gen FROM sync_state WHERE id = 1").fetchone()[0])
        if before is not None:
            log.info("full listing %d was never completed: abandoned for listing %d", before, gen)
        return gen

    def listing_under_way(self) -> int | None:
        """The generation of the full listing begun and neither completed nor abandoned, or None."""
        row = self._conn.execute("SELECT listing_open FROM sync_state WHERE id = 1").fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def complete_listing(
        self, gen: int, cursor: str | None = None, guests: Sequence[Guest] = (), listed_at: datetime | None = None
    ) -> int:
        """Complete full listing `gen`, with its last page `guests`, in one transaction; how many were swept.

        In the transaction that writes the last page and moves the cursor, every live guest the listing
        did not contain (not stamped with `gen`) is marked deleted, as a server deletion marks it: the
        row stays, with `deleted` set to `listed_at` (the server's time of the listing; now when None). A
        queued change of such a guest stays queued, to be uploaded or answered like any other.

        The empty-listing rule: a listing that contained no attendee at all while the mirror holds live
        guests is a server glitch far more likely than an emptied event, and must not empty the door's
        list. It raises EmptyListing and changes nothing: not the rows, not the cursor; the listing
        stays under way (a new begin_listing starts over). A listing of an empty mirror may be empty.
        """
        return self.apply_pull_page(guests, cursor=cursor, listed_at=listed_at, listing=gen, last=True)

    @staticmethod
    def _check_open(conn: sqlite3.Connection, gen: int) -> None:
        under_way = conn.execute("SELECT listing_open FROM sync_state WHERE id = 1").fetchone()[0]
        if under_way != gen:
            now = f"listing {under_way} is under way" if under_way is not None else "no listing is under way"
            raise ListingNotOpen(f"full listing {gen} is not the one under way ({now}); nothing was written")

    def _sweep(self, conn: sqlite3.Connection, gen: int, listed_at: datetime | None) -> int:
        if not mirror.listing_seen(conn, gen) and mirror.has_live_guests(conn):
            raise EmptyListing(
                f"full listing {gen} came back with no attendee at all while this station has guests; "
                "nothing was deleted and the guest list is unchanged"
            )
        swept = mirror.sweep_listing(conn, gen, format_time(listed_at or utcnow()) or "")
        conn.execute("UPDATE sync_state SET listing_open = NULL WHERE id = 1")
        if swept:
            queued = outbox.queued_count_for(conn, swept)
            if queued:
                log.warning(
                    "full listing %d: %d queued change(s) belong to guests it no longer lists; they stay "
                    "queued and are uploaded as usual", gen, queued,
                )
        return len(swept)

    def counts(self) -> dict[str, int]:
        """guests, deleted, checked_in, queued, conflicts (unacknowledged) and scans."""
        return mirror.counts(self._conn)

    def companion_counts(self) -> tuple[int, int]:
        """Companions counted on registrations (no records of their own): (came in, of live guests)."""
        return mirror.companion_counts(self._conn)

    def record_companions(self, scan: ScanRecord, guest_id: str, count: int) -> None:
        """Keep how many of a guest's counted companions came in with them, and log it, in one transaction."""
        with self._write() as conn:
            outbox.record_companions(conn, scan, guest_id, count)

    def attendance(self) -> Iterator[Attendance]:
        """Every attendee (removed ones last) in name order, streamed: the attendance export's rows."""
        return attendance.attendance(self._conn)

    def scan_log(self) -> Iterator[ScanRecord]:
        """Every scan this station logged, oldest first, streamed."""
        return attendance.scan_log(self._conn)

    def door_figures(self) -> DoorFigures:
        """Counts for the door manager's statistics, read in one go."""
        return statistics.door_figures(self._conn)

    def companions_in(self, guest_id: str) -> int | None:
        """How many counted companions the door let in with the guest's current check-in; None: not asked."""
        row = self._conn.execute("SELECT count FROM companions_in WHERE guest_id = ?", (guest_id,)).fetchone()
        return None if row is None else int(row[0])

    # --- badge print log

    def log_print(self, guest_id: str, code: str, station: str, by: str, printer: str, size: str) -> int:
        """A new badge job (`sending`), counted as a reprint when the guest has had one; its id."""
        with self._write() as conn:
            return printlog.log_print(conn, guest_id, code, format_time(utcnow()) or "", station, by, printer, size)

    def finish_print(self, job_id: int, state: str, error: str | None = None) -> None:
        """How the job ended: printed (it reached the print system), failed (with why) or dropped."""
        with self._write() as conn:
            printlog.finish_print(conn, job_id, state, error, format_time(utcnow()) or "")

    def retry_print(self, job_id: int) -> bool:
        """A failed job goes back to sending; False when it is not failed (printed or dropped meanwhile)."""
        with self._write() as conn:
            return printlog.retry_print(conn, job_id)

    def fail_unfinished_prints(self, station: str, reason: str) -> int:
        """Jobs of `station` left `sending` (the window closed or crashed mid-send) become failed; how many."""
        with self._write() as conn:
            return printlog.fail_unfinished(conn, station, reason, format_time(utcnow()) or "")

    def print_job(self, job_id: int) -> PrintRecord | None:
        return printlog.get(self._conn, job_id)

    def print_log(self, limit: int = 50, *, guest_id: str | None = None, state: str | None = None) -> list[PrintRecord]:
        """The newest badge jobs first (of one guest, or in one state, when given)."""
        return printlog.recent(self._conn, limit, guest_id, state)

    def has_badge(self, guest_id: str) -> bool:
        """A badge printed, on its way or failed and waiting for staff: the first admission's print is done."""
        return printlog.has_badge(self._conn, guest_id)

    # --- outbox and scan log

    def record_scan(self, scan: ScanRecord, change: Change | None = None) -> Change | None:
        """Log a scan and queue its change in one transaction; a change already queued is a no-op (None).

        Returns the change as queued: its client time is moved past the guest's latest if it was not after it.
        """
        with self._write() as conn:
            return outbox.record_scan(conn, scan, change, format_time(utcnow()) or "")

    def local_changes_for(self, guest_id: str, limit: int = 20) -> list[Change]:
        """This station's changes for the guest, except dropped ones: the newest `limit`, oldest first."""
        return outbox.local_changes_for(self._conn, guest_id, limit)

    def last_change(self) -> Change | None:
        """The newest change still queued or done: what an undo would take back."""
        return outbox.last_change(self._conn)

    def queued_changes(self, limit: int = 500) -> list[Change]:
        return outbox.queued_changes(self._conn, limit)

    def queued_count(self) -> int:
        return outbox.queued_count(self._conn)

    def finish_changes(
        self,
        done: Sequence[str] = (),
        conflicts: Sequence[tuple[str, Guest | None]] = (),
        dropped: Sequence[tuple[str, str]] = (),
        server_guests: Sequence[Guest] = (),
    ) -> None:
        """Record the server's answers and mirror the guests it sent back, in one transaction.

        Conflict winners are mirrored too (before `server_guests`, which win for the same id).
        """
        winners = [winner for _, winner in conflicts if winner is not None]
        rows = mirror.prepare_rows([*winners, *server_guests], self.badge_field)
        with self._write() as conn:
            # Answers first: a change answered here no longer protects its guest's row below.
            outbox.mark_answered(conn, done, conflicts, dropped, format_time(utcnow()) or "")
            mirror.write_rows(conn, rows)

    def mark_late_conflicts(self, conflicts: Sequence[tuple[str, Guest]]) -> int:
        """Uploaded changes that a later listing shows lost a race (see outbox.reopen_as_conflicts)."""
        if not conflicts:
            return 0
        with self._write() as conn:
            return outbox.reopen_as_conflicts(conn, conflicts, format_time(utcnow()) or "")

    def conflicts(self, include_acknowledged: bool = False) -> list[Conflict]:
        """Changes another station's later change beat, newest first."""
        return outbox.list_conflicts(self._conn, include_acknowledged)

    def acknowledge_conflicts(self, change_ids: Sequence[str] | None = None) -> int:
        """Mark conflicts as seen by staff (all when None); returns how many were newly acknowledged."""
        with self._write() as conn:
            return outbox.acknowledge(conn, change_ids)

    # --- sync state

    def sync_state(self) -> SyncState:
        row = self._conn.execute(
            "SELECT cursor, last_success, last_attempt, last_error, clock_offset, online, admissible "
            "FROM sync_state WHERE id = 1"
        ).fetchone()
        if row is None:
            return SyncState()
        cursor, success, attempt, error, offset, online, admissible = row
        return SyncState(
            cursor=cursor,
            last_success=parse_time(success),
            last_attempt=parse_time(attempt),
            last_error=error,
            clock_offset=float(offset or 0.0),
            online=None if online is None else bool(online),
            admissible=None if admissible is None else int(admissible),
        )

    def update_sync_state(self, **fields: object) -> None:
        """Set any of the SyncState fields; an unknown name or a wrong type raises ValueError/TypeError."""
        unknown = sorted(set(fields) - set(_SYNC_FIELDS))
        if unknown:
            raise ValueError(f"unknown sync state field(s): {', '.join(unknown)}")
        if not fields:
            return
        values = {name: _sync_value(name, value) for name, value in fields.items()}
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        with self._write() as conn:
            conn.execute(f"UPDATE sync_state SET {assignments} WHERE id = 1", values)

    # --- scan log and health

    def recent_scans(self, limit: int = 50) -> list[ScanRecord]:
        return outbox.recent_scans(self._conn, limit)

    def integrity_check(self) -> str:
        """'ok', or one line per problem SQLite's integrity check or the search-index check found."""
        problems = [str(r[0]) for r in self._conn.execute("PRAGMA integrity_check")]
        if mirror.search_built(self._conn) is not None:
            # Being built: it holds only the guests up to its mark by design, and search is refused meanwhile.
            return "\n".join(problems)
        try:
            # With rank 1, FTS5 also compares its index with the guests table it was built from.
            self._conn.execute("INSERT INTO guests_fts (guests_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.Error as exc:
            problems = [p for p in problems if p != "ok"]
            problems.append(f"the search index does not match the guest list ({exc})")
        return "\n".join(problems)

    def wipe(self) -> None:
        """Delete every guest, queued change, scan, badge job and the sync state; the schema stays."""
        with self._write() as conn:
            conn.execute("DELETE FROM guests")
            conn.execute("INSERT INTO guests_fts (guests_fts) VALUES ('delete-all')")
            conn.execute("UPDATE sync_state SET search_built = NULL, search_rate = NULL WHERE id = 1")
            conn.execute("DELETE FROM outbox")
            conn.execute("DELETE FROM scans")
            conn.execute("DELETE FROM companions_in")
            conn.execute("DELETE FROM print_log")  # it names guests: it goes with them
            conn.execute(
                "UPDATE sync_state SET cursor = NULL, last_success = NULL, last_attempt = NULL, "
                "last_error = NULL, clock_offset = 0, online = NULL, listing_open = NULL, admissible = NULL "
                "WHERE id = 1"
            )


def _is_empty(conn: sqlite3.Connection) -> bool:
    """No schema and no version: a zero-length file, or one SQLite has only just created."""
    if int(conn.execute("PRAGMA user_version").fetchone()[0]):
        return False
    return conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None


def _sync_value(name: str, value: object) -> object:
    if name == "cursor":
        if value is not None and not isinstance(value, str):
            raise TypeError(f"sync state cursor must be the connector's string or None, not {type(value).__name__}")
        return value
    if name in _TIME_FIELDS:
        if value is not None and not isinstance(value, datetime):
            raise TypeError(f"sync state {name} must be a datetime or None, not {type(value).__name__}")
        return format_time(value)
    if name == "clock_offset":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"sync state clock_offset must be a number, not {type(value).__name__}")
        return float(value)
    if name == "online":
        return None if value is None else int(bool(value))
    if name == "admissible":
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise TypeError(f"sync state admissible must be a count or None, not {value!r}")
        return value
    return None if value is None else str(value)
