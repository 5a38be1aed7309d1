"""The reference server's settings and run-time state: clock, injected faults, counters."""

from __future__ import annotations

import random
import threading
from collections import Counter, deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from kiosk.domain.timeutil import utcnow
from kiosk.platforms.invitario.emulator.store import ServerStore

FAULT_KINDS = ("500", "429", "truncate", "hang", "hang_after")
MAX_HANG_SECONDS = 120.0


@dataclass
class ServerConfig:
    """Everything that shapes one server run; the database keeps the guests, not these."""

    event_id: str = "demo"
    api_key: str = "demo-key"
    event_name: str = "Demo Event"
    company: str = "Kiosk Demo"
    token_lifetime: float = 24 * 3600.0
    latency_ms: float = 0.0
    failure_rate: float = 0.0
    clock_offset: float = 0.0
    utc_offset_minutes: int = 0
    seed: int = 1
    hang_seconds: float = 30.0


class ServerClock:
    """Real UTC now plus an adjustable offset, shown in one fixed time zone.

    It never runs backwards while the offset stays put, because `list/recent` relies on every later
    change carrying a time at or after the `dateTime` an earlier answer gave out.
    """

    def __init__(self, offset_seconds: float = 0.0, utc_offset_minutes: int = 0) -> None:
        self.tz = timezone(timedelta(minutes=utc_offset_minutes))
        self._offset = float(offset_seconds)
        self._last: datetime | None = None
        self._lock = threading.Lock()

    @property
    def offset(self) -> float:
        return self._offset

    @offset.setter
    def offset(self, seconds: float) -> None:
        with self._lock:
            self._offset = float(seconds)
            # A deliberate jump (a test moving the server clock) may go backwards.
            self._last = None

    def now(self) -> datetime:
        with self._lock:
            value = (utcnow() + timedelta(seconds=self._offset)).astimezone(self.tz)
            if self._last is not None and value < self._last:
                value = self._last
            self._last = value
            return value

    def text(self, value: datetime) -> str:
        return value.astimezone(self.tz).isoformat(timespec="microseconds")


class Faults:
    """Injected trouble for the API endpoints (never the admin ones)."""

    def __init__(self, config: ServerConfig) -> None:
        self.latency_ms = config.latency_ms
        self.failure_rate = config.failure_rate
        self.hang_seconds = min(config.hang_seconds, MAX_HANG_SECONDS)
        self.fail_next: deque[str] = deque()
        # Seeded, so that a failure rate gives the same sequence of failures on every run.
        self._rng = random.Random(config.seed)

    def next_fault(self) -> str | None:
        """The fault for the request now arriving: queued ones first, then the random failure rate."""
        try:
            return self.fail_next.popleft()
        except IndexError:
            pass
        if self.failure_rate > 0 and self._rng.random() < self.failure_rate:
            return "500"
        return None

    def describe(self) -> dict[str, object]:
        return {
            "latency_ms": self.latency_ms,
            "failure_rate": self.failure_rate,
            "hang_seconds": self.hang_seconds,
            "fail_next": [{"kind": kind} for kind in self.fail_next],
        }


class ServerState:
    """What the request handlers share: the store, the settings, the clock, faults and counters."""

    def __init__(self, store: ServerStore, config: ServerConfig) -> None:
        self.store = store
        self.config = config
        self.clock = ServerClock(config.clock_offset, config.utc_offset_minutes)
        self.faults = Faults(config)
        self.token_lifetime = config.token_lifetime
        self.requests: Counter[str] = Counter()
