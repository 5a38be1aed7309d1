"""What the server and the stations hold after a chaos run, and the checks that nothing was lost or doubled."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.domain.models import Change
from kiosk.domain.timeutil import parse_time
from kiosk.storage import Store
from kiosk.storage.config import mirror_path
from tests.e2e.procs import ServerProcess

Key = tuple[str, datetime]


def key_of(guest_id: str, client_update: str | datetime | None) -> Key:
    when = client_update if isinstance(client_update, datetime) else parse_time(client_update)
    assert when is not None, f"no client time for {guest_id}"
    return guest_id, when


def server_history(server: ServerProcess) -> Counter[Key]:
    """How many times each (guest, clientUpdateDateTime) was applied on the server."""
    rows = server.admin("GET", "/admin/history")["history"]
    return Counter(key_of(r["guestId"], r["clientUpdateDateTime"]) for r in rows)


def server_guest(server: ServerProcess, guest_id: str) -> dict[str, Any]:
    guest: dict[str, Any] = server.admin("GET", f"/admin/guests/{guest_id}")
    return guest


def station_changes(data_dir: Path, guest_ids: set[str]) -> dict[str, Change]:
    """Every change the station still knows for these guests (all but dropped ones), by change id."""
    with Store.open(mirror_path(data_dir)) as store:
        return {c.change_id: c for g in guest_ids for c in store.local_changes_for(g, 1_000_000)}


def presence(check_in: Any, check_out: Any, client_update: Any) -> tuple[datetime | None, ...]:
    return tuple(
        v if isinstance(v, datetime) or v is None else parse_time(v) for v in (check_in, check_out, client_update)
    )


@dataclass
class Tally:
    """Reported changes sorted by what became of them on the server."""

    applied_once: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: int = 0
    conflicts: int = 0
    # Applied, then beaten by a later change before this station heard the answer: it records a
    # conflict for a change that did reach the server (a false alarm for staff, but nothing lost).
    applied_then_conflict: int = 0
    phantoms: list[Key] = field(default_factory=list)


def tally(
    reported: list[dict[str, Any]], history: Counter[Key], conflicts: dict[str, set[str]], known: dict[str, Change]
) -> Tally:
    """Match every reported change with the server's history; `known` is every change any station holds.

    A report without `client_update` (`kiosk scan --json` does not print it) takes the outbox's.
    """
    result = Tally(duplicated=sum(n - 1 for n in history.values() if n > 1))
    for report in reported:
        change_id = report["change_id"]
        if change_id not in known:
            result.lost.append(f"{report['station']} {change_id}: no longer in the station's outbox")
            continue
        key = key_of(report["guest_id"], report["client_update"] or known[change_id].client_update)
        applied = history.get(key, 0)
        lost_race = change_id in conflicts.get(report["station"], set())
        if lost_race:
            result.conflicts += 1
            result.applied_then_conflict += applied == 1
        elif applied == 1:
            result.applied_once += 1
        elif applied == 0:
            result.lost.append(f"{report['station']} {change_id}: never applied and no conflict recorded")
    station_keys = {key_of(c.guest_id, c.client_update) for c in known.values()}
    result.phantoms = sorted(k for k in history if k not in station_keys)
    return result


def expected_states(known: dict[str, Change]) -> dict[str, Change]:
    """Per guest, the change that must be stored in the end: the latest client time wins."""
    latest: dict[str, Change] = {}
    for change in known.values():
        best = latest.get(change.guest_id)
        if best is None or change.client_update > best.client_update:
            latest[change.guest_id] = change
    return latest
