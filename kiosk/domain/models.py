"""Frozen dataclasses for guests, queued changes and the server's answers to them."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Guest:
    """One guest as the server describes it (v1 guest object), times parsed."""

    id: str
    access_code: str | None = None
    parent_id: str | None = None
    client_update: datetime | None = None
    server_update: datetime | None = None
    check_in: datetime | None = None
    check_out: datetime | None = None
    deleted: datetime | None = None
    registration_state: str = "unknown"
    highlight_color: str | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)
    companions: tuple[str, ...] = ()

    @property
    def is_inside(self) -> bool:
        """Checked in and not checked out since."""
        if self.check_in is None:
            return False
        return self.check_out is None or self.check_out < self.check_in

    @property
    def display_name(self) -> str:
        f = self.fields
        parts = [f.get("titlePrefix"), f.get("firstName"), f.get("lastName"), f.get("titleSuffix")]
        name = " ".join(str(p) for p in parts if p)
        return name or str(f.get("email") or self.access_code or self.id)

    @property
    def company(self) -> str:
        return str(self.fields.get("company") or "")

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


class ChangeOutcome(enum.StrEnum):
    APPLIED = "applied"
    SUPERSEDED = "superseded"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PushResult:
    """The server's answer for one change: what happened and the guest as stored after it."""

    guest_id: str
    outcome: ChangeOutcome
    guest: Guest | None = None
    message: str = ""
