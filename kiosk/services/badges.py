"""Badge jobs of a station: logged, sent on one worker thread, finished in the print log by their owner.

No Qt here: the sending itself is a function handed in (kiosk.badges.printing at the door, a fake in
tests). The worker thread only sends; every write to the print log happens on the thread that owns the
Store, when it calls `collect()` (the window does on a signal the `notify` callback raises).
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from kiosk.domain.models import Guest
from kiosk.storage import PrintRecord, Store

log = logging.getLogger(__name__)

# Sends one guest's badge to `printer` in `size`; raises with a one-line message when it did not get there.
Send = Callable[[Guest, str, str], None]


@dataclass(frozen=True)
class PrintOutcome:
    job_id: int
    guest_id: str
    name: str
    error: str | None  # None: the badge reached the print system

    @property
    def ok(self) -> bool:
        return self.error is None


class BadgeJobs:
    """Asks for badges (auto on first admission, staff reprints, retries) without waiting for a printer."""

    def __init__(self, store: Store, station: str, send: Send, *, printer: str, size: str,
                 auto_print: bool = False, notify: Callable[[], None] | None = None) -> None:
        self._store = store
        self._station = station
        self._send = send
        self.printer = printer
        self.size = size
        self.auto_print = auto_print
        self._notify = notify
        self._done: queue.SimpleQueue[PrintOutcome] = queue.SimpleQueue()
        # One thread: jobs reach the printer in the order they were asked for, one at a time.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-badge-print")

    def recover(self) -> int:
        """At start: jobs this station left `sending` when it last closed are failed, for staff to retry or drop.

        Whether such a badge reached the printer is not known; printing it again is staff's call, not the door's."""
        return self._store.fail_unfinished_prints(self._station, "not known whether it printed: the station "
                                                  "closed while it was being sent")

    def on_admitted(self, guest: Guest) -> int | None:
        """The door admitted the guest: their first badge, if auto-print is on and they have none yet."""
        if not self.auto_print or self._store.has_badge(guest.id):
            return None
        return self.request(guest, by="auto")

    def request(self, guest: Guest, *, by: str) -> int:
        """Log a job (a reprint if the guest has a badge already) and send it; returns its id at once."""
        job = self._store.log_print(guest.id, guest.access_code or guest.id, self._station, by, self.printer,
                                    self.size)
        self._submit(job, guest)
        return job

    def retry(self, job_id: int) -> bool:
        """Send a failed job again (one attempt more); False if it is no longer failed or its guest is gone."""
        record = self._store.print_job(job_id)
        guest = self._store.get_guest(record.guest_id) if record is not None else None
        if guest is None or not self._store.retry_print(job_id):
            return False
        self._submit(job_id, guest)
        return True

    def drop(self, job_id: int) -> None:
        """Staff gave up on a failed job: it stays in the log as dropped."""
        self._store.finish_print(job_id, "dropped")

    def failed(self) -> list[PrintRecord]:
        return self._store.print_log(100, state="failed")

    def collect(self) -> list[PrintOutcome]:
        """Write the jobs finished since the last call into the print log; call on the Store's thread."""
        outcomes: list[PrintOutcome] = []
        while True:
            try:
                outcome = self._done.get_nowait()
            except queue.Empty:
                return outcomes
            self._store.finish_print(outcome.job_id, "printed" if outcome.ok else "failed", outcome.error)
            outcomes.append(outcome)

    def close(self, wait: bool = True) -> None:
        self._executor.shutdown(wait=wait)

    def _submit(self, job_id: int, guest: Guest) -> None:
        printer, size = self.printer, self.size
        self._executor.submit(self._run, job_id, guest, printer, size)

    def _run(self, job_id: int, guest: Guest, printer: str, size: str) -> None:
        try:
            self._send(guest, printer, size)
            error = None
        except Exception as err:  # any failure is the printer's, never the door's: the notice says it
            error = str(err) or type(err).__name__
            log.warning("badge job %d for %s failed: %s", job_id, guest.id, error)
        self._done.put(PrintOutcome(job_id, guest.id, guest.display_name, error))
        if self._notify is not None:
            self._notify()
