"""The Conferences i/o mapper on the document's own attendance record, every presence state, and records it skips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from kiosk.domain import Mode, VerdictKind
from kiosk.domain.decide import decide
from kiosk.domain.models import Admission, DisplayField
from kiosk.platforms.conferences_io.mapper import MalformedRecord, guest_from, labels_from, listing_from

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
LABELS = labels_from({"custom_attendee_field_1": "Registration ID", "custom_attendee_field_2": "Region",
                      "custom_attendee_field_3": None})
CDT = timezone(timedelta(hours=-5))


def record(**changes: Any) -> dict[str, Any]:
    """The document's sample attendance record (fields of study and codewords shortened)."""
    sample: dict[str, Any] = {
        "user": {"first_name": "Alex", "last_name": "Example", "email": "attendee@example.com",
                 "external_id": "ATTENDEE-001", "field_1": None, "field_2": None, "field_3": None,
                 "field_4": None, "field_5": None},
        "checkin_time": "2019-01-08T11:47:02-05:00", "checkout_time": None,
        "checkin_time_actual": "2019-01-08T12:38:02-05:00", "checkout_time_actual": None,
        "delivery_format": None, "admin_note": None, "attendee_note": None, "checkin_source": None,
        "checkout_source": None, "fields_of_study": [{"name": "Accounting", "credits": 2}],
        "history": [{"action": "checkin", "timestamp": "2019-01-08T11:47:02-05:00"}],
    }
    return {**sample, **changes}


def user(**changes: Any) -> dict[str, Any]:
    return {**record()["user"], **changes}


def test_the_documents_sample_is_an_attendee_already_in_whose_code_is_the_external_id() -> None:
    (guest,), malformed = listing_from([record()], "abcd", LABELS)
    assert malformed == []
    assert (guest.id, guest.access_code, guest.name, guest.sort_name, guest.email) == (
        "abcd/ATTENDEE-001", "ATTENDEE-001", "Alex Example", "Example, Alex", "attendee@example.com")
    assert guest.admission is Admission.ADMISSIBLE and guest.is_inside
    assert guest.check_in == datetime(2019, 1, 8, 11, 47, 2, tzinfo=CDT)
    assert decide(guest, [], Mode.CHECK_IN, NOW).kind is VerdictKind.ALREADY_IN


def test_a_preloaded_attendee_not_checked_in_is_admitted() -> None:
    (guest,), _ = listing_from([record(checkin_time=None, checkin_time_actual=None, history=[])], "abcd")
    assert guest.check_in is None and not guest.is_inside
    assert decide(guest, [], Mode.CHECK_IN, NOW).kind is VerdictKind.ADMITTED


def test_checked_out_is_not_inside_and_back_in_after_a_break_is() -> None:
    out = record(checkout_time="2019-01-08T12:30:00-05:00",
                 history=[{"action": "checkin", "timestamp": "2019-01-08T11:47:02-05:00"},
                          {"action": "checkout", "timestamp": "2019-01-08T12:30:00-05:00"}])
    (guest,), _ = listing_from([out], "abcd")
    assert not guest.is_inside and guest.check_out == datetime(2019, 1, 8, 12, 30, tzinfo=CDT)
    assert decide(guest, [], Mode.CHECK_IN, NOW).kind is VerdictKind.ADMITTED
    # Lunch: checkin_time stays the earliest, checkout_time the latest; the history says they are back.
    back = record(checkout_time="2019-01-08T12:30:00-05:00",
                  history=[{"action": "checkin", "timestamp": "2019-01-08T11:47:02-05:00"},
                           {"action": "checkout", "timestamp": "2019-01-08T12:30:00-05:00"},
                           {"action": "checkin", "timestamp": "2019-01-08T13:30:00-05:00"}])
    (guest,), _ = listing_from([back], "abcd")
    assert guest.is_inside and guest.check_in == datetime(2019, 1, 8, 13, 30, tzinfo=CDT)


def test_without_a_history_the_two_times_decide() -> None:
    (inside,), _ = listing_from([record(history=None)], "abcd")
    assert inside.is_inside
    (out,), _ = listing_from([record(history=[], checkout_time="2019-01-08T12:00:00-05:00")], "abcd")
    assert not out.is_inside


def test_custom_fields_are_shown_under_the_apps_labels_in_order_and_notes_after_them() -> None:
    raw = record(user=user(field_1="R-77", field_2="North", field_3="unlabelled"), admin_note="VIP",
                 delivery_format="in-person")
    guest = guest_from(raw, "abcd", LABELS)
    assert guest.display == (
        DisplayField("field_1", "Registration ID", "R-77"), DisplayField("field_2", "Region", "North"),
        DisplayField("field_3", "Field 3", "unlabelled"), DisplayField("admin_note", "Admin note", "VIP"),
        DisplayField("delivery_format", "Attended", "in-person"))
    assert guest.fields["field_1"] == "R-77" and guest.fields["session_id"] == "abcd"


def test_without_an_external_id_the_email_identifies_but_is_no_scan_code() -> None:
    guest = guest_from(record(user=user(external_id=None, email="Mixed@Example.COM")), "abcd")
    assert guest.id == "abcd/email:mixed@example.com" and guest.access_code is None
    assert guest.email == "Mixed@Example.COM"


def test_one_attendee_in_two_sessions_is_two_guests() -> None:
    assert guest_from(record(), "keyn").id != guest_from(record(), "wrk1").id


@pytest.mark.parametrize(("raw", "says"), [
    ("not a record", "not a JSON object"),
    ({"checkin_time": None}, "no 'user' object"),
    (record(user=user(external_id=None, email=None)), "neither an external_id nor an email"),
    (record(checkin_time="yesterday"), "attendee ATTENDEE-001: not a time"),
    (record(history=[{"action": "teleport", "timestamp": "2019-01-08T11:47:02-05:00"}]), "not a checkin or checkout"),
    (record(history=[{"action": "checkin"}]), "has no timestamp"),
    (record(history="checkin"), "history is not a list"),
])
def test_a_malformed_record_is_skipped_with_one_line_and_the_rest_kept(raw: object, says: str) -> None:
    guests, malformed = listing_from([raw, record(user=user(external_id="OK-1"))], "abcd")
    assert [g.access_code for g in guests] == ["OK-1"]
    assert len(malformed) == 1 and says in malformed[0] and "\n" not in malformed[0]
    with pytest.raises(MalformedRecord):
        guest_from(raw, "abcd")


def test_a_record_listed_twice_is_one_guest_as_the_later_record_says() -> None:
    guests, malformed = listing_from([record(), record(user=user(first_name="Alexandra"))], "abcd")
    assert malformed == [] and [g.name for g in guests] == ["Alexandra Example"]
