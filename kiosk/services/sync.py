"""The sync service: push the queue, then pull what changed since the connector's cursor."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from kiosk.domain.models import Change, Guest, PushOutcome, PushResult
from kiosk.domain.text import QT_TRANSLATE_NOOP
from kiosk.domain.timeutil import utcnow
from kiosk.platforms.base import (
    AuthRefused,
    Connector,
    CountsAdmissible,
    Listing,
    Misconfigured,
    ProtocolError,
    PullPage,
    RemoteError,
    RetryLater,
)
from kiosk.services.collector import cycle_collector_paused
from kiosk.storage import EmptyListing, ListingRefused, Store
from kiosk.storage.mirror import PreparedPage

log = logging.getLogger(__name__)

T = TypeVar("T")
# Storage calls from here run in a worker thread so a Qt loop never waits on a bulk write.
Offload = Callable[..., Awaitable[Any]]

CLOCK_WARNING_SECONDS = 120.0
# Rows per write transaction of a pull: while the mirror is empty, few big commits (fastest); else
# sized on the fly so each holds SQLite's write lock about WRITE_BUDGET_S, which is what a scan may wait.
BULK_WRITE_ROWS = 5000
FIRST_WRITE_ROWS = 250
MIN_WRITE_ROWS, MAX_WRITE_ROWS = 50, 1000
WRITE_BUDGET_S = 0.02
# Rows are made on the event loop's thread (see _PullWriter) this many at a time, a few ms each.
PREPARE_SLICE = 200
# Guests indexed for search per transaction after a first download: sized on the fly to the same budget.
SEARCH_FIRST_ROWS, SEARCH_MIN_ROWS, SEARCH_MAX_ROWS = 1000, 200, 20_000


@dataclass
class SyncReport:
    """What one sync round did; `error` is one line for staff when it did not complete."""

    pushed: int = 0
    applied: int = 0
    conflicts: int = 0
    dropped: int = 0
    pulled: int = 0
    malformed: int = 0
    # Guests this round indexed for search (the index a first download leaves to be built).
    indexed: int = 0
    full: bool = False
    error: str | None = None
    permanent: bool = False
    retry_after: float | None = None
    clock_offset: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


Progress = Callable[[int, int | None], None]


class Sync:
    """Push, then pull, one round at a time; safe to kill at any instant (every step is a transaction)."""

    def __init__(
        self,
        store: Store,
        connector: Connector,
        *,
        listing: Listing = Listing.INCREMENTAL,
        offload: Offload = asyncio.to_thread,
        on_progress: Progress | None = None,
    ) -> None:
        self._store = store
        self._connector = connector
        # The platform's capability: a FULL listing names everyone, so a completed one sweeps whom it lacks.
        self._listing = listing
        self._offload = offload
        self._on_progress = on_progress
        self._lock = asyncio.Lock()

    async def _db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        call = asyncio.ensure_future(self._offload(fn, *args, **kwargs))
        try:
            result: T = await asyncio.shield(call)
        except asyncio.CancelledError:
            # A thread cannot be stopped: a cancelled round (Ctrl-C, a closing window) waits for the
            # call to end, or the caller would close the store under it (a crash, or a hung exit).
            await asyncio.wait({call})
            raise
        return result

    async def run_once(self, *, pull: bool = True) -> SyncReport:
        """One round: push everything queued, then (optionally) pull. Never raises for network trouble."""
        async with self._lock:
            report = SyncReport()
            await self._db(self._store.update_sync_state, last_attempt=utcnow())
            try:
                await self._push(report)
                if pull:
                    await self._pull(report)
            except RetryLater as err:
                report.error, report.retry_after = (
                    QT_TRANSLATE_NOOP("Sync", "Server unreachable: {error}").format(error=err),
                    err.retry_after,
                )
            except (AuthRefused, Misconfigured) as err:
                report.error, report.permanent = str(err), True
            except ProtocolError as err:
                log.error("server and kiosk disagree on the protocol: %s", err)
                report.error = QT_TRANSLATE_NOOP("Sync", "Server answered something unexpected: {error}").format(
                    error=err
                )
            except RemoteError as err:
                report.error = QT_TRANSLATE_NOOP("Sync", "Sync failed: {error}").format(error=err)
            if pull:
                # After the pull, whether or not it completed: the door scans from the rows it has, and
                # staff search them as soon as they are indexed (a build cut off by a crash goes on here).
                report.indexed = await self._build_search_index()
            self._note_clock(report)
            await self._db(
                self._store.update_sync_state,
                online=report.ok or report.permanent,
                last_error=report.error,
                **({"clock_offset": report.clock_offset} if report.clock_offset is not None else {}),
            )
            return report

    async def push(self) -> SyncReport:
        return await self.run_once(pull=False)

    async def _push(self, report: SyncReport) -> None:
        while True:
            queued = await self._db(self._store.queued_changes, self._connector.max_batch)
            if not queued:
                return
            answer = await self._connector.push(queued, own=self._own_changes)
            answered = [
                (change, result)
                for change, result in zip(queued, answer.results, strict=True)
                if result.outcome is not PushOutcome.RETRY_LATER
            ]
            report.pushed += len(answered)
            self._note_clock(report)
            await self._finish(answered, report)
            if not answered:
                # A connector that took nothing: the changes stay queued for the next round, not a busy loop.
                log.warning("the connector took none of %d queued changes this round", len(queued))
                return

    async def _own_changes(self, guest_id: str) -> list[Change]:
        return await self._db(self._store.local_changes_for, guest_id, 200)

    async def _finish(self, answered: list[tuple[Change, PushResult]], report: SyncReport) -> None:
        done: list[str] = []
        conflicts: list[tuple[str, Guest | None]] = []
        dropped: list[tuple[str, str]] = []
        server_guests: list[Guest] = []
        for change, result in answered:
            if result.guest is not None:
                server_guests.append(result.guest)
            if result.outcome.done:
                done.append(change.change_id)
            elif result.outcome is PushOutcome.CONFLICT:
                conflicts.append((change.change_id, result.guest))
            else:
                log.warning(
                    "change %s dropped: the platform refused it for guest %s (%s)",
                    change.change_id,
                    change.guest_id,
                    result.message,
                )
                dropped.append((change.change_id, result.message or "Guest not known."))
        await self._db(
            self._store.finish_changes, done=done, conflicts=conflicts, dropped=dropped, server_guests=server_guests
        )
        report.applied += len(done)
        report.conflicts += len(conflicts)
        report.dropped += len(dropped)

    async def _pull(self, report: SyncReport) -> None:
        state = await self._db(self._store.sync_state)
        report.full = state.cursor is None
        # An empty mirror (the first download) cannot admit anyone yet: big transactions, fewest commits.
        # Otherwise the door is open, and every write transaction stays short so a scan hardly waits.
        bulk = report.full and (await self._db(self._store.counts))["guests"] == 0
        # A platform that can only list everyone: whoever a completed listing lacks is gone (mark and sweep).
        listing = await self._db(self._store.begin_listing) if self._listing is Listing.FULL else None
        writer = _PullWriter(self, report, bulk, listing)
        late: list[tuple[str, Guest]] = []
        try:
            with cycle_collector_paused(bulk):
                async for page in self._connector.pull(state.cursor):
                    for line in page.malformed:
                        log.warning("skipped a malformed guest record: %s", line)
                    report.malformed += len(page.malformed)
                    late.extend(page.late_conflicts)
                    await writer.add(page)
        except EmptyListing as err:
            # The server listed nobody while the door knows guests: a glitch must not empty the list.
            log.error("full listing refused: %s", err)
            report.error = QT_TRANSLATE_NOOP(
                "Sync", "The server listed no attendees at all: the guest list was kept as it was."
            )
        except ListingRefused as err:
            # Another process on this station began a newer listing: it finishes the job; this round retries.
            report.error = QT_TRANSLATE_NOOP(
                "Sync", "The guest list download was overtaken by another on this station ({error})."
            ).format(error=err)
        finally:
            await writer.settle()
        if late and report.ok:
            # Only this station's own changes are in its outbox: the others' are for their stations.
            report.conflicts += await self._db(self._store.mark_late_conflicts, late)
        if listing is not None and report.malformed and report.ok:
            report.notes.append(
                f"{report.malformed} attendee record(s) could not be read: nobody was removed this round"
            )
        if report.ok and isinstance(self._connector, CountsAdmissible):
            # After a good pull only: a failed round says so already; this one request must not fail it.
            try:
                admissible = await self._connector.admissible_count()
            except RemoteError as err:
                log.warning("the platform's count of who may enter could not be read: %s", err)
            else:
                await self._db(self._store.update_sync_state, admissible=admissible)
        self._note_clock(report)

    async def _build_search_index(self) -> int:
        """Index for search the guests a first download left out, in short write transactions.

        Each step holds the write lock for about WRITE_BUDGET_S, like a pull's writes, so a scan waits
        no longer than during the download; between steps the event loop runs. How many were indexed.
        """
        if not await self._db(self._store.search_index_pending):
            return 0
        size, indexed, complete = SEARCH_FIRST_ROWS, 0, False
        while not complete:
            began = time.perf_counter()
            done, complete = await self._db(self._store.build_search_step, size)
            took = time.perf_counter() - began
            indexed += done
            if done and took > 0:
                size = max(SEARCH_MIN_ROWS, min(SEARCH_MAX_ROWS, int(done * WRITE_BUDGET_S / took), 2 * size))
        return indexed

    def _note_clock(self, report: SyncReport) -> None:
        sample = self._connector.last_clock_sample
        if sample is None:
            return
        report.clock_offset = sample.offset_seconds
        if abs(sample.offset_seconds) > CLOCK_WARNING_SECONDS:
            note = f"This station's clock is {abs(sample.offset_seconds):.0f} s off the server's"
            if note not in report.notes:
                report.notes.append(note)


class _PullWriter:
    """Lands pulled pages in the mirror in order, one write in flight while the next page is parsed.

    Parsing holds the GIL on the event loop's thread; a write spends most of its time inside SQLite
    without it, so the two share the machine's cores. The rows are made here, on the loop's thread, as
    pages arrive (PreparedPage), so the writer thread hardly needs the GIL at all. Pages are cut into
    write transactions of `size` rows; the last carries the cursor, which so moves only once all landed.
    """

    def __init__(self, sync: Sync, report: SyncReport, bulk: bool, listing: int | None = None) -> None:
        self._sync = sync
        self._report = report
        self._bulk = bulk
        # The generation of the full listing this pull is, if it is one (see Store.begin_listing).
        self._listing = listing
        self._badge_field = sync._store.badge_field
        self.size = BULK_WRITE_ROWS if bulk else FIRST_WRITE_ROWS
        self._pending = PreparedPage(self._badge_field)
        self._guests: list[Guest] = []
        self._received = 0
        self._marks: deque[tuple[int, int | None]] = deque()
        self._writing: asyncio.Future[None] | None = None

    async def add(self, page: PullPage) -> None:
        # The cursor is the last page's and moves with its rows; a last page without one (a connector's
        # bug) ends the pull without moving it, so the next round lists everything again.
        cursor = (page.cursor, page.server_time) if page.last and page.cursor is not None else None
        if self._bulk:
            await self._prepare(self._pending, page.guests)
            if self._pending.received >= self.size or page.last:
                full, self._pending = self._pending, PreparedPage(self._badge_field)
                await self._submit(full, cursor)
        else:
            self._guests.extend(page.guests)
            while len(self._guests) > self.size:
                head, self._guests = self._guests[: self.size], self._guests[self.size :]
                await self._submit(await self._prepared(head), None)
            if page.last:
                rest, self._guests = self._guests, []
                await self._submit(await self._prepared(rest), cursor)
        # Progress is told page by page, as before, once the write holding the page's last row is done.
        self._received += len(page.guests)
        self._marks.append((self._received, page.expected_count))
        if page.last:
            await self._wait()

    async def _prepare(self, into: PreparedPage, guests: list[Guest]) -> None:
        """Make the rows a slice at a time, letting the event loop (the window) run in between."""
        for start in range(0, len(guests), PREPARE_SLICE):
            into.add(guests[start : start + PREPARE_SLICE])
            await asyncio.sleep(0)

    async def _prepared(self, guests: list[Guest]) -> PreparedPage:
        page = PreparedPage(self._badge_field)
        await self._prepare(page, guests)
        return page

    async def _submit(self, guests: PreparedPage, cursor: tuple[str, datetime | None] | None) -> None:
        await self._wait()
        self._writing = asyncio.ensure_future(self._write(guests, cursor))

    async def _write(self, guests: PreparedPage, cursor: tuple[str, datetime | None] | None) -> None:
        # The last write of a full listing completes it (the sweep), unless a record could not be read:
        # that attendee would be swept although the server still lists them.
        listing = (
            {}
            if self._listing is None
            else {"listing": self._listing, "last": cursor is not None and not self._report.malformed}
        )
        moved = {} if cursor is None else {"cursor": cursor[0], "listed_at": cursor[1]}
        # Into an empty mirror, the search index waits: the door can scan once the rows are in (Sync
        # builds the index right after the pull).
        took = await self._sync._db(_timed, self._sync._store.apply_pull_page, guests, **moved, **listing,
                                    defer_search=self._bulk)
        if not self._bulk and len(guests) and took > 0:
            # Aim the next transaction at the budget; a scan waits at most about one transaction.
            wanted = int(len(guests) * WRITE_BUDGET_S / took)
            self.size = max(MIN_WRITE_ROWS, min(MAX_WRITE_ROWS, wanted, 2 * self.size))
        self._report.pulled += guests.received
        while self._marks and self._marks[0][0] <= self._report.pulled:
            received, expected = self._marks.popleft()
            if self._sync._on_progress is not None:
                self._sync._on_progress(received, expected)

    async def _wait(self) -> None:
        writing, self._writing = self._writing, None
        if writing is not None:
            await writing

    async def settle(self) -> None:
        """After a failure or cancellation: let the write in flight finish before the round ends, so
        the next round never finds the store in use."""
        writing, self._writing = self._writing, None
        if writing is not None and not writing.done():
            await asyncio.wait({writing})
        if writing is not None and not writing.cancelled() and writing.exception() is not None:
            # The round fails for the reason that brought it here; this one would only hide it.
            log.warning("a pulled page was not written either: %s", writing.exception())


def _timed(apply: Callable[..., object], guests: PreparedPage, **options: Any) -> float:
    """Run on the writer's thread: the write, and how long it took there (not counting the hand-over)."""
    began = time.perf_counter()
    apply(guests, **options)
    return time.perf_counter() - began


def clock_warning(offset_seconds: float) -> str | None:
    """One line for staff when the station clock is far from the server's, else None."""
    if abs(offset_seconds) <= CLOCK_WARNING_SECONDS:
        return None
    minutes = f"{abs(offset_seconds) / 60:.0f}"
    if offset_seconds > 0:
        return QT_TRANSLATE_NOOP(
            "Sync",
            "This station's clock is {minutes} min behind the server; check-in times are "
            "corrected, but please fix the clock.",
        ).format(minutes=minutes)
    return QT_TRANSLATE_NOOP(
        "Sync",
        "This station's clock is {minutes} min ahead of the server; check-in times are "
        "corrected, but please fix the clock.",
    ).format(minutes=minutes)
