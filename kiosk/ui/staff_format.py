"""Plain-words text for the staff tools: guest states, local times, conflicts and the undo question."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from kiosk.domain import Guest
from kiosk.domain.models import Admission, Change, ChangeKind
from kiosk.domain.timeutil import is_time_known
from kiosk.storage import Conflict

INSIDE = "inside"
NOT_INSIDE = "not inside"
DELETED = "deleted"
# The admission states that keep a guest out, in staff words (the door's verdicts say the same).
REFUSED = {
    Admission.NOT_CONFIRMED: "not confirmed",
    Admission.CANCELLED: "cancelled",
    Admission.DEREGISTERED: "deregistered",
    Admission.NOT_VALID_HERE: "not valid here",
}
_REGISTRATION = {
    Admission.ADMISSIBLE: "Registered",
    Admission.UNSTATED: "Not stated",
    Admission.NOT_CONFIRMED: "Not confirmed",
    Admission.CANCELLED: "Cancelled",
    Admission.DEREGISTERED: "Deregistered",
    Admission.NOT_VALID_HERE: "Not valid at this entrance",
}

def guest_state(guest: Guest) -> str:
    """Inside / not inside / a refused state / deleted: what a door team needs to know first."""
    if guest.deleted is not None:
        return DELETED
    if guest.admission in REFUSED:
        return REFUSED[guest.admission]
    return INSIDE if guest.is_inside else NOT_INSIDE


def can_check_in(guest: Guest) -> bool:
    return guest_state(guest) == NOT_INSIDE


def needs_override(guest: Guest) -> bool:
    """A registration that is not confirmed, of a guest not inside: staff may admit them by override."""
    return guest.deleted is None and guest.admission is Admission.NOT_CONFIRMED and not guest.is_inside


def can_check_out(guest: Guest) -> bool:
    return guest_state(guest) == INSIDE


def local_time(value: datetime | None, now: datetime | None = None) -> str:
    """A time as staff read it on this station's clock: "14:05" today, "3 Jun 14:05" on other days."""
    if value is None:
        return ""
    if not is_time_known(value):  # the platform said "checked in" without a time
        return "time not known"
    here = value.astimezone()
    today = (now or datetime.now().astimezone()).astimezone().date()
    if here.date() == today:
        return here.strftime("%H:%M")
    return f"{here.day} {here.strftime('%b %H:%M')}"


def detail_rows(
    guest: Guest, now: datetime | None = None, labels: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """Label/text pairs for the guest detail, empty values left out.

    `labels` names fields the way the event does ({"customField1": "Ticket type"}, the station config's
    `field_labels`): a platform may number its custom fields without saying what they mean.
    """
    labels = labels or {}
    rows = [
        ("State", guest_state(guest).capitalize()),
        ("Registration", _REGISTRATION[guest.admission]),
        ("Checked in", local_time(guest.check_in, now)),
        ("Checked out", local_time(guest.check_out, now)),
        ("Access code", guest.access_code or ""),
        # Companions the registration counts without records of their own (the door asks how many came).
        ("Companions", f"+{guest.companion_count} on the registration" if guest.companion_count else ""),
    ]
    if guest.deleted is not None:
        rows.append(("Removed from list", local_time(guest.deleted, now)))
    rows += [(labels.get("company") or "Company", guest.company), (labels.get("email") or "Email", guest.email)]
    # The rest as the platform's mapper labelled and ordered it; the event's own labels win by field name.
    rows += [(labels.get(field.key) or field.label, field.text) for field in guest.display]
    return [(label, text) for label, text in rows if text]


def presence_text(guest: Guest, now: datetime | None = None) -> str:
    """The presence a record shows, e.g. "inside since 14:05" or "checked out at 15:10"."""
    if guest.deleted is not None:
        return "removed from the guest list"
    if guest.is_inside:
        return f"inside since {local_time(guest.check_in, now)}"
    if guest.check_out is not None:
        return f"checked out at {local_time(guest.check_out, now)}"
    return "not checked in"


def change_text(change: Change, now: datetime | None = None) -> str:
    """What this station did, e.g. "checked in at 14:02"."""
    when = local_time(change.client_update, now)
    if change.kind is ChangeKind.CHECK_IN:
        return f"checked in at {when}"
    if change.kind is ChangeKind.CHECK_OUT:
        return f"checked out at {when}"
    inside = change.check_in is not None and (change.check_out is None or change.check_out < change.check_in)
    return f"undid an action at {when} (leaving the guest {'inside' if inside else 'not inside'})"


def conflict_lines(conflict: Conflict, now: datetime | None = None) -> tuple[str, str]:
    """Two lines: what this station did and when; what the server kept instead and when."""
    change = conflict.change
    ours = f"This station ({change.station}) {change_text(change, now)}."
    winner = conflict.winner
    if winner is None:
        return ours, "Another station's later change was kept instead."
    kept = f"Kept instead: {presence_text(winner, now)}"
    if winner.client_update is not None:
        kept += f" (changed at {local_time(winner.client_update, now)})"
    return ours, kept + "."


def undo_question(change: Change | None, name: str | None) -> str:
    """The confirmation asked before an undo, e.g. "Undo check-in of Jane Doe?"."""
    if change is None or name is None:
        return "Undo this station's last check-in or check-out?"
    if change.kind is ChangeKind.UNDO:
        return f"Undo the last undo for {name}?"
    action = "check-in" if change.kind is ChangeKind.CHECK_IN else "check-out"
    return f"Undo {action} of {name}?"


def usable_labels(raw: object) -> dict[str, str]:
    """The config's `field_labels` ({"customField1": "Ticket type"}), entries that are not text left out."""
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): v.strip() for k, v in raw.items() if isinstance(v, str) and v.strip()}
