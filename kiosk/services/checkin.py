"""The check-in service: scan -> verdict -> durable queue, decided locally, never waiting on the network."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from kiosk.domain import Change, Guest, Mode, Verdict, VerdictKind, decide, normalise_code
from kiosk.domain.codes import is_plausible_code, readable_code
from kiosk.domain.models import Admission, ChangeKind
from kiosk.domain.timeutil import corrected, utcnow
from kiosk.storage import ScanRecord, Store

log = logging.getLogger(__name__)

# Two changes this station makes for one guest must differ in time, or the server's
# last-writer-wins could not order them.
_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class ScanOutcome:
    """What the door shows: the verdict, the change queued for it (if any) and companions to offer."""

    code: str
    verdict: Verdict
    change: Change | None
    companions: list[Guest] = field(default_factory=list)
    # The code as scanned (case kept, control characters dropped), for the screen; `code` is the lookup key.
    scanned: str = ""
    # Admitted with companions the registration only counts (no records): the door asks how many came.
    counted_companions: int = 0

    @property
    def queued(self) -> bool:
        return self.change is not None

    @property
    def kind(self) -> VerdictKind:
        return self.verdict.kind

    @property
    def message(self) -> str:
        return self.verdict.message


class CheckIn:
    """Decides scans and manual actions from the mirror plus this station's queue."""

    def __init__(
        self,
        store: Store,
        station: str,
        *,
        clock: Callable[[], datetime] = utcnow,
        on_queued: Callable[[], None] | None = None,
    ) -> None:
        self._store = store
        self.station = station
        self._clock = clock
        # Called after a change is committed, e.g. to start an upload at once when online.
        self._on_queued = on_queued

    def scan(self, raw_code: object, mode: Mode) -> ScanOutcome:
        """Decide one scanned code; the change and the scan log row are committed before this returns."""
        code = normalise_code(raw_code)
        guest = self._store.find_guest(code) if is_plausible_code(code) else None
        return self._decide_and_record(code, guest, mode, scanned=readable_code(raw_code))

    def act_on_guest(self, guest_id: str, mode: Mode) -> ScanOutcome:
        """A manual check-in or check-out picked from a search result or a companion prompt."""
        guest = self._store.get_guest(guest_id)
        return self._decide_and_record(f"id:{guest_id}"[:128], guest, mode, manual=True)

    def admit_unconfirmed(self, guest_id: str) -> ScanOutcome:
        """Staff admit a guest whose registration is not confirmed (their one confirmation is the caller's).

        Only that refusal can be overridden: cancelled, deregistered or removed stay out. The check-in is
        queued like a manual one, and the scan log records it as a staff override at this station.
        ValueError (one line, nothing written) for a guest who is not an unconfirmed one.
        """
        guest = self._store.get_guest(guest_id)
        if guest is None or guest.deleted is not None or guest.admission is not Admission.NOT_CONFIRMED:
            raise ValueError("Only a guest whose registration is not confirmed can be admitted by a staff override.")
        return self._decide_and_record(f"override:{guest_id}"[:128], replace(guest, admission=Admission.ADMISSIBLE),
                                       Mode.CHECK_IN, manual=True, log_mode="override")

    def record_companions(self, guest_id: str, count: int) -> int:
        """The door's answer: `count` of the guest's counted companions came in with them; returns it.

        Only for a guest inside, and 0..companion_count: anything else is a ValueError with one line for
        staff, and nothing is written. Kept on the station and logged; a new change of the guest clears it.
        """
        guest = self._store.get_guest(guest_id)
        if guest is None or not guest.is_inside:
            raise ValueError("Companions can only come in with a guest who is checked in.")
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= guest.companion_count:
            raise ValueError(f"This registration counts {guest.companion_count} companion(s): not {count!r}.")
        # The scan log keeps the answer too (the count in its code), like every other action at the door.
        record = ScanRecord(at=utcnow(), code=f"companions={count}:{guest_id}"[:128], verdict="companions_in",
                            guest_id=guest_id, station=self.station, mode="companions")
        self._store.record_companions(record, guest_id, count)
        return count

    def last_action(self) -> Change | None:
        """This station's newest change that the server has not refused: what `undo_last` takes back."""
        return self._store.last_change()

    def undo_last(self, expected: str | None = None) -> ScanOutcome | None:
        """Put the guest of this station's newest change back as it was before; queued like any change.

        With `expected` (a change id), only if that is still the newest change: staff confirmed undoing
        one guest's action, and a scan at the door meanwhile must not turn it into undoing another's.
        """
        last = self._store.last_change()
        if last is None or (expected is not None and last.change_id != expected):
            return None
        history = self._store.local_changes_for(last.guest_id)
        before = [c for c in history if c.client_update < last.client_update]
        guest = self._store.get_guest(last.guest_id)
        if guest is None:
            return None
        if before:
            check_in, check_out = before[-1].check_in, before[-1].check_out
        elif last.kind is ChangeKind.CHECK_OUT:
            check_in, check_out = last.check_in, None
        else:
            check_in, check_out = None, None
        at = self._change_time(guest, history)
        change = Change(str(uuid.uuid4()), guest.id, ChangeKind.UNDO, check_in, check_out, at, self.station,
                        manual=True)
        verdict_kind = VerdictKind.ADMITTED if check_in and not check_out else VerdictKind.CHECKED_OUT
        verdict = Verdict(verdict_kind, guest.with_presence(check_in, check_out, at))
        stored = self._store.record_scan(self._record(f"undo:{guest.id}"[:128], verdict, "undo", change), change)
        change, verdict = _as_queued(change, stored, verdict, guest)
        self._notify()
        return ScanOutcome(f"undo:{guest.id}", verdict, change)

    def _decide_and_record(
        self, code: str, guest: Guest | None, mode: Mode, scanned: str = "", *, manual: bool = False,
        log_mode: str | None = None,
    ) -> ScanOutcome:
        now = self._now()
        history = self._store.local_changes_for(guest.id) if guest is not None else []
        verdict = decide(guest, history, mode, now)
        change = None
        if verdict.kind.changes_presence and guest is not None:
            at = self._change_time(guest, history, now)
            check_in = at if verdict.kind is VerdictKind.ADMITTED else verdict.new_check_in
            check_out = at if verdict.kind is VerdictKind.CHECKED_OUT else None
            kind = ChangeKind.CHECK_IN if verdict.kind is VerdictKind.ADMITTED else ChangeKind.CHECK_OUT
            change = Change(str(uuid.uuid4()), guest.id, kind, check_in, check_out, at, self.station, manual=manual)
            verdict = Verdict(verdict.kind, guest.with_presence(check_in, check_out, at),
                              new_check_in=check_in, new_check_out=check_out)
        # Durable before visible: the verdict is only returned once this commit has happened.
        stored = self._store.record_scan(self._record(code, verdict, log_mode or mode.value, change), change)
        if change is not None and guest is not None:
            change, verdict = _as_queued(change, stored, verdict, guest)
        if change is not None:
            self._notify()
        companions, counted = [], 0
        if verdict.kind is VerdictKind.ADMITTED and guest is not None:
            companions = [c for c in self._store.companions_of(guest)
                          if not c.is_inside and c.admission.may_enter]
            counted = guest.companion_count
        return ScanOutcome(code, verdict, change, companions, scanned, counted)

    def _now(self) -> datetime:
        return corrected(self._clock(), self._store.sync_state().clock_offset)

    def _change_time(self, guest: Guest, history: list[Change], now: datetime | None = None) -> datetime:
        """Now on the server's clock, but strictly after anything this guest's record already shows."""
        at = now if now is not None else self._now()
        floor = [t for t in [guest.client_update, *(c.client_update for c in history)] if t is not None]
        if floor and at <= max(floor):
            at = max(floor) + _TICK
        return at

    def _record(self, code: str, verdict: Verdict, mode: str, change: Change | None) -> ScanRecord:
        return ScanRecord(
            at=utcnow(),
            code=code[:128],
            verdict=verdict.kind.value,
            guest_id=verdict.guest.id if verdict.guest is not None else None,
            station=self.station,
            mode=mode,
            change_id=change.change_id if change else None,
        )

    def _notify(self) -> None:
        if self._on_queued is not None:
            try:
                self._on_queued()
            except Exception:  # an upload trigger must never undo a committed check-in
                log.exception("upload trigger failed")


def _as_queued(change: Change, stored: Change | None, verdict: Verdict, guest: Guest) -> tuple[Change, Verdict]:
    """The change and verdict as the outbox holds them: storage moves a change's time past one that another
    process of this station queued for the same guest meanwhile (see storage.outbox.after_the_latest)."""
    if stored is None or stored == change:
        return change, verdict
    shown = replace(verdict, guest=guest.with_presence(stored.check_in, stored.check_out, stored.client_update))
    if verdict.new_check_in is None and verdict.new_check_out is None:
        return stored, shown  # an undo's verdict names no new presence state
    return stored, replace(shown, new_check_in=stored.check_in, new_check_out=stored.check_out)
