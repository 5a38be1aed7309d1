"""The admission decision: what a scan of a guest means in the station's current mode."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.models import Admission, Change, Guest
from kiosk.domain.text import QT_TRANSLATE_NOOP, Text


class Mode(enum.StrEnum):
    CHECK_IN = "check-in"
    CHECK_OUT = "check-out"
    TOGGLE = "toggle"


class VerdictKind(enum.StrEnum):
    ADMITTED = "admitted"
    CHECKED_OUT = "checked_out"
    ALREADY_IN = "already_in"
    NOT_IN = "not_in"
    UNKNOWN = "unknown"
    DELETED = "deleted"
    DEREGISTERED = "deregistered"
    NOT_CONFIRMED = "not_confirmed"
    CANCELLED = "cancelled"
    NOT_VALID_HERE = "not_valid_here"

    @property
    def colour(self) -> str:
        """The verdict class a door team reads at a glance: green (in), blue (out), amber or red.

        A check-out is never green: door staff read green as "let in".
        """
        if self is VerdictKind.ADMITTED:
            return "green"
        if self is VerdictKind.CHECKED_OUT:
            return "blue"
        if self in (VerdictKind.ALREADY_IN, VerdictKind.NOT_IN):
            return "amber"
        return "red"

    @property
    def changes_presence(self) -> bool:
        return self in (VerdictKind.ADMITTED, VerdictKind.CHECKED_OUT)


MESSAGES = {
    VerdictKind.ADMITTED: QT_TRANSLATE_NOOP("Verdict", "Welcome: checked in"),
    VerdictKind.CHECKED_OUT: QT_TRANSLATE_NOOP("Verdict", "Checked out"),
    VerdictKind.ALREADY_IN: QT_TRANSLATE_NOOP("Verdict", "Already checked in"),
    VerdictKind.NOT_IN: QT_TRANSLATE_NOOP("Verdict", "Not checked in: nothing to check out"),
    VerdictKind.UNKNOWN: QT_TRANSLATE_NOOP("Verdict", "Code not known"),
    VerdictKind.DELETED: QT_TRANSLATE_NOOP("Verdict", "This guest was removed from the list"),
    VerdictKind.DEREGISTERED: QT_TRANSLATE_NOOP("Verdict", "This guest has deregistered"),
    VerdictKind.NOT_CONFIRMED: QT_TRANSLATE_NOOP("Verdict", "Registration not confirmed"),
    VerdictKind.CANCELLED: QT_TRANSLATE_NOOP("Verdict", "This registration was cancelled"),
    VerdictKind.NOT_VALID_HERE: QT_TRANSLATE_NOOP("Verdict", "This ticket is not valid at this entrance"),
}
# Admission states that may not enter, and the verdict each gets (platforms map theirs onto these).
REFUSED_STATES = {
    Admission.DEREGISTERED: VerdictKind.DEREGISTERED,
    Admission.NOT_CONFIRMED: VerdictKind.NOT_CONFIRMED,
    Admission.CANCELLED: VerdictKind.CANCELLED,
    Admission.NOT_VALID_HERE: VerdictKind.NOT_VALID_HERE,
}


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    guest: Guest | None
    # The presence state to queue when the verdict changes it (check_in, check_out), else None.
    new_check_in: datetime | None = None
    new_check_out: datetime | None = None
    # For already_in: when the guest came in, and at which station if this station knows it.
    since: datetime | None = None
    station: str | None = None

    @property
    def message(self) -> Text:
        return MESSAGES[self.kind]


def effective_guest(guest: Guest, pending: Sequence[Change]) -> Guest:
    """The guest as the server will see it once the queue drains: last writer (by client time) wins."""
    current = guest
    for change in sorted(pending, key=lambda c: c.client_update):
        if current.client_update is None or change.client_update >= current.client_update:
            current = current.with_presence(change.check_in, change.check_out, change.client_update)
    return current


def decide(guest: Guest | None, pending: Sequence[Change], mode: Mode, now: datetime) -> Verdict:
    """Decide a scan from the mirrored guest plus this station's queued changes for it."""
    if guest is None:
        return Verdict(VerdictKind.UNKNOWN, None)
    if guest.deleted is not None:
        return Verdict(VerdictKind.DELETED, guest)
    refused = REFUSED_STATES.get(guest.admission)
    current = effective_guest(guest, pending)
    inside = current.is_inside
    # Staff may admit an unconfirmed registration (CheckIn.admit_unconfirmed): once inside, a scan says so.
    if refused is not None and not (refused is VerdictKind.NOT_CONFIRMED and inside):
        return Verdict(refused, guest)
    wants_in = mode is Mode.CHECK_IN or (mode is Mode.TOGGLE and not inside)
    if wants_in:
        if inside:
            # This station's own change says where it was made; else the platform, if it names a station.
            station = _station_of_check_in(current, pending) or current.check_in_station
            return Verdict(VerdictKind.ALREADY_IN, current, since=current.check_in, station=station)
        return Verdict(VerdictKind.ADMITTED, current, new_check_in=now, new_check_out=None)
    if not inside:
        return Verdict(VerdictKind.NOT_IN, current)
    return Verdict(VerdictKind.CHECKED_OUT, current, new_check_in=current.check_in, new_check_out=now)


def _station_of_check_in(guest: Guest, pending: Sequence[Change]) -> str | None:
    for change in pending:
        if change.check_in is not None and change.check_in == guest.check_in:
            return change.station
    return None
