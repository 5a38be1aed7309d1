"""Times carry offsets; stored strings sort in time order."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kiosk.domain.timeutil import format_time, parse_time


def test_parse_requires_offset() -> None:
    assert parse_time("2018-01-01T18:30:00+02:00") == datetime(2018, 1, 1, 16, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_time("2018-01-01T18:30:00")
    with pytest.raises(ValueError):
        parse_time(12)  # type: ignore[arg-type]


def test_format_is_utc_and_sortable() -> None:
    a = datetime(2026, 1, 1, 23, 0, tzinfo=timezone(timedelta(hours=-5)))
    b = datetime(2026, 1, 2, 3, 0, 0, 1, tzinfo=UTC)
    fa, fb = format_time(a), format_time(b)
    assert fa == "2026-01-02T04:00:00.000000+00:00"
    assert fa is not None and fb is not None and fb < fa
    assert parse_time(fa) == a
