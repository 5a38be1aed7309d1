"""The admission decision in each mode, from the mirror plus the station's own queued changes."""

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.domain import Change, Guest, Mode, VerdictKind, decide
from kiosk.domain.decide import effective_guest
from kiosk.domain.models import Admission, ChangeKind

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=1)


def guest(**kw: object) -> Guest:
    return Guest(id="g1", access_code="abc", admission=Admission.ADMISSIBLE, **kw)  # type: ignore[arg-type]


def change(at: datetime, check_in: datetime | None, check_out: datetime | None, station: str = "A") -> Change:
    return Change("c-" + at.isoformat(), "g1", ChangeKind.CHECK_IN, check_in, check_out, at, station)


def test_unknown_when_no_guest() -> None:
    assert decide(None, [], Mode.CHECK_IN, NOW).kind is VerdictKind.UNKNOWN


def test_deleted_beats_everything() -> None:
    v = decide(guest(deleted=T0, check_in=T0), [], Mode.CHECK_IN, NOW)
    assert v.kind is VerdictKind.DELETED
    assert v.new_check_in is None


def test_deregistered() -> None:
    g = Guest(id="g1", admission=Admission.DEREGISTERED)
    assert decide(g, [], Mode.TOGGLE, NOW).kind is VerdictKind.DEREGISTERED


@pytest.mark.parametrize("mode", list(Mode))
def test_an_unconfirmed_registration_is_refused_in_every_mode(mode: Mode) -> None:
    verdict = decide(Guest(id="g1", admission=Admission.NOT_CONFIRMED), [], mode, NOW)
    assert verdict.kind is VerdictKind.NOT_CONFIRMED and verdict.new_check_in is None
    assert verdict.message == "Registration not confirmed"


def test_check_in_admits_then_already_in_with_station() -> None:
    v = decide(guest(), [], Mode.CHECK_IN, NOW)
    assert v.kind is VerdictKind.ADMITTED and v.new_check_in == NOW and v.new_check_out is None
    pending = [change(NOW, NOW, None, station="North door")]
    again = decide(guest(), pending, Mode.CHECK_IN, NOW + timedelta(seconds=5))
    assert again.kind is VerdictKind.ALREADY_IN
    assert again.since == NOW and again.station == "North door"


def test_another_stations_check_in_says_where_when_the_platform_names_the_station() -> None:
    elsewhere = decide(guest(check_in=T0, check_in_station="South"), [], Mode.CHECK_IN, NOW)
    assert elsewhere.kind is VerdictKind.ALREADY_IN and (elsewhere.since, elsewhere.station) == (T0, "South")
    ours = [change(T0, T0, None, station="North door")]
    assert decide(guest(check_in=T0, check_in_station="South"), ours, Mode.CHECK_IN, NOW).station == "North door"
    assert decide(guest(check_in=T0), [], Mode.CHECK_IN, NOW).station is None


def test_check_out_of_guest_not_inside() -> None:
    assert decide(guest(), [], Mode.CHECK_OUT, NOW).kind is VerdictKind.NOT_IN
    left = guest(check_in=T0, check_out=T0 + timedelta(minutes=5), client_update=T0 + timedelta(minutes=5))
    assert decide(left, [], Mode.CHECK_OUT, NOW).kind is VerdictKind.NOT_IN


def test_check_out_keeps_check_in_time() -> None:
    inside = guest(check_in=T0, client_update=T0)
    v = decide(inside, [], Mode.CHECK_OUT, NOW)
    assert v.kind is VerdictKind.CHECKED_OUT
    assert (v.new_check_in, v.new_check_out) == (T0, NOW)


def test_toggle_alternates() -> None:
    g = guest()
    pending: list[Change] = []
    kinds = []
    for i in range(4):
        at = NOW + timedelta(seconds=i)
        v = decide(g, pending, Mode.TOGGLE, at)
        kinds.append(v.kind)
        pending.append(change(at, v.new_check_in, v.new_check_out))
    assert kinds == [VerdictKind.ADMITTED, VerdictKind.CHECKED_OUT, VerdictKind.ADMITTED, VerdictKind.CHECKED_OUT]


def test_newer_mirror_state_wins_over_older_pending() -> None:
    # Another station checked the guest out after this station's queued check-in: last writer wins.
    later = NOW + timedelta(minutes=1)
    mirror = guest(check_in=NOW, check_out=later, client_update=later)
    pending = [change(NOW, NOW, None)]
    assert not effective_guest(mirror, pending).is_inside
    assert decide(mirror, pending, Mode.CHECK_IN, later).kind is VerdictKind.ADMITTED


# What each verdict means at the door, written out here rather than derived from the code under test, so a
# new verdict (or a changed one) must be given its class on purpose.
EXPECTED_COLOURS = {
    VerdictKind.ADMITTED: "green",
    VerdictKind.CHECKED_OUT: "blue",  # never green: door staff read green as "let in"
    VerdictKind.ALREADY_IN: "amber",
    VerdictKind.NOT_IN: "amber",
    VerdictKind.UNKNOWN: "red",
    VerdictKind.DELETED: "red",
    VerdictKind.DEREGISTERED: "red",
    VerdictKind.NOT_CONFIRMED: "red",
    VerdictKind.CANCELLED: "red",
    VerdictKind.NOT_VALID_HERE: "red",  # a ticket for another entrance: it may not pass here
}


def test_every_verdict_is_classed_on_purpose() -> None:
    assert set(EXPECTED_COLOURS) == set(VerdictKind), "a verdict kind has no expected colour here"


@pytest.mark.parametrize("kind", list(VerdictKind))
def test_every_verdict_has_its_colour_and_a_message(kind: VerdictKind) -> None:
    from kiosk.domain.decide import MESSAGES

    assert kind.colour == EXPECTED_COLOURS[kind]
    assert MESSAGES[kind].strip()


@pytest.mark.parametrize(
    ("admission", "kind"),
    [
        (Admission.DEREGISTERED, VerdictKind.DEREGISTERED),
        (Admission.NOT_CONFIRMED, VerdictKind.NOT_CONFIRMED),
        (Admission.CANCELLED, VerdictKind.CANCELLED),
        (Admission.ADMISSIBLE, VerdictKind.ADMITTED),
        (Admission.UNSTATED, VerdictKind.ADMITTED),
    ],
)
def test_each_admission_state_decides_the_door_the_same_way_on_every_platform(
    admission: Admission, kind: VerdictKind
) -> None:
    verdict = decide(Guest(id="g1", admission=admission), [], Mode.CHECK_IN, NOW)
    assert verdict.kind is kind
    assert admission.may_enter is (kind is VerdictKind.ADMITTED)
