"""The sync service: push the queue, then pull what changed since the server's last dateTime."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kiosk.domain.models import Change, ChangeOutcome, Guest, PushResult
from kiosk.domain.timeutil import utcnow
from kiosk.remote.base import AuthRefused, Connector, Misconfigured, ProtocolError, RemoteError, RetryLater
from kiosk.storage import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
# Storage calls from here run in a worker thread so a Qt loop never waits on a bulk write.
Offload = Callable[..., Awaitable[Any]]

CLOCK_WARNING_SECONDS = 120.0


@dataclass
class SyncReport:
    """What one sync round did; `error` is one line for staff when it did not complete."""

    pushed: int = 0
    applied: int = 0
    conflicts: int = 0
    dropped: int = 0
    pulled: int = 0
    malformed: int = 0
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
        offload: Offload = asyncio.to_thread,
        on_progress: Progress | None = None,
    ) -> None:
        self._store = store
        self._connector = connector
        self._offload = offload
        self._on_progress = on_progress
        self._lock = asyncio.Lock()

    async def _db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        result: T = await self._offload(fn, *args, **kwargs)
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
                report.error, report.retry_after = f"Server unreachable: {err}", err.retry_after
            except (AuthRefused, Misconfigured) as err:
                report.error, report.permanent = str(err), True
            except ProtocolError as err:
                log.error("server and kiosk disagree on the protocol: %s", err)
                report.error = f"Server answered something unexpected: {err}"
            except RemoteError as err:
                report.error = f"Sync failed: {err}"
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
            batch = await self._db(self._store.queued_changes, self._connector.max_batch)
            if not batch:
                return
            answer = await self._connector.push(batch)
            report.pushed += len(batch)
            self._note_clock(report)
            await self._finish(batch, answer.results, report)

    async def _finish(self, batch: list[Change], results: list[PushResult], report: SyncReport) -> None:
        done: list[str] = []
        conflicts: list[tuple[str, Guest | None]] = []
        dropped: list[tuple[str, str]] = []
        server_guests: list[Guest] = []
        for change, result in zip(batch, results, strict=True):
            if result.guest is not None:
                server_guests.append(result.guest)
            if result.outcome is ChangeOutcome.APPLIED:
                done.append(change.change_id)
            elif result.outcome is ChangeOutcome.SUPERSEDED:
                if await self._superseded_by_self(change, result.guest):
                    # A resend after a lost answer: the stored state is this station's own later change.
                    done.append(change.change_id)
                else:
                    conflicts.append((change.change_id, result.guest))
            else:
                log.warning("change %s dropped: guest %s unknown to the server (%s)",
                            change.change_id, change.guest_id, result.message)
                dropped.append((change.change_id, result.message or "Guest not known."))
        await self._db(self._store.finish_changes, done=done, conflicts=conflicts, dropped=dropped,
                       server_guests=server_guests)
        report.applied += len(done)
        report.conflicts += len(conflicts)
        report.dropped += len(dropped)

    async def _superseded_by_self(self, change: Change, winner: Guest | None) -> bool:
        if winner is None or winner.client_update is None:
            return False
        mine = await self._db(self._store.local_changes_for, change.guest_id, 200)
        return any(c.client_update == winner.client_update and c.station == change.station for c in mine)

    async def _pull(self, report: SyncReport) -> None:
        state = await self._db(self._store.sync_state)
        report.full = state.cursor is None
        async for page in self._connector.pull(state.cursor):
            for line in page.malformed:
                log.warning("skipped a malformed guest record: %s", line)
            report.malformed += len(page.malformed)
            cursor = page.server_time if page.last else None
            await self._db(self._store.apply_pull_page, page.guests, cursor=cursor)
            report.pulled += len(page.guests)
            if self._on_progress is not None:
                self._on_progress(report.pulled, page.expected_count)
        self._note_clock(report)

    def _note_clock(self, report: SyncReport) -> None:
        sample = self._connector.last_clock_sample
        if sample is None:
            return
        report.clock_offset = sample.offset_seconds
        if abs(sample.offset_seconds) > CLOCK_WARNING_SECONDS:
            note = f"This station's clock is {abs(sample.offset_seconds):.0f} s off the server's"
            if note not in report.notes:
                report.notes.append(note)


def clock_warning(offset_seconds: float) -> str | None:
    """One line for staff when the station clock is far from the server's, else None."""
    if abs(offset_seconds) <= CLOCK_WARNING_SECONDS:
        return None
    direction = "behind" if offset_seconds > 0 else "ahead of"
    return (f"This station's clock is {abs(offset_seconds) / 60:.0f} min {direction} the server; "
            "check-in times are corrected, but please fix the clock.")
