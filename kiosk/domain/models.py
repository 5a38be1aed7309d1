"""Frozen dataclasses for guests, queued changes and the server's answers to them."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from kiosk.domain.codes import Code, CodeKind, code_text, normalise_code


class Admission(enum.StrEnum):
    """Whether the platform lets an attendee in, in kiosk's words; each mapper maps its platform's states."""

    # Registered, confirmed: may enter.
    ADMISSIBLE = "admissible"
    # The platform says nothing either way (v1's "unknown"): may enter, but is not offered as a companion.
    UNSTATED = "unstated"
    NOT_CONFIRMED = "not_confirmed"
    CANCELLED = "cancelled"
    DEREGISTERED = "deregistered"
    # A ticket the platform issued, for something this entrance does not admit (pretix: a product that is
    # not on the station's check-in list).
    NOT_VALID_HERE = "not_valid_here"

    @property
    def may_enter(self) -> bool:
        return self in (Admission.ADMISSIBLE, Admission.UNSTATED)


@dataclass(frozen=True)
class DisplayField:
    """One line of an attendee's detail as their platform would show it, in the platform's order."""

    # The platform's own name for the field: what a station's `field_labels` rename it by.
    key: str
    label: str
    text: str


@dataclass(frozen=True)
class Guest:
    """One attendee, the same for every platform: each platform's mapper fills it from its records.

    `name` is the display name as the platform would print it, `sort_name` what lists are ordered by
    (family name first, where the platform says which that is). `fields` is the rest of the platform's
    record, kept for staff to read; nothing decides on it, except the station's chosen badge field.
    Companions come two ways: `companions`, the ids of linked attendees with records of their own (v1),
    or `companion_count`, people the platform counts on this registration with no record at all
    (Webkasa's guest_count): the door asks how many of them came. `display` is the rest of the record
    that staff read, labelled and ordered by the mapper, so that no widget knows a platform's field names.
    """

    id: str
    access_code: str | None = None
    parent_id: str | None = None
    client_update: datetime | None = None
    server_update: datetime | None = None
    check_in: datetime | None = None
    check_out: datetime | None = None
    deleted: datetime | None = None
    admission: Admission = Admission.UNSTATED
    highlight_color: str | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)
    companions: tuple[str, ...] = ()
    name: str = ""
    sort_name: str = ""
    company: str = ""
    email: str = ""
    companion_count: int = 0
    display: tuple[DisplayField, ...] = ()
    # Where the platform says the current check-in was recorded (another door, its own desk), if it says.
    check_in_station: str | None = None
    # What `access_code` is on this platform (a ticket secret, a badge number...), as its mapper names it.
    access_code_kind: CodeKind = CodeKind.ACCESS_CODE

    def codes(self, badge_field: str | None = None) -> tuple[Code, ...]:
        """The codes the door finds this attendee by, each with its kind, in the order the door tries them.

        `badge_field` is the station's choice: a field of the record that holds a printed badge number.
        """
        found = []
        if isinstance(self.access_code, str) and self.access_code:
            found.append(Code(self.access_code_kind, self.access_code))
        badge = code_text(self.fields.get(badge_field)) if badge_field else None
        if badge:
            found.append(Code(CodeKind.BADGE_NUMBER, badge))
        found.append(Code(CodeKind.ATTENDEE_ID, self.id))
        return tuple(found)

    def matched_code(self, code_norm: str, badge_field: str | None = None) -> Code | None:
        """Which of `codes` a normalised scan names (the first, as the door's lookup tries them), if any."""
        return next((c for c in self.codes(badge_field) if code_norm and normalise_code(c.value) == code_norm), None)

    @property
    def is_inside(self) -> bool:
        """Checked in and not checked out since."""
        if self.check_in is None:
            return False
        return self.check_out is None or self.check_out < self.check_in

    @property
    def display_name(self) -> str:
        """The name, or whatever else tells people who this is when the platform gave none."""
        return self.name or self.email or self.access_code or self.id

    def with_presence(self, check_in: datetime | None, check_out: datetime | None, at: datetime) -> Guest:
        return replace(self, check_in=check_in, check_out=check_out, client_update=at)


class ChangeKind(enum.StrEnum):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    UNDO = "undo"


@dataclass(frozen=True)
class Change:
    """A check-in or check-out made at this station, queued until the server has answered for it.

    It carries the guest's whole new presence state (both times), not a delta, so that the server's
    last-writer-wins on `client_update` makes a resend harmless.
    """

    change_id: str
    guest_id: str
    kind: ChangeKind
    check_in: datetime | None
    check_out: datetime | None
    client_update: datetime
    station: str
    # Made by staff (a search result, a companion, an undo) rather than by a scanned code; platforms
    # that record how a check-in was made are told.
    manual: bool = False


class PushOutcome(enum.StrEnum):
    """What a platform did with one pushed change; every connector answers each change with one of these."""

    # Recorded by this push.
    ACCEPTED = "accepted"
    # Nothing new was recorded, and nothing needs to be: an earlier send of it landed (its answer was
    # lost), or the platform already shows what the change asks for.
    ALREADY_RECORDED = "already-recorded"
    # Another station's change came first; `PushResult.guest` is the attendee as the platform has them.
    CONFLICT = "conflict"
    # Permanent: the platform will never take it (an unknown attendee, a field it refuses); `message` says why.
    REFUSED = "refused"
    # Not taken this time (it waits for the answer to an earlier change of the same attendee): stays queued.
    RETRY_LATER = "retry-later"

    @property
    def done(self) -> bool:
        """The platform has the change: the station need not send it again."""
        return self in (PushOutcome.ACCEPTED, PushOutcome.ALREADY_RECORDED)


@dataclass(frozen=True)
class PushResult:
    """The platform's answer for one change: what happened and, when it says, the guest as stored after it."""

    guest_id: str
    outcome: PushOutcome
    guest: Guest | None = None
    message: str = ""
