"""Guest import from CSV: a header row names the columns; bad rows are reported and skipped.

Headers match guest properties and the documented fields loosely ("First name", "first_name" and
"firstName" are one column); customFieldN is recognised; any other column goes into `fields` under its
header as written. An empty cell leaves a property out (an empty `id` gets a new UUID) and sets a field to
null. A row needs an accessCode or an externalId, or nobody could check that guest in. Companions name
their main guest in a parentId column, after it. The file may be UTF-8 (with or without BOM) or
Windows-1252, separated by commas, semicolons or tabs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.platforms.invitario.emulator.guests import GuestDataError
from kiosk.platforms.invitario.emulator.store import ServerStore

_TOP = (
    "id",
    "parentId",
    "accessCode",
    "registrationState",
    "highlightColor",
    "clientUpdateDateTime",
    "checkInDateTime",
    "checkOutDateTime",
    "deleteDateTime",
)
_FIELDS = (
    "salutation",
    "titlePrefix",
    "firstName",
    "lastName",
    "titleSuffix",
    "company",
    "position",
    "street",
    "houseNumber",
    "postalCode",
    "city",
    "country",
    "phone",
    "mobilePhone",
    "fax",
    "email",
    "externalId",
    "notes",
)
_CUSTOM = re.compile(r"customfield(\d+)")


def _squash(name: str) -> str:
    return re.sub(r"[\s_\-.]", "", name).lower()


_BY_SQUASHED = {_squash(n): ("top", n) for n in _TOP} | {_squash(n): ("field", n) for n in _FIELDS}


def column_target(header: str) -> tuple[str, str]:
    """("top", property) or ("field", field name) for a CSV header."""
    squashed = _squash(header)
    if squashed in _BY_SQUASHED:
        return _BY_SQUASHED[squashed]
    custom = _CUSTOM.fullmatch(squashed)
    if custom:
        return "field", f"customField{int(custom.group(1))}"
    return "field", header.strip()


@dataclass
class ImportReport:
    imported: int = 0
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        skipped = f", {len(self.problems)} problem(s)" if self.problems else ""
        return f"imported {self.imported} guest(s){skipped}"


def _read_text(path: Path, report: ImportReport) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.problems.append(f"{path.name}: not UTF-8; read as Windows-1252")
        return raw.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return max(",;\t", key=first.count)


def _edit_from_row(columns: list[tuple[str, str]], row: list[str]) -> dict[str, Any]:
    edit: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    for (kind, name), cell in zip(columns, row, strict=True):
        value = cell.strip()
        if kind == "top":
            if value and name not in edit:
                edit[name] = value
        elif name not in fields or fields[name] is None:
            fields[name] = value or None
    edit["fields"] = fields
    return edit


def import_csv(store: ServerStore, path: str | Path, now: Callable[[], str]) -> ImportReport:
    """Import every good row of a CSV file in one transaction; the report lists each skipped row."""
    path = Path(path)
    report = ImportReport()
    text = _read_text(path, report)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        report.problems.append(f"{path.name}: no header row")
        return report
    columns = [column_target(h) for h in header]
    seen: set[str] = set()
    with store.transaction() as conn:
        now_text = now()
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                report.problems.append(f"line {reader.line_num}: unreadable ({err})")
                continue
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                report.problems.append(f"line {line}: {len(row)} cells, but the header has {len(header)}")
                continue
            edit = _edit_from_row(columns, row)
            if not edit.get("accessCode") and not edit["fields"].get("externalId"):
                report.problems.append(f"line {line}: neither accessCode nor externalId")
                continue
            if edit.get("id") in seen:
                report.problems.append(f"line {line}: id {edit['id']} appears twice in the file")
                continue
            conn.execute("SAVEPOINT csv_row")
            try:
                guest = store.upsert(conn, edit, now_text)
            except GuestDataError as err:
                conn.execute("ROLLBACK TO csv_row")
                report.problems.append(f"line {line}: {err}")
            else:
                seen.add(guest["id"])
                report.imported += 1
            conn.execute("RELEASE csv_row")
    return report
