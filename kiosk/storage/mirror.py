"""The guest mirror: bulk upserts that respect queued changes, code lookups, and full-text search."""

from __future__ import annotations

import functools
import itertools
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, overload

from kiosk.domain.models import Guest
from kiosk.storage.records import SearchIndexBuilding, SearchIndexState
from kiosk.storage.rows import (
    CHECK_IN,
    CHECK_OUT,
    CLIENT_UPDATE,
    GUEST_COLUMNS,
    GUEST_SELECT,
    dump_json,
    guest_to_row,
    row_to_guest,
)
from kiosk.storage.schema import FTS_COLUMNS

log = logging.getLogger(__name__)

# Rows go in as multi-row statements. executemany takes the GIL back for every row, and while the
# window's thread parses the next page it holds the GIL for up to the 5 ms switch interval each time: a
# 5,000-row page of a first download took about 4x as long as alone (8.5 s of writing for 100,000
# guests instead of 2.2 s). A statement of 1,000 rows asks for the GIL once and writes them without it.
ROWS_PER_STATEMENT = 1000


@functools.lru_cache(maxsize=16)
def _upsert_sql(listing: int | None = None, rows: int = 1) -> str:
    """The upsert of `rows` rows; for a page of full listing `listing`, new and changed rows are stamped.

    A generation is a literal (an integer this store handed out), so the rows need no extra value.
    """
    columns, values, assignments = list(GUEST_COLUMNS), ["?"] * len(GUEST_COLUMNS), [
        f"{c} = excluded.{c}" for c in GUEST_COLUMNS[1:]
    ]
    if listing is not None:
        columns.append("listing_gen")
        values.append(str(int(listing)))
        assignments.append(f"listing_gen = {int(listing)}")
    one = f"({', '.join(values)})"
    return (
        f"INSERT INTO guests ({', '.join(columns)}) VALUES {', '.join([one] * rows)} "
        f"ON CONFLICT(id) DO UPDATE SET {', '.join(assignments)}"
        # A re-pulled row identical to the mirrored one is left alone: no page or index is rewritten
        # (on a listing, _STAMP then stamps it, which rewrites its table page and no index).
        + " WHERE ("
        + ", ".join(f"guests.{c}" for c in GUEST_COLUMNS[1:])
        + ") IS NOT ("
        + ", ".join(f"excluded.{c}" for c in GUEST_COLUMNS[1:])
        + ")"
    )


def _upsert(conn: sqlite3.Connection, rows: list[list[Any]], listing: int | None) -> None:
    # Within SQLite's limit on parameters per statement (32,766 by default; 999 in builds before 3.32).
    per = max(1, min(ROWS_PER_STATEMENT, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(GUEST_COLUMNS)))
    for start in range(0, len(rows), per):
        part = rows[start : start + per]
        conn.execute(_upsert_sql(listing, len(part)), list(itertools.chain.from_iterable(part)))
