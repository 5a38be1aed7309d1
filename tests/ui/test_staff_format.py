"""The staff tools' words for a guest's state: every admission state that keeps a guest out is named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.domain.codes import CodeKind
from kiosk.domain.models import Admission, DisplayField, Guest
from kiosk.ui.staff_format import can_check_in, can_check_out, detail_rows, guest_state

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("admission", "state", "registration"),
    [
        (Admission.ADMISSIBLE, "not inside", "Registered"),
        (Admission.UNSTATED, "not inside", "Not stated"),
        (Admission.NOT_CONFIRMED, "not confirmed", "Not confirmed"),
        (Admission.CANCELLED, "cancelled", "Cancelled"),
        (Admission.DEREGISTERED, "deregistered", "Deregistered"),
    ],
)
def test_the_state_and_registration_rows_name_the_admission(
    admission: Admission, state: str, registration: str
) -> None:
    guest = Guest("g1", access_code="abc", admission=admission)
    assert guest_state(guest) == state
    # Staff are not offered a check-in the door would refuse (the door's refusal says why).
    assert can_check_in(guest) is admission.may_enter
    assert not can_check_out(guest)
    rows = dict(detail_rows(guest, NOW))
    assert rows["State"] == state.capitalize() and rows["Registration"] == registration


def test_the_detail_names_the_companions_a_registration_counts_and_only_then() -> None:
    rows = dict(detail_rows(Guest("reg-1", admission=Admission.ADMISSIBLE, companion_count=2)))
    assert rows["Companions"] == "+2 on the registration"
    assert "Companions" not in dict(detail_rows(Guest("reg-2", admission=Admission.ADMISSIBLE)))


def test_the_detail_shows_the_mappers_display_fields_in_order_under_the_events_labels() -> None:
    guest = Guest("reg-1", admission=Admission.ADMISSIBLE, display=(
        DisplayField("attendee_phone", "Phone", "+49 30 1234"), DisplayField("notes", "Notes", "Gate B"),
        DisplayField("customField1", "Custom field 1", "VIP")))
    rows = detail_rows(guest, NOW, labels={"customField1": "Ticket type"})
    assert [(label, text) for label, text in rows if label in ("Phone", "Notes", "Ticket type")] == [
        ("Phone", "+49 30 1234"), ("Notes", "Gate B"), ("Ticket type", "VIP")]
    assert "Custom field 1" not in dict(rows)


def test_a_check_in_the_platform_gave_no_time_for_reads_time_not_known() -> None:
    from kiosk.domain.timeutil import TIME_NOT_KNOWN as UNKNOWN_CHECK_IN

    guest = Guest(id="reg_1", admission=Admission.ADMISSIBLE, check_in=UNKNOWN_CHECK_IN, companion_count=2)
    rows = dict(detail_rows(guest, NOW))
    assert rows["Checked in"] == "time not known" and rows["State"] == "Inside"
    assert rows["Companions"] == "+2 on the registration"


@pytest.mark.parametrize(("kind", "label"), [
    (CodeKind.ACCESS_CODE, "Access code"), (CodeKind.TICKET_SECRET, "Ticket code"),
    (CodeKind.BADGE_NUMBER, "Badge number"), (CodeKind.REGISTRATION_ID, "Registration ID"),
    (CodeKind.EXTERNAL_ID, "External ID"),
])
def test_the_detail_names_the_code_for_what_it_is_on_the_platform(kind: CodeKind, label: str) -> None:
    rows = dict(detail_rows(Guest("p1", access_code="X-1", access_code_kind=kind, admission=Admission.ADMISSIBLE)))
    assert rows[label] == "X-1"
    assert [name for name in ("Access code", "Ticket code", "Badge number") if name in rows] == (
        [label] if label in ("Access code", "Ticket code", "Badge number") else [])
