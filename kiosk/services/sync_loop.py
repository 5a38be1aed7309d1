"""Background sync: pull every interval, push soon after each scan, back off with jitter while offline."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
from collections.abc import Callable

from kiosk.services.sync import Sync, SyncReport
from kiosk.storage.config import PULL_INTERVAL_MAX_S, PULL_INTERVAL_MIN_S

log = logging.getLogger(__name__)


def backoff_delay(failures: int, base: float, ceiling: float, rand: Callable[[], float]) -> float:
    """Exponential back-off with +-25 % jitter, so stations that lost the network together do not
    all come back in the same second."""
    raw = min(ceiling, base * (2 ** max(0, failures - 1)))
    return raw * (0.75 + rand() * 0.5)


def bounded_interval(interval: float, floor: float, ceiling: float = PULL_INTERVAL_MAX_S) -> float:
    """The pull interval kept within [floor, ceiling] whatever a hand-edited config says (0, -5, nan, inf)."""
    if math.isnan(interval):
        return floor
    return min(max(interval, floor), ceiling)


class SyncLoop:
    """Runs `Sync` rounds until stopped; `kick()` asks for an upload as soon as possible."""

    def __init__(
        self,
        sync: Sync,
        interval: float,
        *,
        on_report: Callable[[SyncReport], None] | None = None,
        max_backoff: float = 60.0,
        rand: Callable[[], float] = random.random,
        min_interval: float = PULL_INTERVAL_MIN_S,
    ) -> None:
        self._sync = sync
        # Without a floor, an interval of 0 pulls as fast as the server answers and a dead server is
        # retried hundreds of times a second; the first retry waits at least this long too.
        self.interval = bounded_interval(interval, min_interval)
        self._on_report = on_report
        self._max_backoff = max_backoff
        self._rand = rand
        self._wake = asyncio.Event()
        self._stopping = False
        self._push_only = False
        self.failures = 0

    def kick(self) -> None:
        """A change was queued: upload it now, unless the server is known to be down (then wait)."""
        if self.failures == 0:
            self._push_only = True
            self._wake.set()

    def pull_now(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        last_pull = -float("inf")
        while not self._stopping:
            # Cleared before the round, so a kick that arrives during it is not lost.
            self._wake.clear()
            # A busy door kicks every few seconds; the mirror must still be refreshed each interval.
            due = loop.time() - last_pull >= self.interval
            push_only, self._push_only = self._push_only and not due, False
            try:
                report = await self._sync.run_once(pull=not push_only)
            except Exception as err:  # a bug must not end background sync for the rest of the event
                log.exception("sync round failed unexpectedly")
                report = SyncReport(error=f"Sync failed unexpectedly: {err}")
            self.failures = 0 if report.ok else self.failures + 1
            if report.ok and not push_only:
                last_pull = loop.time()
            if self._on_report is not None:
                self._on_report(report)
            delay = max(0.0, self.interval - (loop.time() - last_pull))
            if not report.ok:
                delay = backoff_delay(self.failures, min(self.interval, 2.0), self._max_backoff, self._rand)
                if report.retry_after is not None:
                    delay = max(delay, report.retry_after)
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