# Ordered so that, per guest, the last row read is the queued change that wins by client time.
_QUEUED_PRESENCE = (
    "SELECT guest_id, check_in, check_out, client_update FROM outbox "
    "WHERE state = 'queued' ORDER BY client_update, seq"
)
_LOOKUPS = (
    *(f"SELECT {GUEST_SELECT} FROM guests g WHERE {where} ORDER BY g.deleted IS NOT NULL, g.rid DESC LIMIT 1"
      for where in ("g.access_code_norm = ?", "g.badge_norm = ?")),
    # The id without regard to case, in two halves: an id that is its own lower case (a UUID, a number)
    # is found by the unique index; only an id with capitals is in the partial case-blind index (schema 8),
    # so a download of lower-case ids writes no entry there. The halves never find the same row.
    f"SELECT {GUEST_SELECT}, g.deleted IS NOT NULL AS gone, g.rid AS r FROM guests g WHERE g.id = ?1 "
    f"UNION ALL SELECT {GUEST_SELECT}, g.deleted IS NOT NULL, g.rid FROM guests g "
    "WHERE g.id = ?1 COLLATE NOCASE AND g.id <> lower(g.id) ORDER BY gone, r DESC LIMIT 1",
)
_FTS_COLS = ", ".join(FTS_COLUMNS)
_FTS_SLICE = slice(GUEST_COLUMNS.index(FTS_COLUMNS[0]), GUEST_COLUMNS.index(FTS_COLUMNS[-1]) + 1)
assert GUEST_COLUMNS[_FTS_SLICE] == FTS_COLUMNS, "searchable columns must stay adjacent in a guest row"
_PAGE_IDS = "SELECT value FROM json_each(?)"
# Only rows not stamped yet are rewritten; listing_gen is in no index, so only table pages change.
_STAMP = f"UPDATE guests SET listing_gen = ? WHERE id IN ({_PAGE_IDS}) AND listing_gen IS NOT ?"
_SWEEP = "UPDATE guests SET deleted = ? WHERE deleted IS NULL AND listing_gen IS NOT ? RETURNING id"
_INDEXED_TEXT = f"SELECT id, rid, {_FTS_COLS} FROM guests WHERE id IN ({_PAGE_IDS})"
# External-content FTS5: an entry is removed by repeating the exact text it was indexed with.
_FTS_DELETE = (
    f"INSERT INTO guests_fts (guests_fts, rowid, {_FTS_COLS}) "
    f"SELECT 'delete', rid, {_FTS_COLS} FROM guests WHERE id IN ({_PAGE_IDS})"
)
_FTS_INSERT_NEW = (
    f"INSERT INTO guests_fts (rowid, {_FTS_COLS}) SELECT rid, {_FTS_COLS} FROM guests WHERE rid > ?"
)
_FTS_INSERT_RANGE = (
    f"INSERT INTO guests_fts (rowid, {_FTS_COLS}) SELECT rid, {_FTS_COLS} FROM guests WHERE rid > ? AND rid <= ?"
)
_FTS_INSERT_IDS = (
    f"INSERT INTO guests_fts (rowid, {_FTS_COLS}) "
    f"SELECT rid, {_FTS_COLS} FROM guests WHERE id IN ({_PAGE_IDS})"
)
_MAX_SEARCH_WORDS = 8
SEARCH_CANDIDATES = 200
_MATCHES = "SELECT rowid FROM guests_fts WHERE guests_fts MATCH ? LIMIT ?"
_NAME_ORDER = "g.sort_name COLLATE NOCASE, g.name COLLATE NOCASE"
_RANKED = (
    f"SELECT {GUEST_SELECT} FROM guests_fts JOIN guests g ON g.rid = guests_fts.rowid "
    f"WHERE guests_fts MATCH ? AND g.deleted IS NULL ORDER BY guests_fts.rank, {_NAME_ORDER} LIMIT ?"
)
_BY_NAME = (
    f"SELECT {GUEST_SELECT} FROM guests g WHERE g.rid IN (SELECT value FROM json_each(?)) "
    f"AND g.deleted IS NULL ORDER BY {_NAME_ORDER} LIMIT ?"
)
_MAX_WORD_LENGTH = 64

# From this many rows a write is a bulk one, and the connection keeps a page cache of this size after it.
BULK_ROWS = 1000
BULK_CACHE_KIB = 32 * 1024
# Anything a malformed record can raise while being turned into a row; such a record is skipped.
_ROW_ERRORS = (AttributeError, TypeError, ValueError, OverflowError, RecursionError)


class PreparedPage(Sequence[Guest]):
    """Pulled guests held as their mirror rows, made on the caller's thread: `prepare_rows` takes them as made.

    Store.apply_pull_page makes a page's rows on the thread that writes it. A pull that parses on one
    thread while another writes (services.sync) makes them on the parsing thread instead, as pages
    arrive: the writer thread then runs SQLite almost only, and the Python work, which needs the GIL,
    stays on one thread instead of the two taking turns. Only the rows are kept (one list per guest,
    not a Guest with its dicts), which is far less for the cycle collector to walk while a big page
    waits for its write. The rows are for one write; reading the page back rebuilds Guests from them.
    """

    def __init__(self, badge_field: str, guests: Iterable[Guest] = ()) -> None:
        self.badge_field = badge_field
        self.rows: dict[str, list[Any]] = {}
        self.received = 0  # guests added, duplicates and unusable records included
        self.add(guests)

    def add(self, guests: Iterable[Guest]) -> None:
        """Make the rows of more guests (a later duplicate winning, as in prepare_rows)."""
        guests = list(guests)
        self.received += len(guests)
        self.rows.update(prepare_rows(guests, self.badge_field))

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> Guest: ...

    @overload
    def __getitem__(self, index: slice) -> list[Guest]: ...

    def __getitem__(self, index: int | slice) -> Guest | list[Guest]:
        rows = list(self.rows.values())
        if isinstance(index, slice):
            return [row_to_guest(row) for row in rows[index]]
        return row_to_guest(rows[index])


