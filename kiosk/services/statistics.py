"""The door manager's statistics: who is inside, who came, who is missing, and the arrival curve."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from kiosk.domain.decide import VerdictKind
from kiosk.domain.timeutil import TIME_NOT_KNOWN
from kiosk.storage import Store

QUARTER = timedelta(minutes=15)
# Scans the door refused for what the platform says of the attendee (not a code nobody knows).
_REFUSED = frozenset(v.value for v in (VerdictKind.DELETED, VerdictKind.DEREGISTERED, VerdictKind.NOT_CONFIRMED,
                                       VerdictKind.CANCELLED, VerdictKind.NOT_VALID_HERE))


@dataclass(frozen=True)
class Statistics:
    """Every figure counts people: a registration's counted companions count as the people they are."""

    inside: int
    checked_in: int
    total: int
    no_shows: int  # attendees (records) who may enter and have not come
    refused: int  # this station's scans refused for the attendee's state
    unknown: int  # this station's scans of codes nobody knows
    # Attendees whose current check-in each station made: this computer's from its outbox, others' where
    # the platform names them (Guest.check_in_station); "elsewhere": the rest, where it names no station.
    by_station: dict[str, int]
    elsewhere: int
    # People arrived per quarter hour of the event day (local time), from the first quarter to the last.
    arrivals: list[tuple[datetime, int]]


def statistics(store: Store, zone: tzinfo) -> Statistics:
    raw = store.door_figures()
    by_station = dict(raw.arrived_elsewhere)
    for name, count in raw.arrived_here.items():
        by_station[name] = by_station.get(name, 0) + count
    return Statistics(
        inside=raw.inside + raw.companions_inside,
        checked_in=raw.arrived + raw.companions_inside,
        total=raw.registrations + raw.counted_companions,
        no_shows=raw.no_shows,
        refused=sum(n for verdict, n in raw.scan_verdicts.items() if verdict in _REFUSED),
        unknown=raw.scan_verdicts.get(VerdictKind.UNKNOWN.value, 0),
        by_station=dict(sorted(by_station.items())),
        elsewhere=max(0, raw.arrived - sum(by_station.values())),
        arrivals=_event_day(raw.arrivals, zone),
    )


def _event_day(quarters: list[tuple[int, int]], zone: tzinfo) -> list[tuple[datetime, int]]:
    """The quarters of the latest arrival's local day, gaps filled with zeros (a bar chart's x axis)."""
    if not quarters:
        return []
    # A check-in whose time the platform never gave (TIME_NOT_KNOWN, the epoch) has no quarter to go in.
    local = [(datetime.fromtimestamp(start, UTC).astimezone(zone), people) for start, people in quarters
             if start > TIME_NOT_KNOWN.timestamp()]
    if not local:
        return []
    day = local[-1][0].date()
    today = [(when, people) for when, people in local if when.date() == day]
    counts = dict(today)
    first, last = today[0][0], today[-1][0]
    filled, at = [], first
    while at <= last:
        filled.append((at, counts.get(at, 0)))
        at = (at.astimezone(UTC) + QUARTER).astimezone(zone)
    return filled


def as_json(stats: Statistics) -> dict[str, Any]:
    return {
        "inside": stats.inside, "checked_in": stats.checked_in, "total": stats.total,
        "no_shows": stats.no_shows, "refused": stats.refused, "unknown": stats.unknown,
        "by_station": stats.by_station, "elsewhere": stats.elsewhere,
        "arrivals": [{"from": when.isoformat(), "people": people} for when, people in stats.arrivals],
    }
