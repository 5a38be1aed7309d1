"""v1 guest objects from the wire into domain Guests; a malformed record is refused with a short reason."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from kiosk.domain.codes import CodeKind
from kiosk.domain.models import Admission, Guest
from kiosk.domain.timeutil import parse_time
from kiosk.platforms.invitario.display import display_fields

log = logging.getLogger(__name__)

# Ids are UUIDs in practice; the limits only keep absurd values out of the mirror, logs and screen.
MAX_ID_CHARS = 200
# A scanner never types more than normalise_code's 128 characters; far longer is a broken record.
MAX_CODE_CHARS = 1024
MAX_TIME_CHARS = 64
MAX_COLOR_CHARS = 64
# The document's registrationState values, and what each means at the door.
REGISTRATION_STATES = {
    "unknown": Admission.UNSTATED,
    "registered": Admission.ADMISSIBLE,
    "deregistered": Admission.DEREGISTERED,
}

_PARSED: dict[str, datetime] = {}
_PARSED_MAX = 10_000
_TIME_KEYS = (
    "clientUpdateDateTime",
    "serverUpdateDateTime",
    "checkInDateTime",
    "checkOutDateTime",
    "deleteDateTime",
)


def parse_guest(obj: object) -> Guest:
    """One guest object as the v1 document describes it; ValueError with a short reason if malformed.

    Reasons name keys and JSON types only, never values, so they can be logged without personal data.
    """
    if not isinstance(obj, dict):
        raise ValueError(f"not an object but {json_kind(obj)}")
    guest_id = obj.get("id")
    if not isinstance(guest_id, str) or not guest_id.strip():
        raise ValueError("id missing or not a non-empty string")
    if len(guest_id) > MAX_ID_CHARS:
        raise ValueError(f"id longer than {MAX_ID_CHARS} characters")
    times = [_time(obj.get(key), key) for key in _TIME_KEYS]
    fields = obj.get("fields")
    if fields is None:
        fields = {}
    elif not isinstance(fields, dict):
        raise ValueError(f"fields is {json_kind(fields)}, not an object")
    shown = names(fields)
    return Guest(
        id=guest_id,
        access_code=_optional_str(obj, "accessCode", MAX_CODE_CHARS),
        access_code_kind=CodeKind.ACCESS_CODE,
        parent_id=_optional_str(obj, "parentId", MAX_ID_CHARS),
        client_update=times[0],
        server_update=times[1],
        check_in=times[2],
        check_out=times[3],
        deleted=times[4],
        admission=_admission(obj.get("registrationState")),
        highlight_color=_highlight_color(obj.get("highlightColor")),
        fields=fields,
        name=shown["name"],
        sort_name=shown["sort_name"],
        company=shown["company"],
        email=shown["email"],
        display=display_fields(fields),
        companions=_companions(guest_id, obj.get("companions")),
    )


def record_label(obj: object, index: int) -> str:
    """How a malformed line names a record: its id when that is a sane one-line string, else its position."""
    if isinstance(obj, dict):
        guest_id = obj.get("id")
        if isinstance(guest_id, str) and 0 < len(guest_id) <= MAX_ID_CHARS and guest_id.isprintable():
            return f"guest {guest_id}"
    return f"guest #{index}"


def json_kind(value: object) -> str:
    """The JSON type of a parsed value, for messages that must not quote the value itself."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def parse_wire_time(value: object, what: str) -> datetime | None:
    """An ISO-8601 time with offset, or None for null; ValueError naming `what`, never quoting the value."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{what} is {json_kind(value)}, not a date-time string")
    if len(value) > MAX_TIME_CHARS:
        raise ValueError(f"{what} is not an ISO-8601 date-time")
    try:
        parsed = parse_time(value)
    except ValueError:
        if _parses_naive(value):
            raise ValueError(f"{what} has no UTC offset") from None
        raise ValueError(f"{what} is not an ISO-8601 date-time") from None
    return parsed


def _parses_naive(text: str) -> bool:
    try:
        return datetime.fromisoformat(text).tzinfo is None
    except ValueError:
        return False


def _time(value: object, key: str) -> datetime | None:
    # A full list repeats the same few times (a bulk import's serverUpdateDateTime, registration
    # times by the minute): each distinct text is parsed once. Datetimes are immutable, so sharing is safe.
    if type(value) is not str:
        return parse_wire_time(value, key)  # None, or a ValueError naming the key
    parsed = _PARSED.get(value)
    if parsed is None:
        parsed = parse_wire_time(value, key)
        assert parsed is not None
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[value] = parsed
    return parsed


def _optional_str(obj: dict[str, Any], key: str, max_chars: int) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key} is {json_kind(value)}, not a string")
    if len(value) > max_chars:
        raise ValueError(f"{key} longer than {max_chars} characters")
    return value


def _admission(value: object) -> Admission:
    # Missing means the server has nothing to say: "unknown", as the document's own default value.
    # An unrecognised state refuses the record instead of guessing: reading "cancelled" as "unknown"
    # would admit a guest the server meant to keep out.
    if value is None:
        return Admission.UNSTATED
    if isinstance(value, str) and value.casefold() in REGISTRATION_STATES:
        return REGISTRATION_STATES[value.casefold()]
    if isinstance(value, str) and len(value) <= 40 and value.isprintable():
        raise ValueError(f"registrationState {value!r} is not one of {'|'.join(REGISTRATION_STATES)}")
    raise ValueError(f"registrationState is not one of {'|'.join(REGISTRATION_STATES)}")


def _highlight_color(value: object) -> str | None:
    # Cosmetic only: a colour that is not a short string is dropped rather than losing the guest.
    if isinstance(value, str) and 0 < len(value) <= MAX_COLOR_CHARS:
        return value
    return None


def _companions(guest_id: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError(f"companions is {json_kind(value)}, not a list")
    ids: list[str] = []
    for entry in value:
        companion = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(companion, str) and companion.strip() and len(companion) <= MAX_ID_CHARS:
            ids.append(companion)
    if len(ids) != len(value):
        # A bad companion link costs the link, not the guest: the guest itself is still admissible.
        log.debug("guest %s: skipped %d malformed companion entries", guest_id, len(value) - len(ids))
    return tuple(ids)


def names(fields: dict[str, Any]) -> dict[str, str]:
    """Guest's name, sort name, company and email from the v1 fields (the document's names for them)."""
    get = fields.get
    first, last = _field_text(get("firstName")), _field_text(get("lastName"))
    name = " ".join(filter(None, (_field_text(get("titlePrefix")), first, last, _field_text(get("titleSuffix")))))
    return {"name": name, "sort_name": " ".join(filter(None, (last, first))),
            "company": _field_text(get("company")), "email": _field_text(get("email"))}


def _field_text(value: object) -> str:
    # A plain string first: every guest of a download comes through here six times.
    if type(value) is str:
        return value.strip()
    return str(value).strip() if isinstance(value, str | int | float) and not isinstance(value, bool) else ""
