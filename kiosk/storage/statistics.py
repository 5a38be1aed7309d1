"""The door manager's figures, read from the mirror and the scan log in a few aggregate queries."""

from __future__ import annotations

import sqlite3

from kiosk.storage.records import DoorFigures

_INSIDE = "g.check_in IS NOT NULL AND (g.check_out IS NULL OR g.check_out < g.check_in)"
_QUARTER = "CAST(strftime('%s', g.check_in) AS INTEGER) / 900"

# One pass over the mirror (a big one is read once, not once per figure).
_FIGURES = f"""
SELECT count(*), COALESCE(SUM(g.companion_count), 0), COALESCE(SUM({_INSIDE}), 0),
    COALESCE(SUM(g.check_in IS NOT NULL), 0),
    COALESCE(SUM(g.check_in IS NULL AND g.admission IN ('admissible', 'unstated')), 0)
FROM guests g WHERE g.deleted IS NULL
"""
_COMPANIONS_INSIDE = f"""
SELECT COALESCE(SUM(ci.count), 0) FROM companions_in ci CROSS JOIN guests g ON g.id = ci.guest_id
WHERE g.deleted IS NULL AND {_INSIDE}
"""

# Arrivals by quarter hour (Unix time // 900) of each live attendee's current check-in: the records, then
# the counted companions who came with them (a small table, joined the other way round).
_ARRIVALS = f"""
SELECT {_QUARTER}, count(*) FROM guests g WHERE g.deleted IS NULL AND g.check_in IS NOT NULL GROUP BY 1
"""
_COMPANION_ARRIVALS = f"""
SELECT {_QUARTER}, SUM(ci.count) FROM companions_in ci CROSS JOIN guests g ON g.id = ci.guest_id
WHERE g.deleted IS NULL AND g.check_in IS NOT NULL GROUP BY 1
"""

# Attendees whose current check-in this station made (its outbox holds only its own changes), by station
# name as the change recorded it (a station renamed keeps its old name on its older changes).
_OWN = """
SELECT o.station, count(DISTINCT g.id)
FROM outbox o JOIN guests g ON g.id = o.guest_id AND g.check_in = o.check_in
WHERE o.state != 'dropped' AND o.kind != 'check_out' AND g.deleted IS NULL
GROUP BY o.station
"""

# Attendees whose current check-in another station made, where the platform names it (PlanDocket's
# records): only rows with a station are looked at, and this station's own changes are left to _OWN.
_OTHERS = """
SELECT g.check_in_station, count(*) FROM guests g
WHERE g.deleted IS NULL AND g.check_in IS NOT NULL AND g.check_in_station IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.guest_id = g.id AND o.check_in = g.check_in
        AND o.state != 'dropped' AND o.kind != 'check_out')
GROUP BY 1
"""


def door_figures(conn: sqlite3.Connection) -> DoorFigures:
    live, counted, inside, arrived, no_shows = conn.execute(_FIGURES).fetchone()
    (companions_inside,) = conn.execute(_COMPANIONS_INSIDE).fetchone()
    people: dict[int, int] = {}
    for query in (_ARRIVALS, _COMPANION_ARRIVALS):
        for quarter, count in conn.execute(query):
            if quarter is not None:
                people[int(quarter)] = people.get(int(quarter), 0) + int(count)
    arrivals = [(quarter * 900, count) for quarter, count in sorted(people.items())]
    own = {str(station): int(n) for station, n in conn.execute(_OWN)}
    others = {str(station): int(n) for station, n in conn.execute(_OTHERS)}
    verdicts = {str(k): int(v) for k, v in conn.execute("SELECT verdict, count(*) FROM scans GROUP BY verdict")}
    return DoorFigures(
        registrations=int(live), counted_companions=int(counted), inside=int(inside),
        companions_inside=int(companions_inside), arrived=int(arrived), no_shows=int(no_shows),
        arrivals=arrivals, arrived_here=own, arrived_elsewhere=others, scan_verdicts=verdicts,
    )
