"""Conversion between domain objects (Guest, Change) and the rows the mirror and outbox store."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - optional speed-up; the standard library does the same job
    orjson = None  # type: ignore[assignment]

from kiosk.domain.codes import MAX_CODE_LENGTH, CodeKind, code_text, normalise_code
from kiosk.domain.models import Admission, Change, ChangeKind, DisplayField, Guest
from kiosk.domain.timeutil import format_time, parse_time

# Column order of the guests table as written by upserts; `row_to_guest` reads the same names.
GUEST_COLUMNS = (
    "id",
    "parent_id",
    "access_code",
    "client_update",
    "server_update",
    "check_in",
    "check_out",
    "deleted",
    "admission",
    "highlight_color",
    "fields",
    "companions",
    "sort_name",
    "name",
    "company",
    "email",
    "companion_count",
    "display",
    "check_in_station",
    "access_code_kind",
    "access_code_norm",
    "badge_norm",
)
# Positions of the presence columns in a guest row, for the queued-change rule.
CHECK_IN = GUEST_COLUMNS.index("check_in")
CHECK_OUT = GUEST_COLUMNS.index("check_out")
CLIENT_UPDATE = GUEST_COLUMNS.index("client_update")

# What a Guest is read back from: everything but the normalised codes, which only serve lookups.
GUEST_SELECT = ", ".join(f"g.{c}" for c in GUEST_COLUMNS[: GUEST_COLUMNS.index("access_code_norm")])

CHANGE_COLUMNS = "change_id, guest_id, kind, check_in, check_out, client_update, station, manual"
CHANGE_WIDTH = CHANGE_COLUMNS.count(",") + 1


def _json_default(value: object) -> object:
    # A Decimal (from a parser that keeps numbers exact) becomes int or float; other odd values are kept
    # as text rather than lost.
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and value.is_finite():
            return int(value)
        as_float = float(value)
        return as_float if math.isfinite(as_float) else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    return str(value)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default)


def dump_json(value: object) -> str:
    """Compact JSON text; orjson when installed (bulk pages spend much of their time here)."""
    if orjson is not None:
        try:
            return orjson.dumps(value, default=_json_default, option=orjson.OPT_NON_STR_KEYS).decode()
        except TypeError:
            pass  # e.g. an integer beyond 64 bits, which the standard encoder still writes
    return _ENCODER.encode(value)


def fast_normalise(code: str | None) -> str | None:
    """normalise_code(code) or None, with a shortcut for the usual short printable ASCII code.

    For such a string NFKC changes nothing, there are no control characters, and casefold is lower,
    so only the strip, the AIM-prefix check and the case fold remain; anything else takes the full path.
    """
    if code is None:
        return None
    if len(code) <= MAX_CODE_LENGTH and code.isascii() and code.isprintable():
        text = code.strip()
        if not text.startswith("]"):
            return text.lower() or None
    return normalise_code(code) or None


def guest_to_row(guest: Guest, badge_field: str) -> tuple[Any, ...] | None:
    """The row for one guest, or None when the mirror cannot hold it (no usable id)."""
    guest_id = guest.id
    if not isinstance(guest_id, str) or not guest_id.strip():
        return None
    fields = guest.fields
    if not isinstance(fields, dict):
        fields = dict(fields) if isinstance(fields, Mapping) else {}
    companions = guest.companions
    get = fields.get
    access_code = code_text(guest.access_code)
    badge = code_text(get(badge_field))
    admission = guest.admission
    color = guest.highlight_color
    return (
        guest_id,
        guest.parent_id if isinstance(guest.parent_id, str) and guest.parent_id else None,
        access_code,
        format_time(guest.client_update),
        format_time(guest.server_update),
        format_time(guest.check_in),
        format_time(guest.check_out),
        format_time(guest.deleted),
        admission.value if isinstance(admission, Admission) else Admission.UNSTATED.value,
        color if isinstance(color, str) else None,
        dump_json(fields),
        dump_json([c for c in companions if isinstance(c, str) and c]) if companions else "[]",
        _name_text(guest.sort_name),
        _name_text(guest.name),
        _name_text(guest.company),
        _name_text(guest.email),
        _count(guest.companion_count),
        _display_json(guest.display),
        _name_text(guest.check_in_station),
        _kind_value(guest.access_code_kind),
        fast_normalise(access_code),
        fast_normalise(badge),
    )


def _kind_value(kind: object) -> str | None:
    # NULL for the usual kind (and in every row written before schema 7): an access code.
    return kind.value if isinstance(kind, CodeKind) and kind is not CodeKind.ACCESS_CODE else None


def code_kind_of(value: object) -> CodeKind:
    """The CodeKind a stored value names; NULL, or one this kiosk does not know, reads as an access code."""
    try:
        return CodeKind(str(value)) if value else CodeKind.ACCESS_CODE
    except ValueError:
        return CodeKind.ACCESS_CODE


def _count(value: object) -> int:
    # A count the mirror can add up: anything but a small non-negative integer counts nobody.
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10_000 else 0


def _display_json(display: object) -> str | None:
    # [[key, label, text], ...] in the mapper's order; NULL when there is nothing to show.
    if not isinstance(display, tuple | list) or not display:
        return None
    kept = [[f.key, f.label, f.text] for f in display if isinstance(f, DisplayField)]
    return dump_json(kept) if kept else None


def _display_of(value: object) -> tuple[DisplayField, ...]:
    """The display fields from their stored JSON (text or parsed); entries of another shape are skipped."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return ()
    if not isinstance(value, list):
        return ()
    return tuple(DisplayField(str(e[0]), str(e[1]), str(e[2])) for e in value
                 if isinstance(e, list) and len(e) == 3)


