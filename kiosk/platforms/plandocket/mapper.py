"""PlanDocket participants and check-in records into kiosk's guests (see the package docstring for the choices)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kiosk.domain.codes import CodeKind
from kiosk.domain.models import Admission, DisplayField, Guest

# What kiosk writes into a check-in's `notes`, followed by the change's id: the read-back before a resend
# finds its own earlier POST by it (the POST is not idempotent).
NOTE_PREFIX = "kiosk:"
# An unconfirmed participation is refused at the door (decide() treats this state like deregistered).
# The guest field that holds the contact's customer number: the station's badge field for PlanDocket.
CUSTOMER_NUMBER = "customerNumber"


class MalformedRecord(ValueError):
    """A participant or check-in record that is not the documented shape; one line for the log."""


def parse_when(value: object) -> datetime | None:
    """A time as the documents give it: an ISO-8601 string (the schema) or epoch seconds (the sample)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise MalformedRecord(f"not a time: {value!r}")
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            raise MalformedRecord(f"not a time: {value!r}") from None
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00") if value.strip().endswith("Z") else value.strip()
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise MalformedRecord(f"not a time: {value!r}") from None
        # A time without an offset is read as UTC: the documents name none.
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    raise MalformedRecord(f"not a time: {value!r}")


def _int_id(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedRecord(f"{what} is not an integer: {value!r}")
    return value


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = str(value).strip()
        return text or None
    return None


@dataclass(frozen=True)
class CheckInRecord:
    id: int
    participant_id: int
    badge_number: str | None
    station: str | None
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    is_checked_in: bool
    notes: str | None

    @property
    def change_id(self) -> str | None:
        """The kiosk change that created this record, if kiosk did."""
        if not self.notes or not self.notes.startswith(NOTE_PREFIX):
            return None
        words = self.notes[len(NOTE_PREFIX) :].split()
        return words[0] if words else None

    @property
    def last_seen(self) -> datetime | None:
        times = [t for t in (self.checked_in_at, self.checked_out_at) if t is not None]
        return max(times) if times else None


def check_in_record(raw: object) -> CheckInRecord:
    if not isinstance(raw, Mapping):
        raise MalformedRecord(f"a check-in is not a JSON object: {type(raw).__name__}")
    is_in = raw.get("is_checked_in")
    if not isinstance(is_in, bool):
        raise MalformedRecord(f"check-in {raw.get('id')!r}: is_checked_in is not true or false")
    return CheckInRecord(
        # The schema says `id`, the document's sample `check-in_id`: either is read.
        id=_int_id(raw.get("id", raw.get("check-in_id")), "a check-in's id"),
        participant_id=_int_id(raw.get("event_participant_id"), "a check-in's event_participant_id"),
        badge_number=_text(raw.get("badge_number")),
        station=_text(raw.get("station")),
        checked_in_at=parse_when(raw.get("checked_in_at")),
        checked_out_at=parse_when(raw.get("checked_out_at")),
        is_checked_in=is_in,
        notes=_text(raw.get("notes")),
    )


@dataclass
class Presence:
    """What the check-in list says about one participant: newest record first, and every badge number."""

    records: list[CheckInRecord] = field(default_factory=list)

    @property
    def newest(self) -> CheckInRecord | None:
        return max(self.records, key=lambda r: (r.checked_in_at or datetime.min.replace(tzinfo=UTC), r.id),
                   default=None)

    @property
    def badge_number(self) -> str | None:
        with_badge = [r for r in self.records if r.badge_number]
        newest = max(with_badge, key=lambda r: r.id, default=None)
        return newest.badge_number if newest else None

    def open_record(self) -> CheckInRecord | None:
        """The newest record that is still checked in."""
        open_ones = [r for r in self.records if r.is_checked_in]
        return max(open_ones, key=lambda r: r.id, default=None)


def presence_by_participant(records: Iterable[CheckInRecord]) -> dict[int, Presence]:
    found: dict[int, Presence] = {}
    for record in records:
        found.setdefault(record.participant_id, Presence()).records.append(record)
    return found


def guest_from(raw: object, presence: Presence | None) -> Guest:
    """One participant (with `include=contact`) and its check-ins as a guest; MalformedRecord if unusable."""
    if not isinstance(raw, Mapping):
        raise MalformedRecord(f"a participant is not a JSON object: {type(raw).__name__}")
    participant_id = _int_id(raw.get("id", raw.get("participant_id")), "a participant's id")  # schema, sample
    confirmed = raw.get("is_confirmed")
    if not isinstance(confirmed, bool):
        raise MalformedRecord(f"participant {participant_id}: is_confirmed is not true or false")
    contact = raw.get("contact")
    contact = contact if isinstance(contact, Mapping) else {}
    first, last = _text(contact.get("first_name")) or "", _text(contact.get("last_name")) or ""
    customer_number = _text(contact.get("customer_number"))
    # The customer number is a field so that the station's badge field can name it.
    fields: dict[str, Any] = {CUSTOMER_NUMBER: customer_number} if customer_number is not None else {}
    updated = parse_when(raw.get("updated_at"))
    newest = presence.newest if presence is not None else None
    check_in = newest.checked_in_at if newest is not None else None
    check_out = None if newest is None or newest.is_checked_in else newest.checked_out_at
    seen = [t for t in (updated, newest.last_seen if newest else None) if t is not None]
    return Guest(
        id=str(participant_id),
        access_code=presence.badge_number if presence is not None else None,
        access_code_kind=CodeKind.BADGE_NUMBER,
        client_update=max(seen) if seen else None,
        server_update=updated,
        check_in=check_in,
        check_out=check_out,
        admission=Admission.ADMISSIBLE if confirmed else Admission.NOT_CONFIRMED,
        fields=fields,
        name=" ".join(p for p in (first, last) if p),
        sort_name=" ".join(p for p in (last, first) if p),
        company=_text(contact.get("company")) or "",
        email=_text(contact.get("email")) or "",
        display=(DisplayField(CUSTOMER_NUMBER, "Customer number", customer_number),) if customer_number else (),
        # The station its newest check-in record names: "already in since 10:42 at South".
        check_in_station=newest.station if newest is not None else None,
    )


def late_check_ins(presence: Presence) -> list[str]:
    """Kiosk changes whose check-in came while another check-in of the same participant was still open.

    A station admits a participant only while its mirror shows them outside; a second open record means
    two doors let the same person in before either heard of the other. The first one in stands.
    """
    open_ones = sorted((r for r in presence.records if r.is_checked_in),
                       key=lambda r: (r.checked_in_at or datetime.min.replace(tzinfo=UTC), r.id))
    return [r.change_id for r in open_ones[1:] if r.change_id]


def usable_records(raw: Iterable[object]) -> tuple[list[CheckInRecord], list[str]]:
    """The check-in records that can be read, and one line per record that could not."""
    records: list[CheckInRecord] = []
    malformed: list[str] = []
    for item in raw:
        try:
            records.append(check_in_record(item))
        except MalformedRecord as err:
            malformed.append(str(err))
    return records, malformed


def listing_from(
    participants: Iterable[object], records: Iterable[object]
) -> tuple[list[Guest], list[str], list[tuple[str, Guest]]]:
    """Every usable participant as a guest, one line per record that was skipped, and the kiosk changes
    each participant's records show were beaten (late_check_ins)."""
    usable, malformed = usable_records(records)
    presence = presence_by_participant(usable)
    guests: list[Guest] = []
    late: list[tuple[str, Guest]] = []
    for raw in participants:
        try:
            pid = raw.get("id", raw.get("participant_id")) if isinstance(raw, Mapping) else None
            seen = presence.get(pid) if isinstance(pid, int) else None
            guest = guest_from(raw, seen)
        except MalformedRecord as err:
            malformed.append(str(err))
            continue
        guests.append(guest)
        if seen is not None:
            late.extend((change_id, guest) for change_id in late_check_ins(seen))
    return guests, malformed, late

