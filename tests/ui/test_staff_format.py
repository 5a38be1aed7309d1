"""The staff tools' words for a guest's state: every admission state that keeps a guest out is named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.domain.models import Admission, Guest
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


def test_a_check_in_the_platform_gave_no_time_for_reads_time_not_known() -> None:
    from kiosk.ui.verdict_text import UNKNOWN_CHECK_IN

    guest = Guest(id="reg_1", admission=Admission.ADMISSIBLE, check_in=UNKNOWN_CHECK_IN,
                  fields={"guest_count": 2, "status": "ATTENDED"})
    rows = dict(detail_rows(guest, NOW))
    assert rows["Checked in"] == "time not known" and rows["State"] == "Inside"
    assert rows["Guest count"] == "2"  # the companion count, for staff to read
