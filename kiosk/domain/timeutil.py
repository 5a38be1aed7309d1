"""ISO-8601 date-time helpers: every time the kiosk stores or sends carries an offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# A platform said that something happened (Webkasa's ATTENDED), not when: stored as the epoch, and every
# place that shows or counts a time reads it as "time not known" (is_time_known).
TIME_NOT_KNOWN = datetime(1970, 1, 1, tzinfo=UTC)


def is_time_known(value: datetime | None) -> bool:
    return value is not None and value > TIME_NOT_KNOWN


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_time(text: str | None) -> datetime | None:
    """Parse an ISO-8601 time with an offset; None stays None. A time without offset is refused."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError(f"not a date-time string: {text!r}")
    value = datetime.fromisoformat(text)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"date-time without offset: {text!r}")
    if value.year in (1, 9999):
        # At the ends of the calendar an offset can put the instant outside what datetime holds in
        # UTC; such a time could be neither stored nor sent (format_time works in UTC).
        try:
            value.astimezone(UTC)
        except OverflowError:
            raise ValueError(f"date-time out of range: {text!r}") from None
    return value


def format_time(value: datetime | None) -> str | None:
    """Format as ISO-8601 in UTC with microseconds, so stored strings also sort in time order."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def corrected(now: datetime, offset_seconds: float) -> datetime:
    """The station's clock moved onto the server's, by the estimated offset (server minus station)."""
    return now + timedelta(seconds=offset_seconds)
