"""The v1 guest object on the server side: checking back-office edits and deriving index columns."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Mapping
from typing import Any

from kiosk.domain.codes import MAX_CODE_LENGTH, normalise_code
from kiosk.domain.timeutil import format_time, parse_time

GUEST_KEYS = (
    "id",
    "parentId",
    "accessCode",
    "clientUpdateDateTime",
    "serverUpdateDateTime",
    "checkInDateTime",
    "checkOutDateTime",
    "deleteDateTime",
    "registrationState",
    "highlightColor",
    "fields",
    "companions",
)
TIME_KEYS = ("clientUpdateDateTime", "checkInDateTime", "checkOutDateTime", "deleteDateTime")
STATES = ("unknown", "registered", "deregistered")
MAX_ID_LENGTH = 128
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


class GuestDataError(ValueError):
    """A guest object that cannot be stored; the message names the property and the reason."""


@functools.lru_cache(maxsize=65536)
def _time_key(text: str) -> str | None:
    return format_time(parse_time(text))


def time_key(text: str | None) -> str | None:
    """A stored time as UTC text with microseconds: it sorts and compares like the time itself."""
    return None if text is None else _time_key(text)


def code_key(code: str | None) -> str | None:
    """The access code as stations compare it (normalised); unique among guests."""
    if not code:
        return None
    if code.isascii() and code.isalnum() and len(code) <= MAX_CODE_LENGTH:
        return code.casefold()  # what normalise_code gives for these, at a fraction of the cost
    return normalise_code(code) or None


def _check_time(key: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise GuestDataError(f"{key}: expected an ISO-8601 date-time with offset or null")
    try:
        parse_time(value)
    except ValueError:
        raise GuestDataError(f"{key}: {value!r} is not an ISO-8601 date-time with offset") from None
    return value


def _check_id(key: str, value: object, *, nullable: bool) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_LENGTH:
        raise GuestDataError(f"{key}: expected a non-empty string of at most {MAX_ID_LENGTH} characters")
    return value.strip()


def _check_code(value: object) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise GuestDataError("accessCode: expected a string or null")
    code = value.strip()
    if len(code) > MAX_CODE_LENGTH or not normalise_code(code):
        raise GuestDataError(f"accessCode: {code[:40]!r} is not a usable code")
    return code


def _check_companions(value: object) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise GuestDataError('companions: expected a list of {"id": ...}')
    out = []
    for item in value:
        if not isinstance(item, Mapping) or set(item) != {"id"}:
            raise GuestDataError('companions: expected a list of {"id": ...}')
        out.append({"id": _check_id("companions[].id", item["id"], nullable=False) or ""})
    return out


def merge_guest(edit: object, stored: Mapping[str, Any] | None, now_text: str) -> dict[str, Any]:
    """The guest after a back-office edit of `stored` (None: a new guest), in canonical key order.

    Given properties replace stored ones, except `fields`, which is merged key by key so that an edit can
    touch one field. serverUpdateDateTime is the server's to set; new guests default to now for
    clientUpdateDateTime and to "registered".
    """
    if not isinstance(edit, Mapping):
        raise GuestDataError("expected a guest object")
    unknown = sorted(str(k) for k in edit if k not in GUEST_KEYS)
    if unknown:
        raise GuestDataError(f"unknown properties: {', '.join(unknown)}")
    if stored is None:
        guest: dict[str, Any] = {
            "id": _check_id("id", edit.get("id"), nullable=True) or str(uuid.uuid4()),
            "clientUpdateDateTime": now_text,
            "registrationState": "registered",
            "fields": {},
            "companions": [],
        }
    else:
        guest = dict(stored)
        guest["fields"] = dict(stored.get("fields") or {})
        if "id" in edit and edit["id"] != stored["id"]:
            raise GuestDataError("id: cannot change a guest's id")
    for key, value in edit.items():
        if key in ("id", "serverUpdateDateTime"):
            continue
        if key in TIME_KEYS:
            guest[key] = _check_time(key, value)
        elif key == "parentId":
            guest[key] = _check_id(key, value, nullable=True)
        elif key == "accessCode":
            guest[key] = _check_code(value)
        elif key == "registrationState":
            if value not in STATES:
                raise GuestDataError(f"registrationState: expected one of {', '.join(STATES)}")
            guest[key] = value
        elif key == "highlightColor":
            if value is not None and (not isinstance(value, str) or not _COLOUR.fullmatch(value)):
                raise GuestDataError("highlightColor: expected a colour like #ffeedd, or null")
            guest[key] = value
        elif key == "fields":
            if not isinstance(value, Mapping):
                raise GuestDataError("fields: expected an object")
            guest["fields"].update({str(k): v for k, v in value.items()})
        elif key == "companions":
            guest[key] = _check_companions(value)
    if guest.get("clientUpdateDateTime") is None:
        raise GuestDataError("clientUpdateDateTime: required")
    if guest.get("parentId") == guest["id"]:
        raise GuestDataError("parentId: a guest cannot be its own companion")
    guest["serverUpdateDateTime"] = now_text
    return canonical(guest)


def canonical(guest: Mapping[str, Any]) -> dict[str, Any]:
    """The guest with every documented key in documented order; highlightColor only when set."""
    out: dict[str, Any] = {}
    for key in GUEST_KEYS:
        value = guest.get(key)
        if key == "highlightColor" and value is None:
            continue
        if key == "fields":
            value = dict(value or {})
        elif key == "companions":
            value = list(value or [])
        out[key] = value
    return out


def index_columns(guest: Mapping[str, Any]) -> dict[str, Any]:
    """The columns the server searches and sorts by, derived from the guest object."""
    return {
        "id": guest["id"],
        "code_key": code_key(guest.get("accessCode")),
        "client_update": time_key(guest.get("clientUpdateDateTime")),
        "server_update": time_key(guest.get("serverUpdateDateTime")),
        "check_in": time_key(guest.get("checkInDateTime")),
        "check_out": time_key(guest.get("checkOutDateTime")),
        "deleted": time_key(guest.get("deleteDateTime")),
        "registration_state": guest.get("registrationState"),
    }
