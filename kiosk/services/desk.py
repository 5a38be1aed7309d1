"""Read-side services for the window and staff tools: status figures, search, guests, conflicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.models import Guest
from kiosk.domain.timeutil import utcnow
from kiosk.services.sync import clock_warning
from kiosk.storage import Conflict, ScanRecord, SearchIndexBuilding, Store

STALE_SYNC_SECONDS = 300.0
# Rows per second assumed for "search ready in about N s" before a build step has measured its own rate.
ASSUMED_INDEX_ROWS_PER_S = 50_000.0


class SearchNotReady(Exception):
    """Search is refused while the search index is still being built after a first download.

    `seconds_left` is an estimate from the build's own pace (at least 1). Scans are answered meanwhile;
    searching again once the build is done gives the full answer.
    """

    def __init__(self, seconds_left: float) -> None:
        super().__init__(f"search is ready in about {seconds_left:.0f} s")
        self.seconds_left = seconds_left


@dataclass(frozen=True)
class StatusSnapshot:
    """Everything the always-visible status bar shows."""

    station: str
    online: bool | None
    last_sync: datetime | None
    seconds_since_sync: float | None
    queued: int
    conflicts: int
    # People, not records: a registration's counted companions (Guest.companion_count) count too.
    checked_in: int
    total: int
    last_error: str | None
    clock_warning: str | None

    @property
    def sync_is_stale(self) -> bool:
        """No successful sync for five minutes: staff should know the mirror may be behind."""
        return self.seconds_since_sync is None or self.seconds_since_sync > STALE_SYNC_SECONDS


class Desk:
    """What staff can look up; every call is a short read of the local mirror."""

    def __init__(self, store: Store, station: str) -> None:
        self._store = store
        self.station = station

    def status(self, now: datetime | None = None) -> StatusSnapshot:
        counts = self._store.counts()
        companions_inside, companions = self._store.companion_counts()
        state = self._store.sync_state()
        now = now or utcnow()
        since = (now - state.last_success).total_seconds() if state.last_success else None
        return StatusSnapshot(
            station=self.station,
            online=state.online,
            last_sync=state.last_success,
            seconds_since_sync=since,
            queued=counts["queued"],
            conflicts=counts["conflicts"],
            checked_in=counts["checked_in"] + companions_inside,
            # The platform's count where it gives one (pretix: the check-in list's positions, without the
            # canceled tickets or other products the mirror also holds); inside is the mirror's either way,
            # with this station's scans not uploaded yet.
            total=counts["guests"] - counts["deleted"] + companions if state.admissible is None else state.admissible,
            last_error=state.last_error,
            clock_warning=clock_warning(state.clock_offset),
        )

    def search(self, text: str, limit: int = 30) -> list[Guest]:
        """Live guests matching the typed words; SearchNotReady while the search index is being built."""
        if not text.strip():
            return []
        try:
            return self._store.search(text, limit)
        except SearchIndexBuilding as building:
            raise SearchNotReady(_seconds_left(building.remaining, building.rows_per_s)) from None

    def search_ready_in(self) -> float | None:
        """None when search can answer; else about how many seconds until the index is built."""
        state = self._store.search_index_state()
        return _seconds_left(state.remaining, state.rows_per_s) if state.building else None

    def guest(self, guest_id: str) -> Guest | None:
        return self._store.get_guest(guest_id)

    def companions(self, guest: Guest) -> list[Guest]:
        return self._store.companions_of(guest)

    def conflicts(self, include_acknowledged: bool = False) -> list[Conflict]:
        return self._store.conflicts(include_acknowledged)

    def acknowledge_conflicts(self, change_ids: list[str] | None = None) -> int:
        return self._store.acknowledge_conflicts(change_ids)

    def recent_scans(self, limit: int = 50) -> list[ScanRecord]:
        return self._store.recent_scans(limit)


def _seconds_left(remaining: int, rows_per_s: float | None) -> float:
    return max(1.0, remaining / (rows_per_s or ASSUMED_INDEX_ROWS_PER_S))
