"""guest/update: checking a batch of presence changes and applying it, last writer (by client time) wins.

Every applied change is written to the history table in the same transaction, so tests can count how
often each change reached the server. A change equal to the stored one answers "applied" but is not
recorded again: that is what makes a resend after a lost answer harmless.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.domain.timeutil import parse_time
from kiosk.platforms.invitario.emulator.guests import time_key
from kiosk.platforms.invitario.emulator.store import ServerStore

MAX_CHANGES = 500
UNKNOWN_GUEST = {"code": 2000, "message": "Guest not known."}
_CHANGE_KEYS = ("id", "checkInDateTime", "checkOutDateTime", "clientUpdateDateTime")


class ParameterError(ValueError):
    """A request parameter is missing or malformed (API error code 20); the message names it."""


@dataclass(frozen=True)
class ChangeRequest:
    guest_id: str
    check_in: str | None
    check_out: str | None
    client_update: str
    client_key: str


def _time(where: str, value: object, *, nullable: bool) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise ParameterError(f"{where} (expected an ISO-8601 date-time with offset)")
    try:
        parse_time(value)
    except ValueError:
        raise ParameterError(f"{where} (expected an ISO-8601 date-time with offset)") from None
    return value


def parse_changes(value: object) -> list[ChangeRequest]:
    """The `guests` parameter as checked changes; any problem refuses the whole request."""
    if not isinstance(value, list):
        raise ParameterError("guests (expected a list of changes)")
    if len(value) > MAX_CHANGES:
        raise ParameterError(f"guests (at most {MAX_CHANGES} changes per request, got {len(value)})")
    changes = []
    for index, item in enumerate(value):
        where = f"guests[{index}]"
        if not isinstance(item, dict):
            raise ParameterError(f"{where} (expected an object)")
        missing = [key for key in _CHANGE_KEYS if key not in item]
        if missing:
            raise ParameterError(", ".join(f"{where}.{key}" for key in missing))
        guest_id = item["id"]
        if not isinstance(guest_id, str) or not guest_id:
            raise ParameterError(f"{where}.id (expected a string)")
        client_update = _time(f"{where}.clientUpdateDateTime", item["clientUpdateDateTime"], nullable=False)
        assert client_update is not None
        changes.append(
            ChangeRequest(
                guest_id=guest_id,
                check_in=_time(f"{where}.checkInDateTime", item["checkInDateTime"], nullable=True),
                check_out=_time(f"{where}.checkOutDateTime", item["checkOutDateTime"], nullable=True),
                client_update=client_update,
                client_key=time_key(client_update) or "",
            )
        )
    return changes


def apply_changes(
    store: ServerStore,
    changes: list[ChangeRequest],
    station: str,
    now: Callable[[], datetime],
    text: Callable[[datetime], str],
) -> tuple[str, list[dict[str, Any]]]:
    """Apply a checked batch in one transaction; answer the server time and one result per change."""
    outcomes: list[tuple[str, str]] = []
    with store.transaction() as conn:
        now_text = text(now())
        current: dict[str, dict[str, Any] | None] = {}
        for change in changes:
            if change.guest_id not in current:
                current[change.guest_id] = store.load(conn, change.guest_id)
            outcome = _apply_one(conn, store, current[change.guest_id], change, station, now_text)
            outcomes.append((change.guest_id, outcome))
    # Each result carries the guest as stored once the whole request is through (a deleted guest
    # comes back as stored too, so the station can mark it deleted; an unknown id gives null).
    results = []
    for guest_id, outcome in outcomes:
        result: dict[str, Any] = {"id": guest_id, "outcome": outcome, "guest": current[guest_id]}
        if outcome == "unknown":
            result["error"] = dict(UNKNOWN_GUEST)
        results.append(result)
    return now_text, results


def _apply_one(
    conn: sqlite3.Connection,
    store: ServerStore,
    guest: dict[str, Any] | None,
    change: ChangeRequest,
    station: str,
    now_text: str,
) -> str:
    if guest is None or guest.get("deleteDateTime"):
        return "unknown"
    stored_key = time_key(guest.get("clientUpdateDateTime"))
    if stored_key is not None and change.client_key < stored_key:
        return "superseded"
    if stored_key == change.client_key:
        return "applied"  # the same change again (a resend): nothing to do, nothing to record
    guest["checkInDateTime"] = change.check_in
    guest["checkOutDateTime"] = change.check_out
    guest["clientUpdateDateTime"] = change.client_update
    guest["serverUpdateDateTime"] = now_text
    store.save(conn, guest)
    conn.execute(
        "INSERT INTO history (guest_id, client_update, check_in, check_out, station, server_time) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (change.guest_id, change.client_update, change.check_in, change.check_out, station, now_text),
    )
    return "applied"


def history(store: ServerStore, guest_id: str | None = None) -> list[dict[str, Any]]:
    """Applied changes, oldest first."""
    query = "SELECT seq, guest_id, client_update, check_in, check_out, station, server_time FROM history"
    params: tuple[str, ...] = ()
    if guest_id is not None:
        query += " WHERE guest_id = ?"
        params = (guest_id,)
    with store.reading() as conn:
        rows = conn.execute(query + " ORDER BY seq", params).fetchall()
    return [
        {
            "seq": seq,
            "guestId": gid,
            "clientUpdateDateTime": client,
            "checkInDateTime": check_in,
            "checkOutDateTime": check_out,
            "stationName": station,
            "serverDateTime": server,
        }
        for seq, gid, client, check_in, check_out, station, server in rows
    ]
