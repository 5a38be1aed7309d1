"""The PlanDocket mapper on the documents' own shapes, both of them, and on records it must skip."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.domain.models import Admission, DisplayField
from kiosk.platforms.plandocket.mapper import MalformedRecord, listing_from, parse_when


def test_times_as_the_schema_strings_or_the_samples_epoch_seconds() -> None:
    moment = datetime(2024, 1, 1, tzinfo=UTC)
    assert parse_when(1704067200) == moment
    assert parse_when("2024-01-01T00:00:00Z") == moment
    assert parse_when("2024-01-01T01:00:00+01:00") == moment
    assert parse_when("2024-01-01T00:00:00") == moment  # no offset given: read as UTC
    bad_values: list[object] = ["yesterday", True, [], {"at": 1}]
    for bad in bad_values:
        with pytest.raises(MalformedRecord):
            parse_when(bad)


def test_the_samples_key_names_are_read_like_the_schemas() -> None:
    participants = [{"participant_id": 7, "is_confirmed": True, "created_at": 1704067200, "updated_at": 1704067200,
                     "contact": {"first_name": "Ada", "last_name": "Lovelace", "customer_number": "C7"}}]
    records = [{"check-in_id": 3, "event_participant_id": 7, "is_checked_in": True, "badge_number": "B-7",
                "checked_in_at": 1704067260, "checked_out_at": None, "station": "South"}]
    (guest,), malformed, _ = listing_from(participants, records)
    assert malformed == []
    assert (guest.id, guest.display_name, guest.access_code) == ("7", "Ada Lovelace", "B-7")
    assert guest.sort_name == "Lovelace Ada"
    assert guest.is_inside and guest.check_in == datetime(2024, 1, 1, 0, 1, tzinfo=UTC)
    assert guest.fields["customerNumber"] == "C7" and guest.admission is Admission.ADMISSIBLE
    assert guest.display == (DisplayField("customerNumber", "Customer number", "C7"),)
    assert guest.check_in_station == "South"  # "already in since 00:01 at South"


def test_unusable_records_are_skipped_each_with_one_line_and_the_rest_kept() -> None:
    participants = [
        {"id": 1, "is_confirmed": False},
        {"id": "two", "is_confirmed": True},
        {"id": 3, "is_confirmed": "yes"},
        "not an object",
        {"id": 4, "is_confirmed": True, "updated_at": "soon"},
    ]
    records = [{"id": 9, "event_participant_id": 1, "is_checked_in": "maybe"}]
    guests, malformed, _ = listing_from(participants, records)
    assert [g.id for g in guests] == ["1"] and guests[0].admission is Admission.NOT_CONFIRMED
    assert len(malformed) == 5 and all("\n" not in line for line in malformed)