def _name_text(value: object) -> str | None:
    # Empty is stored as NULL, which the search index skips.
    return value if isinstance(value, str) and value else None


def badge_norm_of(fields_json: str, badge_field: str) -> str | None:
    try:
        fields = json.loads(fields_json)
    except ValueError:
        return None
    if not isinstance(fields, dict):
        return None
    return fast_normalise(code_text(fields.get(badge_field)))


# The values of the column before schema 3 called it admission (the v1 registration states), as kept in
# conflict winners stored then; "deregistered" and "not_confirmed" are spelled the same in both.
_LEGACY_ADMISSION = {"registered": Admission.ADMISSIBLE, "unknown": Admission.UNSTATED}


def admission_of(value: object) -> Admission:
    """The Admission a stored value names; one this kiosk does not know refuses entry rather than admit."""
    if value is None:
        return Admission.UNSTATED
    text = str(value)
    try:
        return Admission(text)
    except ValueError:
        return _LEGACY_ADMISSION.get(text, Admission.CANCELLED)


def row_to_guest(row: Sequence[Any]) -> Guest:
    """A Guest from the guest columns of GUEST_SELECT, in GUEST_COLUMNS order."""
    fields = json.loads(row[10]) if row[10] else {}
    companions = json.loads(row[11]) if row[11] else []
    return Guest(
        id=row[0],
        parent_id=row[1],
        access_code=row[2],
        client_update=parse_time(row[3]),
        server_update=parse_time(row[4]),
        check_in=parse_time(row[5]),
        check_out=parse_time(row[6]),
        deleted=parse_time(row[7]),
        admission=admission_of(row[8]),
        highlight_color=row[9],
        fields=fields if isinstance(fields, dict) else {},
        companions=tuple(str(c) for c in companions) if isinstance(companions, list) else (),
        sort_name=row[12] or "",
        name=row[13] or "",
        company=row[14] or "",
        email=row[15] or "",
        companion_count=int(row[16] or 0),
        display=_display_of(row[17]) if row[17] else (),
        check_in_station=row[18],
        access_code_kind=code_kind_of(row[19]),
    )


def guest_to_json(guest: Guest) -> str:
    """A self-contained JSON copy of a guest (for a conflict's winner), readable by guest_from_json."""
    return dump_json(
        {
            "id": guest.id,
            "parent_id": guest.parent_id,
            "access_code": guest.access_code,
            "client_update": format_time(guest.client_update),
            "server_update": format_time(guest.server_update),
            "check_in": format_time(guest.check_in),
            "check_out": format_time(guest.check_out),
            "deleted": format_time(guest.deleted),
            "admission": guest.admission.value,
            "highlight_color": guest.highlight_color,
            "fields": dict(guest.fields),
            "companions": list(guest.companions),
            "name": guest.name,
            "sort_name": guest.sort_name,
            "company": guest.company,
            "email": guest.email,
            "companion_count": guest.companion_count,
            "display": [[f.key, f.label, f.text] for f in guest.display],
            "check_in_station": guest.check_in_station,
            "access_code_kind": guest.access_code_kind.value,
        }
    )


def guest_from_json(text: str | None) -> Guest | None:
    if not text:
        return None
    data = json.loads(text)
    fields = data.get("fields")
    companions = data.get("companions")
    return Guest(
        id=data["id"],
        parent_id=data.get("parent_id"),
        access_code=data.get("access_code"),
        client_update=parse_time(data.get("client_update")),
        server_update=parse_time(data.get("server_update")),
        check_in=parse_time(data.get("check_in")),
        check_out=parse_time(data.get("check_out")),
        deleted=parse_time(data.get("deleted")),
        # A winner stored before schema 3 names the v1 registration state instead.
        admission=admission_of(data.get("admission") or data.get("registration_state")),
        highlight_color=data.get("highlight_color"),
        fields=fields if isinstance(fields, dict) else {},
        companions=tuple(str(c) for c in companions) if isinstance(companions, list) else (),
        companion_count=_count(data.get("companion_count", 0)),
        display=_display_of(data.get("display")),
        check_in_station=data.get("check_in_station") if isinstance(data.get("check_in_station"), str) else None,
        access_code_kind=code_kind_of(data.get("access_code_kind")),
        # A winner stored before schema 3 has no names of its own: they were in its v1 fields.
        **(_names(data) if "name" in data else legacy_names(fields if isinstance(fields, dict) else {})),
    )


def _names(data: Mapping[str, Any]) -> dict[str, str]:
    return {key: str(data.get(key) or "") for key in ("name", "sort_name", "company", "email")}


def legacy_names(fields: Mapping[str, Any]) -> dict[str, str]:
    """The names a guest stored before schema 3 had, from its v1 fields, as that release showed them."""
    def text(key: str) -> str:
        value = code_text(fields.get(key))
        return value.strip() if value else ""

    first, last = text("firstName"), text("lastName")
    return {
        "name": " ".join(p for p in (text("titlePrefix"), first, last, text("titleSuffix")) if p),
        "sort_name": " ".join(p for p in (last, first) if p),
        "company": text("company"),
        "email": text("email"),
    }


def row_to_change(row: Sequence[Any]) -> Change:
    """A Change from the CHANGE_COLUMNS of an outbox row."""
    client_update = parse_time(row[5])
    assert client_update is not None  # the column is NOT NULL
    return Change(
        change_id=row[0],
        guest_id=row[1],
        kind=ChangeKind(row[2]),
        check_in=parse_time(row[3]),
        check_out=parse_time(row[4]),
        client_update=client_update,
        station=row[6],
        manual=bool(row[7]),
    )
