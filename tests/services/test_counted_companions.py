"""Companions a registration only counts (no records of their own): asked at the door, kept, counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.domain import Mode, VerdictKind
from kiosk.domain.models import Admission, Guest
from kiosk.services.checkin import CheckIn
from kiosk.services.desk import Desk
from kiosk.storage import Store

PARTY = Guest("reg-1", access_code="REG-1", admission=Admission.ADMISSIBLE, name="Ada Party", companion_count=2)
ALONE = Guest("reg-2", access_code="REG-2", admission=Admission.ADMISSIBLE, name="Solo Visitor")


@pytest.fixture()
def door(tmp_path: Path) -> tuple[Store, CheckIn, Desk]:
    store = Store.open(tmp_path / "station.sqlite3")
    store.apply_pull_page([PARTY, ALONE], cursor="listed")
    return store, CheckIn(store, "North"), Desk(store, "North")


def test_an_admitted_registration_offers_its_counted_companions_and_they_count_once_answered(
    door: tuple[Store, CheckIn, Desk],
) -> None:
    store, checkin, desk = door
    assert (desk.status().checked_in, desk.status().total) == (0, 4)  # two people plus two counted
    outcome = checkin.scan("REG-1", Mode.CHECK_IN)
    assert outcome.kind is VerdictKind.ADMITTED and outcome.counted_companions == 2
    assert checkin.scan("REG-2", Mode.CHECK_IN).counted_companions == 0
    assert desk.status().checked_in == 2  # not asked yet: only the two registrants
    assert store.companions_in("reg-1") is None
    assert checkin.record_companions("reg-1", 1) == 1
    assert store.companions_in("reg-1") == 1 and desk.status().checked_in == 3
    assert checkin.record_companions("reg-1", 2) == 2  # a second answer corrects the first
    assert desk.status().checked_in == 4
    logged = store.recent_scans(1)[0]
    assert (logged.code, logged.verdict, logged.guest_id) == ("companions=2:reg-1", "companions_in", "reg-1")


def test_an_answer_beyond_the_registration_or_for_a_guest_not_inside_is_refused_and_writes_nothing(
    door: tuple[Store, CheckIn, Desk],
) -> None:
    store, checkin, _ = door
    with pytest.raises(ValueError, match="checked in"):
        checkin.record_companions("reg-1", 1)
    checkin.scan("REG-1", Mode.CHECK_IN)
    scans = store.counts()["scans"]
    for wrong in (3, -1, True, "2"):
        with pytest.raises(ValueError, match="counts 2"):
            checkin.record_companions("reg-1", wrong)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="checked in"):
        checkin.record_companions("nobody", 0)
    assert store.companions_in("reg-1") is None and store.counts()["scans"] == scans


def test_the_next_change_of_the_registrant_clears_the_answer_so_the_door_asks_again(
    door: tuple[Store, CheckIn, Desk],
) -> None:
    store, checkin, desk = door
    checkin.scan("REG-1", Mode.CHECK_IN)
    checkin.record_companions("reg-1", 2)
    checkin.scan("REG-1", Mode.CHECK_OUT)
    assert store.companions_in("reg-1") is None and desk.status().checked_in == 0
    again = checkin.scan("REG-1", Mode.CHECK_IN)
    assert again.counted_companions == 2 and desk.status().checked_in == 1


def test_counted_companions_survive_a_new_listing_and_leave_with_a_removed_registration(
    door: tuple[Store, CheckIn, Desk],
) -> None:
    store, checkin, desk = door
    checkin.scan("REG-1", Mode.CHECK_IN)
    checkin.record_companions("reg-1", 2)
    gen = store.begin_listing()
    store.complete_listing(gen, "listed-again", [store.get_guest("reg-1"), ALONE])  # type: ignore[list-item]
    assert store.companions_in("reg-1") == 2 and desk.status().checked_in == 3
    gen = store.begin_listing()
    store.complete_listing(gen, "listed-3", [ALONE])
    assert (desk.status().checked_in, desk.status().total) == (0, 1)