def prepare_rows(guests: Iterable[Guest], badge_field: str) -> dict[str, list[Any]]:
    """Mirror rows by guest id, a later duplicate winning; records the mirror cannot hold are skipped.

    Done before the write transaction starts, so that the write lock is held only for the writing.
    """
    if isinstance(guests, PreparedPage) and guests.badge_field == badge_field:
        return guests.rows
    rows: dict[str, list[Any]] = {}
    skipped = 0
    first_problem = ""
    for guest in guests:
        try:
            row = guest_to_row(guest, badge_field)
        except _ROW_ERRORS as exc:
            row, problem = None, f"{type(exc).__name__}: {exc}"
        else:
            problem = "no usable guest id"
        if row is None:
            skipped += 1
            first_problem = first_problem or problem
            continue
        rows[row[0]] = list(row)
    if skipped:
        log.warning("skipped %d guest record(s) the mirror cannot hold; first: %s", skipped, first_problem)
    return rows


def write_rows(
    conn: sqlite3.Connection, rows: dict[str, list[Any]], listing: int | None = None, *, defer_search: bool = False
) -> None:
    """Upsert prepared rows inside the caller's transaction, keeping the search index in step.

    A pull never erases a change still queued here: when this station's newest queued change for a
    guest is later (by client time) than the incoming row, the row keeps the queued presence.
    With `listing`, every row of the page, identical ones included, is stamped with that generation.
    With `defer_search`, rows written into an empty mirror are not indexed for search now: the index is
    marked as being built, and build_search_step fills it afterwards (a first download answers scans
    sooner). While it is being built, only rows it already holds are kept in step here; the rest, new
    rows included, the build indexes with their text as it is when it gets to them.
    """
    if not rows:
        return
    if len(rows) >= BULK_ROWS:
        # A bulk page inserts into every index at random places (ids are random): with SQLite's default
        # 2 MB cache, index pages are evicted and re-read, and spilled to the WAL twice, within one write.
        conn.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    pending = {r[0]: r for r in conn.execute(_QUEUED_PRESENCE)}
    for guest_id, queued in pending.items():
        incoming = rows.get(guest_id)
        if incoming is not None and (incoming[CLIENT_UPDATE] is None or queued[3] > incoming[CLIENT_UPDATE]):
            incoming[CHECK_IN], incoming[CHECK_OUT], incoming[CLIENT_UPDATE] = queued[1], queued[2], queued[3]
    # New rows get rowids above the current largest, so they can be indexed as one range afterwards.
    newest_before = conn.execute("SELECT coalesce(max(rid), 0) FROM guests").fetchone()[0]
    built = search_built(conn)
    if defer_search and built is None and not newest_before:
        # An empty mirror has an empty index: "holds every row up to rid 0" is exactly true.
        conn.execute("UPDATE sync_state SET search_built = 0 WHERE id = 1")
        built = 0
    stale = _stale_search_entries(conn, rows, built) if newest_before else []
    if stale:
        conn.execute(_FTS_DELETE, (dump_json(stale),))
    _upsert(conn, list(rows.values()), listing)
    if built is None:
        conn.execute(_FTS_INSERT_NEW, (newest_before,))
    if stale:
        conn.execute(_FTS_INSERT_IDS, (dump_json(stale),))
    if listing is not None and newest_before:
        # Rows just inserted or changed carry the stamp already; this finds only the identical ones.
        conn.execute(_STAMP, (int(listing), dump_json(list(rows)), int(listing)))


