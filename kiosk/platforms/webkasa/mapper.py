"""Webkasa registrations into kiosk's guests (see the package docstring for the choices)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kiosk.domain.codes import CodeKind
from kiosk.domain.models import Admission, DisplayField, Guest
from kiosk.domain.timeutil import TIME_NOT_KNOWN
from kiosk.platforms.records import MalformedRecord, parse_when, text_of

# Webkasa says a registration is ATTENDED, never when: the check-in time is kiosk's "time not known"
# (domain.timeutil.TIME_NOT_KNOWN), which the door, the staff tools, statistics and the export read so.
UNKNOWN_CHECK_IN = TIME_NOT_KNOWN

# The documented statuses and what the door does with each; anything else makes the record malformed.
ADMISSIONS = {
    "CONFIRMED": Admission.ADMISSIBLE,
    "PENDING": Admission.NOT_CONFIRMED,
    "CANCELLED": Admission.CANCELLED,
    # Checked in by Webkasa's own means: admissible, and inside already.
    "ATTENDED": Admission.ADMISSIBLE,
}


def guest_from(raw: object) -> Guest:
    """One registration as a guest; MalformedRecord (one line) if kiosk cannot use it."""
    if not isinstance(raw, Mapping):
        raise MalformedRecord(f"a registration is not a JSON object: {type(raw).__name__}")
    reg_id = raw.get("id")
    if not isinstance(reg_id, str) or not reg_id.strip():
        raise MalformedRecord(f"a registration's id is not a non-empty string: {reg_id!r}")
    reg_id = reg_id.strip()
    status = raw.get("status")
    admission = ADMISSIONS.get(status) if isinstance(status, str) else None
    if admission is None:
        raise MalformedRecord(f"registration {reg_id}: status {status!r} is not one the document names")
    guests = raw.get("guest_count", 0)
    if guests is None:
        guests = 0
    if isinstance(guests, bool) or not isinstance(guests, int) or guests < 0:
        raise MalformedRecord(f"registration {reg_id}: guest_count is not a whole number: {guests!r}")
    created = parse_when(raw.get("created_at"))
    # Kept as the record (a badge-field setting may name one); nothing at the door decides on them. The
    # companions are Guest.companion_count: the door asks how many came and counts them.
    fields: dict[str, Any] = {"status": status, "guest_count": guests}
    for key in ("attendee_phone", "notes"):
        text = text_of(raw.get(key))
        if text is not None:
            fields[key] = text
    if created is not None:
        fields["created_at"] = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    name = text_of(raw.get("attendee_name")) or ""
    return Guest(
        id=reg_id,
        # The registration id is the scan code; the email is searched, never matched as a code.
        access_code=reg_id,
        access_code_kind=CodeKind.REGISTRATION_ID,
        server_update=created,
        check_in=UNKNOWN_CHECK_IN if status == "ATTENDED" else None,
        admission=admission,
        fields=fields,
        name=name,
        sort_name=name,
        email=text_of(raw.get("attendee_email")) or "",
        companion_count=guests,
        # The phone is stored, not shown: not door business (as for the other platforms).
        display=(DisplayField("notes", "Notes", fields["notes"]),) if "notes" in fields else (),
    )


def listing_from(records: Iterable[object]) -> tuple[list[Guest], list[str]]:
    """Every usable registration as a guest, and one line per record that was skipped."""
    guests: list[Guest] = []
    malformed: list[str] = []
    for raw in records:
        try:
            guests.append(guest_from(raw))
        except MalformedRecord as err:
            malformed.append(str(err))
    return guests, malformed
