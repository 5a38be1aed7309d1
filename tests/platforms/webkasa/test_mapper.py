"""The Webkasa mapper on the document's own registration shape, every status, and records it must skip."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from kiosk.domain import Mode, VerdictKind
from kiosk.domain.decide import decide
from kiosk.domain.models import Admission, DisplayField
from kiosk.domain.timeutil import TIME_NOT_KNOWN as SHOWN_AS_UNKNOWN
from kiosk.platforms.webkasa.mapper import UNKNOWN_CHECK_IN, MalformedRecord, listing_from, parse_when
from kiosk.ui.verdict_text import describe_since

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def registration(**changes: Any) -> dict[str, Any]:
    """The document's sample registration."""
    sample = {"id": "reg_abc123", "event_id": "evt_abc123", "attendee_name": "John Doe",
              "attendee_email": "john@example.com", "attendee_phone": "+1234567890", "status": "CONFIRMED",
              "guest_count": 2, "notes": "Dietary restrictions: vegan", "created_at": "2024-01-01T00:00:00Z"}
    return {**sample, **changes}


def test_the_documents_sample_is_a_guest_whose_code_is_the_registration_id() -> None:
    (guest,), malformed = listing_from([registration()])
    assert malformed == []
    assert (guest.id, guest.access_code, guest.name, guest.email) == (
        "reg_abc123", "reg_abc123", "John Doe", "john@example.com")
    assert guest.admission is Admission.ADMISSIBLE and not guest.is_inside
    # Staff read the companion count and the notes; nothing at the door decides on them.
    assert guest.fields["guest_count"] == 2 and guest.fields["notes"] == "Dietary restrictions: vegan"
    assert guest.companion_count == 2  # the door asks how many of the two came
    assert guest.display == (DisplayField("notes", "Notes", "Dietary restrictions: vegan"),)
    assert guest.fields["attendee_phone"] == "+1234567890"
    assert guest.server_update == datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("status", "verdict"), [
    ("CONFIRMED", VerdictKind.ADMITTED),
    ("PENDING", VerdictKind.NOT_CONFIRMED),
    ("CANCELLED", VerdictKind.CANCELLED),
    ("ATTENDED", VerdictKind.ALREADY_IN),
])
def test_every_documented_status_at_the_door(status: str, verdict: VerdictKind) -> None:
    (guest,), malformed = listing_from([registration(status=status)])
    assert malformed == []
    assert decide(guest, [], Mode.CHECK_IN, NOW).kind is verdict


def test_attended_is_inside_at_a_time_the_door_shows_as_unknown() -> None:
    (guest,), _ = listing_from([registration(status="ATTENDED")])
    assert guest.is_inside and guest.check_in == UNKNOWN_CHECK_IN == SHOWN_AS_UNKNOWN
    assert describe_since(guest.check_in, NOW, None) == "Checked in on the platform, time not known"


def test_malformed_records_are_skipped_with_one_line_each() -> None:
    bad: list[object] = [
        "reg_1",
        registration(id=None),
        registration(id=""),
        registration(id=7),
        registration(status="WAITLISTED"),
        registration(status=None),
        registration(guest_count=-1),
        registration(guest_count="two"),
        registration(created_at="yesterday"),
    ]
    guests, malformed = listing_from([registration(id="reg_ok"), *bad])
    assert [g.id for g in guests] == ["reg_ok"]
    assert len(malformed) == len(bad)
    assert all(line.strip() and "\n" not in line for line in malformed)
    assert "WAITLISTED" in malformed[4]


def test_missing_optional_members_are_not_a_problem() -> None:
    (guest,), malformed = listing_from([{"id": "reg_2", "status": "PENDING"}])
    assert malformed == [] and guest.fields["guest_count"] == 0 and guest.display_name == "reg_2"


def test_times_are_iso_strings_in_utc() -> None:
    assert parse_when("2024-01-01T00:00:00Z") == datetime(2024, 1, 1, tzinfo=UTC)
    assert parse_when("2024-01-01T00:00:00") == datetime(2024, 1, 1, tzinfo=UTC)
    assert parse_when(None) is None
    with pytest.raises(MalformedRecord):
        parse_when(1704067200)
