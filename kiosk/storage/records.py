"""The plain records the store hands out: scan log entries, conflicts, the sync state, and its error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.models import Change, Guest


class StoreError(Exception):
    """The local database could not be opened or written; `str(err)` is one line fit for staff.

    Nothing was half-written: the transaction that failed was rolled back as a whole.
    """


class ListingRefused(StoreError):
    """A full listing step was refused; nothing was written by it (its transaction was rolled back)."""


class ListingNotOpen(ListingRefused):
    """The generation given is not the listing under way: completed, or replaced by a newer begin_listing."""


class EmptyListing(ListingRefused):
    """A completed listing held no attendee while the mirror has live guests: nothing was deleted."""


class SearchIndexBuilding(StoreError):
    """Search was asked while the search index is still being built after a first download.

    `remaining` guests are not indexed yet; `rows_per_s` is the rate the build last went at (None: not
    known yet). Nothing is wrong: scans are answered meanwhile, and search works once the build is done.
    """

    def __init__(self, remaining: int, rows_per_s: float | None) -> None:
        super().__init__(f"the search index is being built ({remaining} guest(s) to go)")
        self.remaining = remaining
        self.rows_per_s = rows_per_s


@dataclass(frozen=True)
class SearchIndexState:
    """Whether the search index holds every guest; while it is being built, how far it got."""

    building: bool
    indexed: int = 0
    remaining: int = 0
    rows_per_s: float | None = None


@dataclass(frozen=True)
class ScanRecord:
    """One scan as the scan log keeps it, accepted or not."""

    at: datetime
    code: str
    verdict: str
    guest_id: str | None
    station: str
    mode: str
    change_id: str | None = None


@dataclass(frozen=True)
class DoorFigures:
    """The raw counts behind the statistics (kiosk.services.statistics turns them into figures)."""

    registrations: int  # live attendees (records)
    counted_companions: int  # companions the registrations count without records
    inside: int  # records inside now
    companions_inside: int  # counted companions who came in with someone inside now
    arrived: int  # records with a check-in (inside, or gone out since)
    no_shows: int  # live attendees who may enter and have not arrived
    # People arrived per quarter hour: (Unix time of the quarter's start, people), oldest first.
    arrivals: list[tuple[int, int]]
    # Attendees whose current check-in a station of this computer made, by station name.
    arrived_here: dict[str, int]
    # Attendees whose current check-in another station made, by the name the platform gives it.
    arrived_elsewhere: dict[str, int]
    scan_verdicts: dict[str, int]  # this station's scan log, by verdict


@dataclass(frozen=True)
class Attendance:
    """One attendee for the attendance export: as mirrored, with what only this station knows."""

    guest: Guest
    # The station that checked them in, when it was this one (its outbox says so); else None.
    station: str | None
    # How many counted companions came in with the current check-in; None when nobody answered.
    companions_in: int | None


@dataclass(frozen=True)
class Conflict:
    """A queued change the server refused because another station's later change won."""

    change: Change
    winner: Guest | None
    answered_at: datetime | None
    acknowledged: bool


@dataclass(frozen=True)
class SyncState:
    """Where synchronisation stands: the connector's cursor, outcomes, and the clock offset.

    `cursor` is opaque here: the connector made it and reads it (a server time, a token...); None means
    the mirror has never completed a download.
    """

    cursor: str | None = None
    last_success: datetime | None = None
    last_attempt: datetime | None = None
    last_error: str | None = None
    clock_offset: float = 0.0
    online: bool | None = None
    # How many may enter at this door as the platform counts them (kiosk.platforms.base.CountsAdmissible),
    # as of the last sync that asked; None: the platform does not say, the mirror's own count stands.
    admissible: int | None = None


@dataclass(frozen=True)
class PrintRecord:
    """One badge in the print log: asked for at `at` by `by` at `station`, and how it stands."""

    id: int
    guest_id: str
    code: str
    at: datetime
    station: str
    by: str
    printer: str
    size: str
    reprint: bool
    attempts: int
    # sending, printed, failed or dropped
    state: str
    error: str | None
    finished_at: datetime | None