def search_built(conn: sqlite3.Connection) -> int | None:
    """None when the search index holds every guest; else the largest rid it holds (it is being built)."""
    row = conn.execute("SELECT search_built FROM sync_state WHERE id = 1").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def search_index_state(conn: sqlite3.Connection) -> SearchIndexState:
    row = conn.execute("SELECT search_built, search_rate FROM sync_state WHERE id = 1").fetchone()
    if row is None or row[0] is None:
        return SearchIndexState(building=False)
    built, rate = int(row[0]), row[1]
    indexed, remaining = conn.execute(
        "SELECT count(*) FILTER (WHERE rid <= ?), count(*) FILTER (WHERE rid > ?) FROM guests", (built, built)
    ).fetchone()
    return SearchIndexState(True, int(indexed), int(remaining), float(rate) if rate else None)


def build_search_step(conn: sqlite3.Connection, rows: int) -> tuple[int, bool]:
    """Index the next `rows` guests not yet in the search index, inside the caller's transaction.

    Returns (guests indexed, whether the index is now complete). The high-water mark moves in the same
    transaction as the entries it covers, so whatever instant a crash comes, the index holds exactly the
    guests up to the mark: the next step goes on from there, and search stays refused until the end.
    """
    built = search_built(conn)
    if built is None:
        return 0, True
    upto = conn.execute(
        "SELECT max(rid) FROM (SELECT rid FROM guests WHERE rid > ? ORDER BY rid LIMIT ?)", (built, max(1, rows))
    ).fetchone()[0]
    done = 0
    if upto is not None:
        done = conn.execute(_FTS_INSERT_RANGE, (built, upto)).rowcount
        built = int(upto)
    complete = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM guests WHERE rid > ?)", (built,)).fetchone()[0]
    conn.execute(
        "UPDATE sync_state SET search_built = ? WHERE id = 1", (None if complete else built,)
    )
    return max(done, 0), bool(complete)


def set_search_rate(conn: sqlite3.Connection, rows_per_s: float) -> None:
    conn.execute("UPDATE sync_state SET search_rate = ? WHERE id = 1", (rows_per_s,))


def listing_seen(conn: sqlite3.Connection, gen: int) -> bool:
    """Whether listing `gen` stamped any guest at all."""
    return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM guests WHERE listing_gen = ?)", (gen,)).fetchone()[0])


def has_live_guests(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM guests WHERE deleted IS NULL)").fetchone()[0])


def sweep_listing(conn: sqlite3.Connection, gen: int, deleted_at: str) -> list[str]:
    """Mark deleted every live guest that listing `gen` did not contain; their ids.

    As a server deletion does: the row stays (a scan of its code still says "deleted"), only `deleted`
    is set. The searchable columns are untouched, so the search index stays in step; search shows
    live guests only. The outbox is not touched: a queued change for such a guest still goes up.
    """
    return [guest_id for (guest_id,) in conn.execute(_SWEEP, (deleted_at, int(gen)))]


def _stale_search_entries(conn: sqlite3.Connection, rows: dict[str, list[Any]], built: int | None) -> list[str]:
    """Ids of mirrored guests whose searchable text this page changes; their entries must be redone.

    Rows whose text is unchanged, the usual case on a re-pull, cost no index work at all. While the
    index is being built (`built` not None), rows it does not hold yet have no entry to redo.
    """
    return [
        guest_id
        for guest_id, rid, *indexed in conn.execute(_INDEXED_TEXT, (dump_json(list(rows)),))
        if indexed != rows[guest_id][_FTS_SLICE] and (built is None or rid <= built)
    ]


def find_guest(conn: sqlite3.Connection, code_norm: str) -> Guest | None:
    """Access code first, then badge, then guest id; a live guest beats a deleted one at any step."""
    if not code_norm:
        return None
    deleted_match = None
    for sql in _LOOKUPS:
        row = conn.execute(sql, (code_norm,)).fetchone()
        if row is None:
            continue
        if row[7] is None:
            return row_to_guest(row)
        deleted_match = deleted_match or row
    return row_to_guest(deleted_match) if deleted_match else None


def get_guest(conn: sqlite3.Connection, guest_id: str) -> Guest | None:
    row = conn.execute(f"SELECT {GUEST_SELECT} FROM guests g WHERE g.id = ?", (guest_id,)).fetchone()
    return row_to_guest(row) if row else None


