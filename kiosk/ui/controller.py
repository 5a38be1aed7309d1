"""The window's owner of a station's services: scans answered on the UI thread, sync in the background.

Two Stores share the mirror file. The UI thread's Store serves scans, searches and status: each call is
a short read or one small transaction. Sync gets its own Store, and every call on it runs in one
dedicated worker thread (a one-thread executor rather than `asyncio.to_thread`'s pool), so bulk writes
never run on the Qt thread, the Store is only ever used by one thread at a time, and closing it after a
cancelled round queues behind whatever write that round still had in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.domain import Guest, Mode, VerdictKind, normalise_code
from kiosk.domain.codes import is_plausible_code
from kiosk.domain.text import QT_TRANSLATE_NOOP
from kiosk.domain.timeutil import utcnow
from kiosk.platforms.base import Choice, ServesSessions
from kiosk.services.badges import BadgeJobs, PrintOutcome, Send
from kiosk.services.checkin import ScanOutcome
from kiosk.services.desk import StatusSnapshot
from kiosk.services.export import event_zone, export_attendance
from kiosk.services.station import Station
from kiosk.services.statistics import Statistics, statistics
from kiosk.services.sync import SyncReport
from kiosk.services.sync_loop import SyncLoop
from kiosk.storage import Store, StoreError
from kiosk.storage.config import save_config
from kiosk.ui.i18n import COUNTED, clock, translate, translated

log = logging.getLogger(__name__)

T = TypeVar("T")
# How the print log's states and requesters read in the staff detail.
PRINT_STATES = {
    "printed": QT_TRANSLATE_NOOP("Controller", "printed"),
    "failed": QT_TRANSLATE_NOOP("Controller", "failed"),
    "dropped": QT_TRANSLATE_NOOP("Controller", "dropped"),
    "sending": QT_TRANSLATE_NOOP("Controller", "sending"),
}
PRINTED_BY = {
    "auto": QT_TRANSLATE_NOOP("Controller", "auto"),
    "staff": QT_TRANSLATE_NOOP("Controller", "staff"),
    "badge station": QT_TRANSLATE_NOOP("Controller", "badge station"),
    "cli": QT_TRANSLATE_NOOP("Controller", "command line"),
}

# How long `stop()` lets a running round finish (an upload in flight) before cancelling it.
STOP_GRACE_S = 3.0
# The per-second clock tick re-reads the counts this often, to notice another process's writes.
FULL_REFRESH_TICKS = 10


def parse_mode(value: object) -> Mode | None:
    try:
        return Mode(str(value))
    except ValueError:
        return None


class StationController(QObject):
    """Scans, manual actions, mode and background sync of one station, as Qt signals for the window."""

    outcome = Signal(object)  # ScanOutcome
    status_changed = Signal(object)  # StatusSnapshot
    sync_progress = Signal(int, int)  # rows received, rows expected (0: not known)
    mode_changed = Signal(str)
    synced = Signal(object)  # SyncReport, after every round
    problem = Signal(str)  # one line for staff when something could not be done
    scan_not_saved = Signal(str)  # a scan failed to save (e.g. a full disk): the door must show it too
    # Badges: the amber notice ("" once no badge waits for staff; in full and short), a badge that reached
    # the printer (the guest's name), the badge station's answer to a scan (scheme, headline, detail).
    badge_notice = Signal(str, str)  # in full (the tooltip), and short enough for the status bar
    badge_printed = Signal(str)
    badge_station_answer = Signal(str, str, str)
    _badges_done = Signal()  # raised on the print thread; queued onto the Qt thread

    def __init__(
        self,
        station: Station,
        *,
        clock: Callable[[], datetime] = utcnow,
        status_interval_ms: int = 1000,
        badge_send: Send | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.station = station
        config = station.config
        if badge_send is None:
            from kiosk.badges.printing import badge_sender

            badge_send = badge_sender(config.event_name or config.event_id)
        self.badges = BadgeJobs(station.store, config.station, badge_send, printer=config.printer,
                                size=config.badge_size, auto_print=config.auto_print, notify=self._badges_done.emit)
        self._badges_done.connect(self.collect_badges)
        with contextlib.suppress(StoreError):
            self.badges.recover()
        self._clock = clock
        self.checkin = station.make_checkin(clock=clock, on_queued=self._on_queued)
        self.desk = station.desk
        self._mode = parse_mode(station.config.mode) or Mode.CHECK_IN
        self._snapshot: StatusSnapshot | None = None
        self.last_report: SyncReport | None = None
        self._ticks = 0
        self._full_pull = False
        self._sync_loop: SyncLoop | None = None
        self._task: asyncio.Future[None] | None = None
        self._sync_store: Store | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(status_interval_ms)
        self._clock_timer.timeout.connect(self._tick)
        # Scans can come in bursts; the counts are read once after them, not once per scan.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(30)
        self._refresh_timer.timeout.connect(self.refresh_status)

    # --- state

    @property
    def mode(self) -> Mode:
        return self._mode

    @property
    def event_name(self) -> str:
        config = self.station.config
        return config.event_name or config.event_id

    @property
    def serves_sessions(self) -> bool:
        """Whether this door serves one session of the event (Conferences i/o), which staff may switch."""
        return isinstance(self.station.connector, ServesSessions)

    async def session_choices(self) -> list[Choice]:
        """The platform's sessions for staff to pick from; [] on a platform without sessions."""
        connector = self.station.connector
        return await connector.session_choices() if isinstance(connector, ServesSessions) else []

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def downloading_all(self) -> bool:
        """True while the mirror has never completed a full download (the first sync is running)."""
        return self._full_pull

    @property
    def snapshot(self) -> StatusSnapshot | None:
        return self._snapshot

    # --- acts of the door and of staff

    def handle_scan(self, code: str) -> ScanOutcome | None:
        """Decide a scanned code in the current mode; the verdict is durable before `outcome` fires."""
        if self.station.config.badge_station:
            self._badge_station_scan(code)
            return None
        return self._act(
            lambda: self.checkin.scan(code, self._mode),
            QT_TRANSLATE_NOOP("Controller", "This scan could not be saved"),
            at_the_door=True,
        )

    def act_on_guest(self, guest_id: str, mode: str | Mode, *, emit: bool = True) -> ScanOutcome | None:
        """A manual check-in/out (staff search, companion prompt); `emit=False` keeps the screen as is."""
        chosen = parse_mode(mode)
        if chosen is None:
            self.problem.emit(translate("Controller", "Unknown mode {mode}.").format(mode=repr(mode)))
            return None
        return self._act(
            lambda: self.checkin.act_on_guest(guest_id, chosen),
            QT_TRANSLATE_NOOP("Controller", "This could not be saved"),
            emit=emit,
        )

    def undo_last(self) -> ScanOutcome | None:
        return self._act(self.checkin.undo_last, QT_TRANSLATE_NOOP("Controller", "The undo could not be saved"))

    def record_companions(self, guest_id: str, count: int) -> bool:
        """The door's answer to "how many came with them?"; False (and one line for staff) if not kept."""
        try:
            self.checkin.record_companions(guest_id, count)
        except (StoreError, ValueError) as err:
            log.error("companions not recorded: %s", err)
            self.problem.emit(
                translate("Controller", "The companions could not be recorded: {error}").format(error=err)
            )
            return False
        self._refresh_timer.start()
        return True

    async def export_attendance(self, path: Path) -> int | None:
        """The attendance CSV (kiosk.services.export), written on a worker thread with its own connection so
        that scans go on meanwhile; how many attendees, or None (and one line for staff) if it failed."""
        zone = self._event_zone()

        def write() -> int:
            with self.station.open_store() as store:
                return export_attendance(store, path, zone)

        try:
            written = await asyncio.to_thread(write)
        except (OSError, StoreError) as err:
            log.error("attendance export failed: %s", err)
            self.problem.emit(
                translate("Controller", "The attendance list could not be written to {path}: {error}").format(
                    path=path, error=err
                )
            )
            return None
        log.info("attendance export: %d attendee(s) written to %s", written, path)
        return written

    async def statistics(self) -> Statistics | None:
        """The door manager's figures, read on a worker thread with its own connection (a big mirror takes
        a few hundred ms); None, and one line for staff, when the mirror cannot be read."""
        zone = self._event_zone()

        def read() -> Statistics:
            with self.station.open_store() as store:
                return statistics(store, zone)

        try:
            return await asyncio.to_thread(read)
        except StoreError as err:
            self.problem.emit(f"The statistics could not be read: {err}")
            return None

    def _event_zone(self) -> tzinfo:
        return event_zone(None, self.station.config.event_time_zone)

    def statistics_now(self) -> Statistics | None:
        """The same figures read on this thread, from the window's own connection."""
        try:
            return statistics(self.station.store, self._event_zone())
        except StoreError as err:
            self.problem.emit(f"The statistics could not be read: {err}")
            return None

    def _act(
        self, call: Callable[[], ScanOutcome | None], failure: str, *, emit: bool = True, at_the_door: bool = False
    ) -> ScanOutcome | None:
        try:
            outcome = call()
        except StoreError as err:
            # Nothing was committed, so nothing is lost: staff see one line, the guest scans again.
            log.error("%s: %s", failure, err)
            self.problem.emit(
                translate("Controller", "{failure}: {error}. Please try again.").format(
                    failure=translated(failure), error=err
                )
            )
            if at_the_door:
                self.scan_not_saved.emit(str(err))
            return None
        if outcome is not None and emit:
            self.outcome.emit(outcome)
        if outcome is not None and outcome.verdict.kind is VerdictKind.ADMITTED and outcome.verdict.guest is not None:
            # After the verdict is on screen: the badge only queues here, the print thread does the rest.
            self._print_badge(outcome.verdict.guest, auto=True)
        self._refresh_timer.start()
        return outcome

    # --- badges

    def reprint(self, guest_id: str) -> bool:
        """Staff asked for the guest's badge (again); False, and one line, if it could not be queued."""
        guest = self.station.store.get_guest(guest_id)
        return guest is not None and self._print_badge(guest, auto=False)

    def retry_badges(self) -> int:
        """Send every failed badge again; how many were sent."""
        sent = sum(self.badges.retry(job.id) for job in self.badges.failed())
        self._tell_badges()
        return sent

    def drop_badges(self) -> int:
        """Give up on every failed badge (each stays in the print log as dropped); how many."""
        failed = self.badges.failed()
        for job in failed:
            self.badges.drop(job.id)
        self._tell_badges()
        return len(failed)

    def print_summary(self, guest_id: str) -> str:
        """The guest's badges from the print log in one line, for the staff detail."""
        jobs = self.station.store.print_log(20, guest_id=guest_id)
        if not jobs:
            return ""
        printed = [j for j in jobs if j.state == "printed"]
        last = jobs[0]
        text = translate("Controller", "Badges printed: {count}").format(count=len(printed))
        if reprints := sum(j.reprint for j in printed):
            text += f" ({COUNTED.reprints(reprints)})"
        state = translated(PRINT_STATES.get(last.state, last.state))
        by = translated(PRINTED_BY.get(last.by, last.by))
        return text + translate("Controller", "; last {state} {time} at {station} ({by})").format(
            state=state, time=clock(last.at), station=last.station, by=by
        )

    def set_badge_settings(self, *, printer: str, size: str, auto_print: bool, badge_station: bool) -> None:
        """Staff's print settings: used from the next badge on and kept in the station's config."""
        self.station.config = replace(
            self.station.config, printer=printer, badge_size=size, auto_print=auto_print, badge_station=badge_station
        )
        self.badges.printer, self.badges.size, self.badges.auto_print = printer, size, auto_print
        try:
            save_config(self.station.data_dir, self.station.config)
        except OSError as err:
            log.warning("the print settings are used but could not be saved: %s", err)
            self.problem.emit(
                translate("Controller", "The print settings could not be saved: {error}").format(error=err)
            )

    def collect_badges(self) -> list[PrintOutcome]:
        """Finish the jobs the print thread is done with in the print log, and tell the window."""
        try:
            outcomes = self.badges.collect()
        except StoreError as err:
            log.error("the print log could not be written: %s", err)
            return []
        for outcome in outcomes:
            if outcome.ok:
                self.badge_printed.emit(outcome.name)
        self._tell_badges()
        return outcomes

    def _print_badge(self, guest: Guest, *, auto: bool, by: str = "staff") -> bool:
        try:
            if auto:
                self.badges.on_admitted(guest)
            else:
                self.badges.request(guest, by=by)
        except StoreError as err:
            log.error("badge not queued: %s", err)
            self.problem.emit(translate("Controller", "The badge could not be queued: {error}").format(error=err))
            return False
        return True

    def _badge_station_scan(self, code: str) -> None:
        # A self-service badge table: the code finds the guest, the badge prints, nothing is checked in.
        key = normalise_code(code)
        guest = self.station.store.find_guest(key) if is_plausible_code(key) else None
        if guest is None or guest.deleted is not None or not guest.admission.may_enter:
            self.badge_station_answer.emit(
                "red",
                translate("Controller", "No badge for this code"),
                translate("Controller", "Please ask at the desk: this code is not on the guest list."),
            )
            return
        if self._print_badge(guest, auto=False, by="badge station"):
            self.badge_station_answer.emit(
                "green", translate("Controller", "Your badge is printing"), guest.display_name
            )

    def _tell_badges(self) -> None:
        failed = self.badges.failed()
        if not failed:
            self.badge_notice.emit("", "")
            return
        newest = failed[0]
        guest = self.station.store.get_guest(newest.guest_id)
        name = guest.display_name if guest is not None else newest.code
        more = (
            translate("Controller", " ({count} badges wait: retry or drop them in the staff tools)").format(
                count=len(failed)
            )
            if len(failed) > 1
            else translate("Controller", " (retry or drop it in the staff tools)")
        )
        error = translated(newest.error or "")
        self.badge_notice.emit(
            translate("Controller", "⚠ Badge of {name} not printed: {error}").format(name=name, error=error) + more,
            translate("Controller", "⚠ Badge not printed: {reason}").format(reason=_short_reason(error)),
        )

    def switch_language(self) -> str:
        """Staff's language setting, German or English, kept in the station's config; the window changes
        language at its next start (every widget is made once, in the language it started in)."""
        language = "en" if self.station.config.language == "de" else "de"
        self.station.config = replace(self.station.config, language=language)
        try:
            save_config(self.station.data_dir, self.station.config)
        except OSError as err:
            log.warning("the language could not be saved: %s", err)
            self.problem.emit(translate("Controller", "The language could not be saved: {error}").format(error=err))
        return language

    def set_mode(self, mode: str | Mode) -> bool:
        """Switch check-in / check-out / toggle; remembered in the station's config for the next start."""
        chosen = parse_mode(mode)
        if chosen is None:
            self.problem.emit(
                translate("Controller", "Unknown mode {mode}: choose check-in, check-out or toggle.").format(
                    mode=repr(mode)
                )
            )
            return False
        if chosen is self._mode:
            return True
        self._mode = chosen
        self.station.config = replace(self.station.config, mode=chosen.value)
        try:
            save_config(self.station.data_dir, self.station.config)
        except OSError as err:
            log.warning("the new mode is used but could not be saved: %s", err)
        self.mode_changed.emit(chosen.value)
        self.refresh_status()
        return True

    # --- status

    def refresh_status(self) -> StatusSnapshot | None:
        try:
            snapshot = self.desk.status(now=self._clock())
        except StoreError as err:
            log.warning("status could not be read: %s", err)
            return self._snapshot
        self._snapshot = snapshot
        self.status_changed.emit(snapshot)
        return snapshot

    def _tick(self) -> None:
        self._ticks += 1
        snapshot = self._snapshot
        if snapshot is None or self._ticks % FULL_REFRESH_TICKS == 0:
            self.refresh_status()
            return
        if snapshot.last_sync is not None:
            since = (self._clock() - snapshot.last_sync).total_seconds()
            snapshot = replace(snapshot, seconds_since_sync=since)
        self._snapshot = snapshot
        self.status_changed.emit(snapshot)

    # --- background sync

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Start background sync on the running (qasync) loop, and the status clock."""
        if self._task is not None:
            return
        loop = loop or asyncio.get_event_loop_policy().get_event_loop()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-sync-db")
        self._sync_store = self.station.open_store()
        sync = self.station.make_sync(self._sync_store, offload=self._offload, on_progress=self._on_progress)
        self._sync_loop = self.station.make_sync_loop(sync, on_report=self._on_report)
        self._full_pull = self.station.store.sync_state().cursor is None
        self._task = loop.create_task(self._sync_loop.run())
        self._clock_timer.start()
        self.refresh_status()
        self._tell_badges()  # a badge that failed before the window last closed still waits for staff

    def sync_now(self) -> None:
        """Staff asked for a round now (e.g. the network is back): skip any back-off wait."""
        if self._sync_loop is not None:
            self._sync_loop.pull_now()

    def halt_timers(self) -> None:
        """No more status reads (the window closed); `stop()` does this too."""
        self._clock_timer.stop()
        self._refresh_timer.stop()

    async def stop(self) -> None:
        """Stop background sync: a round in flight gets a short grace, then is cancelled; safe twice."""
        self.halt_timers()
        # A badge being sent finishes on its thread; its log row stays `sending` if the window closes first.
        self.badges.close(wait=False)
        sync_loop, task = self._sync_loop, self._task
        self._sync_loop = self._task = None
        if sync_loop is not None:
            sync_loop.stop()
        if task is not None:
            done, _ = await asyncio.wait({task}, timeout=STOP_GRACE_S)
            if not done:
                task.cancel()
                await asyncio.wait({task})
            if not task.cancelled() and task.exception() is not None:
                log.error("background sync ended with an error", exc_info=task.exception())
        store, executor = self._sync_store, self._executor
        self._sync_store = self._executor = None
        if store is not None and executor is not None:
            await asyncio.get_running_loop().run_in_executor(executor, store.close)
        if executor is not None:
            executor.shutdown(wait=False)

    async def _offload(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    def _on_queued(self) -> None:
        if self._sync_loop is not None:
            self._sync_loop.kick()

    def _on_progress(self, received: int, expected: int | None) -> None:
        if self._full_pull:
            self.sync_progress.emit(received, expected or 0)

    def _on_report(self, report: SyncReport) -> None:
        self.last_report = report
        with contextlib.suppress(StoreError):
            self._full_pull = self.station.store.sync_state().cursor is None
        if not report.ok:
            log.info("sync round did not complete: %s", report.error)
        self.synced.emit(report)
        self.refresh_status()


def _short_reason(error: str) -> str:
    """A few words for the status bar from kiosk.badges.printing's one-line reasons (the tooltip has it all)."""
    if "is stopped" in error:
        return "printer stopped"
    if "not there" in error or "no printer" in error:
        return "no printer"
    return "printer refused it"
