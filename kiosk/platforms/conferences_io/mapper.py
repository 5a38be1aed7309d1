"""Conferences i/o attendance records into kiosk's guests (see the package docstring for the choices)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from kiosk.domain.codes import CodeKind
from kiosk.domain.models import Admission, DisplayField, Guest
from kiosk.platforms.records import MalformedRecord, parse_when, text_of

# The five custom attendee fields: `user.field_N`, labelled by the app's `custom_attendee_field_N`.
CUSTOM_FIELDS = tuple(f"field_{n}" for n in range(1, 6))
# Shown in the detail when the record has them, after the custom fields (the document's order).
NOTES = (("admin_note", "Admin note"), ("attendee_note", "Attendee note"), ("delivery_format", "Attended"))


def identity(user: Mapping[str, Any]) -> str | None:
    """Who a record is about: the external id, else the e-mail (compared case-insensitively, as the API does)."""
    external = text_of(user.get("external_id"))
    if external is not None:
        return external
    email = text_of(user.get("email"))
    return f"email:{email.lower()}" if email is not None else None


def guest_id(session_id: str, who: str) -> str:
    """One attendee in one session: after a change of session the old session's rows are swept, never merged
    with the new one's (attending one session is not being inside another)."""
    return f"{session_id}/{who}"


def _presence(raw: Mapping[str, Any], who: str) -> tuple[datetime | None, datetime | None]:
    """(check_in, check_out) as kiosk reads presence: inside when the newest `history` entry is a check-in;
    without a history, when `checkin_time` is set and `checkout_time` is not later."""
    try:
        first_in = parse_when(raw.get("checkin_time"))
        last_out = parse_when(raw.get("checkout_time"))
    except MalformedRecord as err:
        raise MalformedRecord(f"attendee {who}: {err}") from None
    history = raw.get("history")
    if history is None:
        history = []
    if not isinstance(history, Sequence) or isinstance(history, str):
        raise MalformedRecord(f"attendee {who}: history is not a list")
    entries: list[tuple[datetime, str]] = []
    for entry in history:
        action = entry.get("action") if isinstance(entry, Mapping) else None
        if action not in ("checkin", "checkout"):
            raise MalformedRecord(f"attendee {who}: a history entry is not a checkin or checkout: {entry!r}")
        try:
            at = parse_when(entry.get("timestamp"))
        except MalformedRecord as err:
            raise MalformedRecord(f"attendee {who}: {err}") from None
        if at is None:
            raise MalformedRecord(f"attendee {who}: a history entry has no timestamp")
        entries.append((at, action))
    if not entries:
        return first_in, last_out
    entries.sort(key=lambda e: e[0])
    at, action = entries[-1]
    if action == "checkin":
        # Back in after a break: the latest check-in, with the check-out before it.
        return at, last_out if last_out is not None and last_out < at else None
    ins = [t for t, a in entries if a == "checkin"]
    return (ins[-1] if ins else first_in), at


def guest_from(raw: object, session_id: str, labels: Mapping[str, str] | None = None) -> Guest:
    """One attendance record as a guest; MalformedRecord (one line) if kiosk cannot use it."""
    if not isinstance(raw, Mapping):
        raise MalformedRecord(f"an attendance record is not a JSON object: {type(raw).__name__}")
    user = raw.get("user")
    if not isinstance(user, Mapping):
        raise MalformedRecord("an attendance record has no 'user' object")
    who = identity(user)
    if who is None:
        raise MalformedRecord("an attendance record has neither an external_id nor an email: no scan can find it")
    check_in, check_out = _presence(raw, who)
    first = text_of(user.get("first_name")) or ""
    last = text_of(user.get("last_name")) or ""
    name = " ".join(p for p in (first, last) if p)
    labels = labels or {}
    # Kept as the record (a badge-field setting may name a custom field, e.g. a "Registration ID").
    fields: dict[str, Any] = {"session_id": session_id}
    display: list[DisplayField] = []
    for key in CUSTOM_FIELDS:
        text = text_of(user.get(key))
        if text is None:
            continue
        fields[key] = text
        # A field the app gives no label is still shown, under its own name.
        display.append(DisplayField(key, labels.get(key) or key.replace("_", " ").capitalize(), text))
    for key, label in NOTES:
        text = text_of(raw.get(key))
        if text is not None:
            fields[key] = text
            display.append(DisplayField(key, label, text))
    external = text_of(user.get("external_id"))
    if external is not None:
        fields["external_id"] = external
    return Guest(
        id=guest_id(session_id, who),
        # The external id is the scan code; the e-mail is searched, never matched as a code.
        access_code=external,
        access_code_kind=CodeKind.EXTERNAL_ID,
        check_in=check_in,
        check_out=check_out,
        # The document has no registration state: whoever the session lists may enter it.
        admission=Admission.ADMISSIBLE,
        fields=fields,
        name=name,
        sort_name=", ".join(p for p in (last, first) if p),
        email=text_of(user.get("email")) or "",
        display=tuple(display),
    )


def labels_from(app: Mapping[str, Any]) -> dict[str, str]:
    """`field_N` -> the app's label `custom_attendee_field_N` (null: no label set)."""
    found = {}
    for n, key in enumerate(CUSTOM_FIELDS, start=1):
        label = text_of(app.get(f"custom_attendee_field_{n}"))
        if label is not None:
            found[key] = label
    return found


def listing_from(records: Iterable[object], session_id: str,
                 labels: Mapping[str, str] | None = None) -> tuple[list[Guest], list[str]]:
    """Every usable record as a guest (a repeat of one attendee folded into the later one), and one line per
    record that was skipped."""
    guests: dict[str, Guest] = {}
    malformed: list[str] = []
    for raw in records:
        try:
            guest = guest_from(raw, session_id, labels)
        except MalformedRecord as err:
            malformed.append(str(err))
            continue
        guests[guest.id] = guest
    return list(guests.values()), malformed
