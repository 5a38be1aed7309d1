"""Builders of guests, changes and scans for the storage tests, all on one fixed timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.domain.models import Admission, Change, ChangeKind, Guest
from kiosk.storage import ScanRecord
from tests.v1_guests import v1_guest

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def cursor_at(minutes: float) -> str:
    """A connector's cursor for a listing at minute `minutes` (the mirror stores it, never reads it)."""
    return f"cursor@{minutes:g}"


def guest(
    guest_id: str,
    *,
    first: str | None = None,
    last: str | None = None,
    company: str | None = None,
    email: str | None = None,
    code: str | None = None,
    badge: str | None = None,
    updated: datetime | None = None,
    check_in: datetime | None = None,
    check_out: datetime | None = None,
    deleted: datetime | None = None,
    parent_id: str | None = None,
    companions: tuple[str, ...] = (),
    **extra: Any,
) -> Guest:
    fields: dict[str, Any] = {
        "firstName": first,
        "lastName": last,
        "company": company,
        "email": email,
        "externalId": badge,
        **extra,
    }
    return v1_guest(
        id=guest_id,
        access_code=code,
        parent_id=parent_id,
        client_update=updated,
        server_update=updated,
        check_in=check_in,
        check_out=check_out,
        deleted=deleted,
        admission=Admission.ADMISSIBLE,
        fields=fields,
        companions=companions,
    )


def check_in(change_id: str, guest_id: str, minutes: float, station: str = "door-1") -> Change:
    return Change(change_id, guest_id, ChangeKind.CHECK_IN, at(minutes), None, at(minutes), station)


def check_out(change_id: str, guest_id: str, came: float, left: float, station: str = "door-1") -> Change:
    return Change(change_id, guest_id, ChangeKind.CHECK_OUT, at(came), at(left), at(left), station)


def scan(change: Change | None = None, *, code: str = "abc", verdict: str = "admitted") -> ScanRecord:
    when = change.client_update if change is not None else T0
    guest_id = change.guest_id if change is not None else None
    return ScanRecord(when, code, verdict, guest_id, "door-1", "check-in")
