"""The attendance export: one CSV row per attendee (and the scan log), fit for a spreadsheet and safe in one.

UTF-8 with a byte-order mark, so that a spreadsheet opens accents right; every cell that a spreadsheet
would read as a formula (it begins with = + - @, a tab or a carriage return) gets a leading apostrophe;
times are written in one named time zone, without offset clutter, and the header names the zone. The
file is written beside its final name and renamed into place: a full disk leaves the old file (or
none), never half an export. Nothing secret is in it: the mirror holds no API key and no PIN.
"""

from __future__ import annotations

import contextlib
import csv
import logging
import os
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.domain.models import Admission
from kiosk.domain.timeutil import is_time_known
from kiosk.storage import Attendance, ScanRecord, Store

log = logging.getLogger(__name__)

_FORMULA_START = frozenset("=+-@\t\r")
_ADMISSION = {
    Admission.ADMISSIBLE: "registered",
    Admission.UNSTATED: "registered",
    Admission.NOT_CONFIRMED: "not confirmed",
    Admission.CANCELLED: "cancelled",
    Admission.DEREGISTERED: "deregistered",
    Admission.NOT_VALID_HERE: "not valid here",
}


def safe_cell(value: object) -> str:
    """The cell as text, neutralised where a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in _FORMULA_START else text


def time_zone(name: str | None) -> tzinfo:
    """The IANA zone called `name`, or this computer's own when None; ValueError with one line if unknown."""
    if name is None:
        return datetime.now().astimezone().tzinfo or UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}: give an IANA name such as Europe/Berlin") from None


def event_zone(override: str | None, event_time_zone: str) -> tzinfo:
    """The zone an export or the statistics show times in: the one asked for (ValueError if unknown), else
    the event's as its platform reported it, else this computer's. An event zone this computer's time zone
    database lacks falls back to this computer's, with a warning: the figures must still be shown."""
    if override is not None:
        return time_zone(override)
    if event_time_zone:
        try:
            return time_zone(event_time_zone)
        except ValueError:
            log.warning("the event's time zone %r is unknown here; times are shown in this computer's",
                        event_time_zone[:64])
    return time_zone(None)


def zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or datetime.now(zone).tzname() or "local time")


def local(value: datetime | None, zone: tzinfo) -> str:
    if value is None:
        return ""
    if not is_time_known(value):  # the platform said it happened, not when (Webkasa's ATTENDED)
        return "time not known"
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def attendance_header(zone: tzinfo) -> list[str]:
    where = zone_name(zone)
    return ["Name", "Company", "Email", "Attendee id", "Access code", "Code kind", "Badge", "Registration", "Status",
            f"Checked in ({where})", f"Checked out ({where})", "Station", "Companions", "Companions in"]


def attendance_row(item: Attendance, zone: tzinfo, badge_field: str) -> list[str]:
    guest = item.guest
    if guest.deleted is not None:
        status = "removed from the list"
    elif guest.is_inside:
        status = "inside"
    elif guest.check_in is not None:
        status = "checked out"
    else:
        status = "not arrived"
    # Counted companions (a number on the registration), else linked ones (each also has a row of its own).
    companions = guest.companion_count or len(guest.companions)
    came = "" if item.companions_in is None else str(item.companions_in)
    badge = guest.fields.get(badge_field)
    return [safe_cell(v) for v in (
        guest.display_name, guest.company, guest.email, guest.id, guest.access_code or "",
        # What the access code is on the platform (a ticket secret, a badge number...), in plain words.
        guest.access_code_kind.value.replace("_", " ") if guest.access_code else "",
        badge if isinstance(badge, str | int) and not isinstance(badge, bool) else "",
        _ADMISSION[guest.admission], status, local(guest.check_in, zone), local(guest.check_out, zone),
        item.station or guest.check_in_station or "", companions or "", came,
    )]


def scan_header(zone: tzinfo) -> list[str]:
    return [f"Time ({zone_name(zone)})", "Code", "Verdict", "Attendee id", "Station", "Mode"]


def scan_row(scan: ScanRecord, zone: tzinfo) -> list[str]:
    return [safe_cell(v) for v in (local(scan.at, zone), scan.code, scan.verdict, scan.guest_id or "",
                                   scan.station, scan.mode)]


def export_attendance(store: Store, path: Path, zone: tzinfo) -> int:
    """Write every attendee of the mirror to `path`; how many rows. OSError (nothing replaced) on failure."""
    rows = (attendance_row(item, zone, store.badge_field) for item in store.attendance())
    return _write(path, attendance_header(zone), rows)


def export_scans(store: Store, path: Path, zone: tzinfo) -> int:
    """Write this station's scan log to `path`, oldest first; how many rows."""
    return _write(path, scan_header(zone), (scan_row(scan, zone) for scan in store.scan_log()))


def _write(path: Path, header: list[str], rows: Iterable[list[str]]) -> int:
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    count = 0
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            count = _write_rows(out, header, rows)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return count


def _write_rows(out: IO[str], header: list[str], rows: Iterable[list[str]]) -> int:
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count

