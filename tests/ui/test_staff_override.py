"""A registration that is not confirmed: refused at the door, admitted by staff with one confirmation, logged."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.domain import Mode, VerdictKind
from kiosk.domain.models import Admission, Guest
from kiosk.services.checkin import CheckIn, ScanOutcome
from kiosk.services.desk import Desk
from kiosk.storage import Store
from kiosk.ui.staff_panel import StaffPanel

PENDING = Guest("reg-p", access_code="PEND-1", admission=Admission.NOT_CONFIRMED, name="Pat Pending")
GONE = Guest("reg-c", access_code="CANC-1", admission=Admission.CANCELLED, name="Cal Cancelled")


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "station.sqlite3")
    opened.apply_pull_page([PENDING, GONE], cursor="listed")
    return opened


def test_staff_admit_an_unconfirmed_guest_once_and_the_door_then_says_already_in(store: Store) -> None:
    checkin = CheckIn(store, "North")
    assert checkin.scan("PEND-1", Mode.CHECK_IN).kind is VerdictKind.NOT_CONFIRMED
    admitted = checkin.admit_unconfirmed("reg-p")
    assert admitted.kind is VerdictKind.ADMITTED and admitted.change is not None and admitted.change.manual
    logged = store.recent_scans(1)[0]
    assert (logged.code, logged.mode, logged.verdict, logged.station) == ("override:reg-p", "override", "admitted",
                                                                         "North")
    assert checkin.scan("PEND-1", Mode.CHECK_IN).kind is VerdictKind.ALREADY_IN
    guest = store.get_guest("reg-p")
    assert guest is not None and guest.admission is Admission.NOT_CONFIRMED  # the platform's word stays


def test_only_an_unconfirmed_registration_can_be_overridden(store: Store) -> None:
    checkin = CheckIn(store, "North")
    for gid in ("reg-c", "nobody"):
        with pytest.raises(ValueError, match="not confirmed"):
            checkin.admit_unconfirmed(gid)
    assert store.queued_count() == 0


def test_the_staff_detail_offers_it_with_one_confirmation_and_volunteers_never_see_it(
    qtbot: QtBot, store: Store
) -> None:
    panel = StaffPanel(Desk(store, "North"), CheckIn(store, "North"), lambda: Mode.CHECK_IN)
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.show()
    made: list[ScanOutcome] = []
    panel.outcome_made.connect(made.append)
    panel.search_edit.setText("pat")
    panel.run_search()
    panel.results.selectRow(0)
    button = panel.finder.override_button
    assert button.isVisible() and not panel.check_in_button.isEnabled()
    button.click()
    assert panel.confirm_bar.isVisible() and "not confirmed" in panel.confirm_label.text()
    assert store.queued_count() == 0  # nothing before the confirmation
    panel.confirm_yes.click()
    assert [o.kind for o in made] == [VerdictKind.ADMITTED] and store.queued_count() == 1
    assert panel.message.text() == "Admitted by staff override: Pat Pending"
    assert not button.isVisible()  # inside now: nothing left to override
    panel.set_volunteer(True)
    panel.search_edit.setText("cal")
    panel.run_search()
    panel.results.selectRow(0)
    assert not button.isVisible()
