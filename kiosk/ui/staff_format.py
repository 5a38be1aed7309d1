"""Plain-words text for the staff tools: guest states, local times, conflicts and the undo question."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from kiosk.domain import Guest
from kiosk.domain.codes import CodeKind
from kiosk.domain.models import Admission, Change, ChangeKind
from kiosk.domain.text import QT_TRANSLATE_NOOP
from kiosk.domain.timeutil import is_time_known
from kiosk.storage import Conflict
from kiosk.ui.i18n import clock, day_and_clock, field_label, translate, translated

INSIDE = QT_TRANSLATE_NOOP("StaffText", "inside")
NOT_INSIDE = QT_TRANSLATE_NOOP("StaffText", "not inside")
DELETED = QT_TRANSLATE_NOOP("StaffText", "deleted")
# The admission states that keep a guest out, in staff words (the door's verdicts say the same).
REFUSED = {
    Admission.NOT_CONFIRMED: QT_TRANSLATE_NOOP("StaffText", "not confirmed"),
    Admission.CANCELLED: QT_TRANSLATE_NOOP("StaffText", "cancelled"),
    Admission.DEREGISTERED: QT_TRANSLATE_NOOP("StaffText", "deregistered"),
    Admission.NOT_VALID_HERE: QT_TRANSLATE_NOOP("StaffText", "not valid here"),
}
# The access code's row in the detail is named for what it is on the station's platform.
CODE_KIND_LABELS = {
    CodeKind.ACCESS_CODE: QT_TRANSLATE_NOOP("StaffText", "Access code"),
    CodeKind.BADGE_NUMBER: QT_TRANSLATE_NOOP("StaffText", "Badge number"),
    CodeKind.TICKET_SECRET: QT_TRANSLATE_NOOP("StaffText", "Ticket code"),
    CodeKind.REGISTRATION_ID: QT_TRANSLATE_NOOP("StaffText", "Registration ID"),
    CodeKind.EXTERNAL_ID: QT_TRANSLATE_NOOP("StaffText", "External ID"),
    CodeKind.ATTENDEE_ID: QT_TRANSLATE_NOOP("StaffText", "Attendee ID"),
}
_REGISTRATION = {
    Admission.ADMISSIBLE: QT_TRANSLATE_NOOP("StaffText", "Registered"),
    Admission.UNSTATED: QT_TRANSLATE_NOOP("StaffText", "Not stated"),
    Admission.NOT_CONFIRMED: QT_TRANSLATE_NOOP("StaffText", "Not confirmed"),
    Admission.CANCELLED: QT_TRANSLATE_NOOP("StaffText", "Cancelled"),
    Admission.DEREGISTERED: QT_TRANSLATE_NOOP("StaffText", "Deregistered"),
    Admission.NOT_VALID_HERE: QT_TRANSLATE_NOOP("StaffText", "Not valid at this entrance"),
}


def guest_state(guest: Guest) -> str:
    """Inside / not inside / a refused state / deleted: what a door team needs to know first."""
    return translated(_state(guest))


def _state(guest: Guest) -> str:
    if guest.deleted is not None:
        return DELETED
    if guest.admission in REFUSED:
        return REFUSED[guest.admission]
    return INSIDE if guest.is_inside else NOT_INSIDE


def can_check_in(guest: Guest) -> bool:
    return _state(guest) == NOT_INSIDE


def needs_override(guest: Guest) -> bool:
    """A registration that is not confirmed, of a guest not inside: staff may admit them by override."""
    return guest.deleted is None and guest.admission is Admission.NOT_CONFIRMED and not guest.is_inside


def can_check_out(guest: Guest) -> bool:
    return _state(guest) == INSIDE


def local_time(value: datetime | None, now: datetime | None = None) -> str:
    """A time as staff read it on this station's clock: "14:05" today, "3 Jun 14:05" on other days."""
    if value is None:
        return ""
    if not is_time_known(value):  # the platform said "checked in" without a time
        return translate("StaffText", "time not known")
    here = value.astimezone()
    today = (now or datetime.now().astimezone()).astimezone().date()
    if here.date() == today:
        return clock(here)
    return day_and_clock(here)