def companions_of(conn: sqlite3.Connection, guest: Guest) -> list[Guest]:
    rows = conn.execute(
        f"SELECT {GUEST_SELECT} FROM guests g "
        "WHERE (g.parent_id = :id OR g.id IN (SELECT value FROM json_each(:listed))) "
        "AND g.deleted IS NULL AND g.id != :id "
        f"ORDER BY {_NAME_ORDER}, g.id",
        {"id": guest.id, "listed": _json_list(guest.companions)},
    )
    return [row_to_guest(r) for r in rows]


def _json_list(values: Iterable[object]) -> str:
    return dump_json([v for v in values if isinstance(v, str)])


def match_expression(text: str) -> str | None:
    """An FTS5 query that prefix-matches every typed word; None when nothing searchable was typed.

    Each word becomes a quoted phrase, so operators, quotes, '*', '-' and brackets in user text are
    only ever text. A word such as "o'brien" becomes the phrase "o brien*", as the tokenizer sees it.
    """
    if not isinstance(text, str):
        return None
    terms = []
    for word in text.split()[: _MAX_SEARCH_WORDS * 4]:
        word = word[:_MAX_WORD_LENGTH]
        if not any(ch.isalnum() for ch in word):
            continue
        terms.append('"' + word.replace('"', '""') + '"*')
        if len(terms) == _MAX_SEARCH_WORDS:
            break
    return " ".join(terms) or None


def search(conn: sqlite3.Connection, text: str, limit: int) -> list[Guest]:
    """Live guests matching every typed word: best rank first, then by name.

    Ranking costs a row read and a score per match, and a letter or two typed on a big list matches
    tens of thousands. So a query with more than SEARCH_CANDIDATES matches (too broad for a rank to
    mean much) lists the first of those matches by name instead; one more letter narrows it.
    """
    expression = match_expression(text)
    if expression is None or limit <= 0:
        return []
    if search_built(conn) is not None:
        # A half-built index would answer "nobody" for guests it does not hold yet: refuse instead.
        state = search_index_state(conn)
        raise SearchIndexBuilding(state.remaining, state.rows_per_s)
    try:
        hits = conn.execute(_MATCHES, (expression, SEARCH_CANDIDATES + 1)).fetchall()
        if len(hits) > SEARCH_CANDIDATES:
            ids = dump_json([rid for (rid,) in hits[:SEARCH_CANDIDATES]])
            rows = conn.execute(_BY_NAME, (ids, int(limit))).fetchall()
        else:
            rows = conn.execute(_RANKED, (expression, int(limit))).fetchall()
    except sqlite3.OperationalError as exc:
        # Quoting makes this unreachable for typed text; if FTS5 still objects, "no match" is the answer.
        log.warning("a name search failed (its text is not logged: guest data): %s", exc)
        return []
    return [row_to_guest(r) for r in rows]


def companion_counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """Counted companions (Guest.companion_count) inside with their attendee, and of all live guests."""
    inside, total = conn.execute(
        """
        SELECT
            (SELECT COALESCE(SUM(ci.count), 0) FROM companions_in ci CROSS JOIN guests g ON g.id = ci.guest_id
                WHERE g.deleted IS NULL AND g.check_in IS NOT NULL
                    AND (g.check_out IS NULL OR g.check_out < g.check_in)),
            (SELECT COALESCE(SUM(companion_count), 0) FROM guests WHERE companion_count > 0 AND deleted IS NULL)
        """
    ).fetchone()
    return int(inside), int(total)


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    row = conn.execute(
        """
        SELECT
            -- The smallest index (mostly NULLs): at 1,000,000 guests the id index is ~50 MB to read, on the
            -- window's thread every few seconds.
            (SELECT count(*) FROM guests INDEXED BY guests_parent_id),
            (SELECT count(*) FROM guests WHERE deleted IS NOT NULL),
            (SELECT count(*) FROM guests WHERE deleted IS NULL AND check_in IS NOT NULL
                AND (check_out IS NULL OR check_out < check_in)),
            (SELECT count(*) FROM outbox WHERE state = 'queued'),
            (SELECT count(*) FROM outbox WHERE state = 'conflict' AND acknowledged = 0),
            (SELECT count(*) FROM scans)
        """
    ).fetchone()
    keys = ("guests", "deleted", "checked_in", "queued", "conflicts", "scans")
    return dict(zip(keys, (int(v) for v in row), strict=True))
