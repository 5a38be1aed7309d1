"""What the platform mappers share in reading a record: its one-line refusal, its times, its text values."""

from __future__ import annotations

from datetime import UTC, datetime


class MalformedRecord(ValueError):
    """A record that is not the documented shape; one line for the log, and the record is skipped."""


def parse_when(value: object) -> datetime | None:
    """An ISO-8601 time as the documents give them (`Z` or an offset); one without an offset is read as UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise MalformedRecord(f"not a time: {value!r}")
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise MalformedRecord(f"not a time: {value!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def text_of(value: object) -> str | None:
    """A record's value as text: strings trimmed (empty is None), numbers written out, anything else None."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None