def detail_rows(
    guest: Guest, now: datetime | None = None, labels: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """Label/text pairs for the guest detail, empty values left out.

    `labels` names fields the way the event does ({"customField1": "Ticket type"}, the station config's
    `field_labels`): a platform may number its custom fields without saying what they mean.
    """
    labels = labels or {}
    rows = [
        (translate("StaffText", "State"), guest_state(guest).capitalize()),
        (translate("StaffText", "Registration"), translated(_REGISTRATION[guest.admission])),
        (translate("StaffText", "Checked in"), local_time(guest.check_in, now)),
        (translate("StaffText", "Checked out"), local_time(guest.check_out, now)),
        (translated(CODE_KIND_LABELS[guest.access_code_kind]), guest.access_code or ""),
        # Companions the registration counts without records of their own (the door asks how many came).
        (translate("StaffText", "Companions"), translate("StaffText", "+{count} on the registration").format(
            count=guest.companion_count) if guest.companion_count else ""),
    ]
    if guest.deleted is not None:
        rows.append((translate("StaffText", "Removed from list"), local_time(guest.deleted, now)))
    rows += [(labels.get("company") or translate("StaffText", "Company"), guest.company),
             (labels.get("email") or translate("StaffText", "Email"), guest.email)]
    # The rest as the platform's mapper labelled and ordered it; the event's own labels win by field name.
    rows += [(labels.get(field.key) or field_label(field.label), field.text) for field in guest.display]
    return [(label, text) for label, text in rows if text]


def presence_text(guest: Guest, now: datetime | None = None) -> str:
    """The presence a record shows, e.g. "inside since 14:05" or "checked out at 15:10"."""
    if guest.deleted is not None:
        return translate("StaffText", "removed from the guest list")
    if guest.is_inside:
        return translate("StaffText", "inside since {time}").format(time=local_time(guest.check_in, now))
    if guest.check_out is not None:
        return translate("StaffText", "checked out at {time}").format(time=local_time(guest.check_out, now))
    return translate("StaffText", "not checked in")


def change_text(change: Change, now: datetime | None = None) -> str:
    """What this station did, e.g. "checked in at 14:02"."""
    when = local_time(change.client_update, now)
    if change.kind is ChangeKind.CHECK_IN:
        return translate("StaffText", "checked in at {time}").format(time=when)
    if change.kind is ChangeKind.CHECK_OUT:
        return translate("StaffText", "checked out at {time}").format(time=when)
    inside = change.check_in is not None and (change.check_out is None or change.check_out < change.check_in)
    if inside:
        return translate("StaffText", "undid an action at {time} (leaving the guest inside)").format(time=when)
    return translate("StaffText", "undid an action at {time} (leaving the guest not inside)").format(time=when)


def conflict_lines(conflict: Conflict, now: datetime | None = None) -> tuple[str, str]:
    """Two lines: what this station did and when; what the server kept instead and when."""
    change = conflict.change
    ours = translate("StaffText", "This station ({station}) {action}.").format(
        station=change.station, action=change_text(change, now))
    winner = conflict.winner
    if winner is None:
        return ours, translate("StaffText", "Another station's later change was kept instead.")
    kept = translate("StaffText", "Kept instead: {presence}").format(presence=presence_text(winner, now))
    if winner.client_update is not None:
        kept += translate("StaffText", " (changed at {time})").format(time=local_time(winner.client_update, now))
    return ours, kept + "."


def undo_question(change: Change | None, name: str | None) -> str:
    """The confirmation asked before an undo, e.g. "Undo check-in of Jane Doe?"."""
    if change is None or name is None:
        return translate("StaffText", "Undo this station's last check-in or check-out?")
    if change.kind is ChangeKind.UNDO:
        return translate("StaffText", "Undo the last undo for {name}?").format(name=name)
    if change.kind is ChangeKind.CHECK_IN:
        return translate("StaffText", "Undo check-in of {name}?").format(name=name)
    return translate("StaffText", "Undo check-out of {name}?").format(name=name)


def usable_labels(raw: object) -> dict[str, str]:
    """The config's `field_labels` ({"customField1": "Ticket type"}), entries that are not text left out."""
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): v.strip() for k, v in raw.items() if isinstance(v, str) and v.strip()}
