"""Connection settings and the versioned schema migrations of the kiosk database (PRAGMA user_version)."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable

from sqlite_utils import Database

from kiosk.storage.records import StoreError
from kiosk.storage.rows import legacy_names

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
# What staff search matches (schema 3 on; adjacent in a guest row, see rows.GUEST_COLUMNS).
FTS_COLUMNS = ("name", "company", "email")
_FTS_TOKENIZE = "unicode61 remove_diacritics 2"


def configure(conn: sqlite3.Connection) -> None:
    """Per-connection pragmas; busy_timeout first so that switching to WAL may wait for other writers."""
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        log.warning("SQLite refused WAL journaling (got %r); concurrent readers may wait", mode)
    # FULL also syncs the WAL on every commit: a scan the guest saw accepted survives a power cut.
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")


def _m1_initial(db: Database) -> None:
    guests = db.table("guests")
    # An explicit integer key rather than `id` as the rowid owner: VACUUM may renumber implicit rowids,
    # and the full-text index refers to rows by rowid.
    guests.create(
        {
            "rid": int,
            "id": str,
            "parent_id": str,
            "access_code": str,
            "client_update": str,
            "server_update": str,
            "check_in": str,
            "check_out": str,
            "deleted": str,
            "registration_state": str,
            "highlight_color": str,
            "fields": str,
            "companions": str,
            "access_code_norm": str,
            "badge_norm": str,
            "first_name": str,
            "last_name": str,
            "company": str,
            "email": str,
        },
        pk="rid",
        not_null=["id", "registration_state", "fields", "companions"],
        defaults={"registration_state": "unknown", "fields": "{}", "companions": "[]"},
    )
    guests.create_index(["id"], index_name="guests_id", unique=True)
    guests.create_index(["access_code_norm"], index_name="guests_access_code_norm")
    guests.create_index(["badge_norm"], index_name="guests_badge_norm")
    guests.create_index(["parent_id"], index_name="guests_parent_id")
    # A scanned guest id arrives case-folded; this index answers `id = ? COLLATE NOCASE`.
    db.execute("CREATE INDEX guests_id_nocase ON guests (id COLLATE NOCASE)")
    # Partial indexes keep counts() off a scan of the wide rows: they hold only the few rows counted.
    db.execute("CREATE INDEX guests_deleted ON guests (deleted) WHERE deleted IS NOT NULL")
    db.execute(
        "CREATE INDEX guests_present ON guests (check_in, check_out) "
        "WHERE deleted IS NULL AND check_in IS NOT NULL"
    )
    # No triggers keep this index in step: per-row triggers make FTS5 flush its buffer on every
    # statement, which is several times slower on a bulk page. mirror.upsert_guests and Store.wipe,
    # the only writers of the searchable columns, maintain it explicitly in the same transaction.
    guests.enable_fts(["first_name", "last_name", "company", "email"], tokenize=_FTS_TOKENIZE)

    # AUTOINCREMENT and the CHECK constraints are not expressible through Table.create().
    db.execute(
        """
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            change_id TEXT NOT NULL UNIQUE,
            guest_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            check_in TEXT,
            check_out TEXT,
            client_update TEXT NOT NULL,
            station TEXT NOT NULL,
            created_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'done', 'conflict', 'dropped')),
            answered_at TEXT,
            winner TEXT,
            message TEXT,
            acknowledged INTEGER NOT NULL DEFAULT 0 CHECK (acknowledged IN (0, 1))
        )
        """
    )
    outbox = db.table("outbox")
    outbox.create_index(["state", "seq"], index_name="outbox_state")
    outbox.create_index(["guest_id", "seq"], index_name="outbox_guest")

    scans = db.table("scans")
    scans.create(
        {
            "id": int,
            "at": str,
            "code": str,
            "verdict": str,
            "guest_id": str,
            "station": str,
            "mode": str,
            "change_id": str,
        },
        pk="id",
        not_null=["at", "code", "verdict", "station", "mode"],
    )
    scans.create_index(["guest_id"], index_name="scans_guest")

    db.table("sync_state").create(
        {
            "id": int,
            "cursor": str,
            "last_success": str,
            "last_attempt": str,
            "last_error": str,
            "clock_offset": float,
            "online": int,
        },
        pk="id",
        not_null=["clock_offset"],
        defaults={"clock_offset": 0.0},
    )
    db.execute("INSERT INTO sync_state (id) VALUES (1)")

    db.table("meta").create({"key": str, "value": str}, pk="key")


def _m2_full_listing(db: Database) -> None:
    """Mark and sweep for platforms that can only list every attendee (see Store.begin_listing).

    guests.listing_gen: the newest full listing that contained the guest (NULL: none yet).
    sync_state.listing_gen: the newest generation handed out, so that numbers never repeat;
    sync_state.listing_open: the generation of the listing under way, NULL when none is.
    Adding nullable or constant-default columns rewrites no row, so this is instant on a big mirror.
    """
    db.execute("ALTER TABLE guests ADD COLUMN listing_gen INTEGER")
    db.execute("ALTER TABLE sync_state ADD COLUMN listing_gen INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE sync_state ADD COLUMN listing_open INTEGER")


def _m3_neutral_guest(db: Database) -> None:
    """The v1 shape leaves the mirror: kiosk's own admission state, and the guest's own names.

    registration_state becomes admission, and only the two v1 words that differ are rewritten
    (registered -> admissible, unknown -> unstated). first_name and last_name become name (as the door
    shows it) and sort_name (family name first), computed from each row's stored v1 fields exactly as
    the release before showed them; the search index is rebuilt on (name, company, email). Conflict
    winners stored as JSON keep their old keys, which rows.guest_from_json still reads. The outbox
    gains `manual` (0 for every change queued before: the release before did not tell them apart).
    Guests gain `companion_count` (0: the platforms before counted none), `display` and
    `check_in_station`, and
    `companions_in` is new.
    """
    db.execute("ALTER TABLE guests RENAME COLUMN registration_state TO admission")
    db.execute(
        "UPDATE guests SET admission = CASE admission WHEN 'registered' THEN 'admissible' ELSE 'unstated' END "
        "WHERE admission IN ('registered', 'unknown')"
    )
    guests = db.table("guests")
    # The index reads its content table by column name: it goes before the columns are renamed.
    guests.disable_fts()
    db.execute("ALTER TABLE guests RENAME COLUMN first_name TO sort_name")
    db.execute("ALTER TABLE guests RENAME COLUMN last_name TO name")

    def legacy(fields_json: str | None, key: str) -> str | None:
        try:
            fields = json.loads(fields_json or "{}")
        except ValueError:
            fields = {}
        value = legacy_names(fields if isinstance(fields, dict) else {})[key]
        return value or None

    db.conn.create_function("kiosk_legacy_name", 2, legacy, deterministic=True)
    db.execute(
        "UPDATE guests SET name = kiosk_legacy_name(fields, 'name'), "
        "sort_name = kiosk_legacy_name(fields, 'sort_name')"
    )
    guests.enable_fts(list(FTS_COLUMNS), tokenize=_FTS_TOKENIZE)
    guests.rebuild_fts()
    # Whether staff made a change rather than a scan (platforms that record how a check-in was made).
    db.execute("ALTER TABLE outbox ADD COLUMN manual INTEGER NOT NULL DEFAULT 0 CHECK (manual IN (0, 1))")
    # People a registration counts beyond the attendee, with no records of their own (Guest.companion_count),
    # and how many of them came in with the attendee's current check-in: an answer of the door, kept on
    # the station (no platform with such counts takes check-ins back), cleared by the attendee's next change.
    db.execute("ALTER TABLE guests ADD COLUMN companion_count INTEGER NOT NULL DEFAULT 0")
    # What staff read besides the name, labelled and ordered by the platform's mapper (Guest.display). A
    # mirror from before has none yet: its cursor goes, so the next sync lists everyone again and each
    # mapper fills them (the door answers from the rows it has meanwhile; queued changes stay queued).
    db.execute("ALTER TABLE guests ADD COLUMN display TEXT")
    # The station the platform says recorded the current check-in (PlanDocket's check-in records name it).
    db.execute("ALTER TABLE guests ADD COLUMN check_in_station TEXT")
    db.execute("UPDATE sync_state SET cursor = NULL WHERE EXISTS (SELECT 1 FROM guests)")
    # The status bar adds the counts up every few seconds: a covering index of only the live registrations
    # that count companions (empty on platforms that count none) answers without reading the table.
    db.execute(
        "CREATE INDEX guests_companion_count ON guests (companion_count, deleted) "
        "WHERE companion_count > 0 AND deleted IS NULL"
    )
    db.execute(
        "CREATE TABLE companions_in (guest_id TEXT PRIMARY KEY, count INTEGER NOT NULL CHECK (count >= 0), "
        "at TEXT NOT NULL, station TEXT NOT NULL)"
    )


def _m4_print_log(db: Database) -> None:
    """The badge print log: one row per badge asked for, its attempts and how it ended.

    `reprint` is 1 when the guest already had a badge printed or under way at this station (a reprint is
    counted, the first badge is not); `by` says who asked (auto on admission, staff, the badge station, the
    command line). A failed job stays `failed` until staff retry it (back to `sending`) or drop it.
    """
    db.execute(
        "CREATE TABLE print_log (id INTEGER PRIMARY KEY, guest_id TEXT NOT NULL, code TEXT NOT NULL, "
        "at TEXT NOT NULL, station TEXT NOT NULL, by TEXT NOT NULL, printer TEXT NOT NULL, size TEXT NOT NULL, "
        "reprint INTEGER NOT NULL CHECK (reprint IN (0, 1)), attempts INTEGER NOT NULL DEFAULT 1, "
        "state TEXT NOT NULL CHECK (state IN ('sending', 'printed', 'failed', 'dropped')), "
        "error TEXT, finished_at TEXT)"
    )
    db.execute("CREATE INDEX print_log_guest ON print_log (guest_id)")
    # The door's notice and the staff list ask for the failed jobs often: a partial index of only those.
    db.execute("CREATE INDEX print_log_failed ON print_log (id) WHERE state = 'failed'")


def _m5_deferred_search(db: Database) -> None:
    """The search index may be built after a first download, in short steps (see mirror.build_search_step).

    sync_state.search_built: NULL when the index holds every guest (as in every mirror before); else the
    index holds exactly the guests with rid <= search_built, and search is refused until it holds them all.
    sync_state.search_rate: rows per second the last build step indexed (for "search ready in about 20 s").
    Nullable columns: instant on a big mirror, and an upgraded mirror's index stays complete.
    """
    db.execute("ALTER TABLE sync_state ADD COLUMN search_built INTEGER")
    db.execute("ALTER TABLE sync_state ADD COLUMN search_rate REAL")


def _m6_admissible_count(db: Database) -> None:
    """sync_state.admissible: how many may enter at this door as the platform counts them (NULL: it does
    not say; the status line then counts the mirror's live guests, as before)."""
    db.execute("ALTER TABLE sync_state ADD COLUMN admissible INTEGER")


def _m7_code_kind(db: Database) -> None:
    """guests.access_code_kind: what the access code is on its platform (domain.CodeKind), NULL for an access
    code proper. Rows mirrored before say NULL until their platform sends them again."""
    db.execute("ALTER TABLE guests ADD COLUMN access_code_kind TEXT")


def _m8_partial_code_indexes(db: Database) -> None:
    """The code lookup indexes hold only the rows they can find: a first download writes fewer entries.

    Most ids are their own lower case (the case-blind index serves only ids with capitals, see
    mirror._LOOKUPS); a platform without badge numbers or access codes leaves them NULL. `x = ?` implies
    `x IS NOT NULL`, so each lookup still uses its index. The parent index stays whole: mostly NULLs in
    rowid order, it is cheap to write and the smallest index, which mirror.counts reads to count guests.
    """
    for name, column in (("guests_access_code_norm", "access_code_norm"), ("guests_badge_norm", "badge_norm")):
        db.execute(f"DROP INDEX {name}")
        db.execute(f"CREATE INDEX {name} ON guests ({column}) WHERE {column} IS NOT NULL")
    db.execute("DROP INDEX guests_id_nocase")
    db.execute("CREATE INDEX guests_id_nocase ON guests (id COLLATE NOCASE) WHERE id <> lower(id)")


MIGRATIONS: list[Callable[[Database], None]] = [
    _m1_initial, _m2_full_listing, _m3_neutral_guest, _m4_print_log, _m5_deferred_search, _m6_admissible_count,
    _m7_code_kind, _m8_partial_code_indexes,
]


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: Database) -> None:
    """Bring the schema up to date, one migration per transaction; safe when processes race."""
    conn = db.conn
    latest = len(MIGRATIONS)
    for target, step in enumerate(MIGRATIONS, start=1):
        if user_version(conn) >= target:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while this one waited for the write lock.
            if user_version(conn) < target:
                step(db)
                conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    found = user_version(conn)
    if found > latest:
        raise StoreError(
            f"the local database has schema version {found}, newer than this kiosk understands ({latest})"
        )
