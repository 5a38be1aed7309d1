"""The protocol every platform's connector implements, the typed errors it raises, and its capabilities.

Errors form one small tree, so that callers decide by type, never by message:

    RemoteError                 anything that went wrong talking to the server
    ├── RetryLater              transient: timeout, connection refused or reset, 5xx, 429, a cut-off body.
    │                           Nothing is lost; try again after `retry_after` seconds if the server said so.
    ├── AuthRefused             permanent until a person acts: unknown event (1000), wrong API key (1010).
    │                           `str(err)` is one line fit to show staff.
    ├── Misconfigured           permanent until the settings change: an untrusted TLS certificate, plain
    │                           http to a public address, a redirect or a 404 (probably a wrong URL).
    │   └── ChoiceNeeded        a setting must be chosen among the server's offers (a Conferences i/o session).
    ├── SessionExpired          the session token was refused (30); connectors log in again and retry
    │                           once by themselves, so callers only see it if that retry failed too.
    └── ProtocolError           the server and the kiosk disagree on the contract (10, 20, a response that
                                is not the documented shape). A bug somewhere: logged loudly, retried later.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from kiosk.domain.models import Change, Guest, PushResult


class RemoteError(Exception):
    """Base of every error a connector raises."""


class RetryLater(RemoteError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthRefused(RemoteError):
    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class Misconfigured(RemoteError):
    pass


class ChoiceNeeded(Misconfigured):
    """The settings lack a choice only the server can offer (which session a door serves, which check-in
    list it keeps); the message lists the choices in one line, `choices` holds them for a window to list."""

    def __init__(self, message: str, choices: Sequence[Choice] = ()) -> None:
        super().__init__(message)
        self.choices = tuple(choices)


class SessionExpired(RemoteError):
    pass


class ProtocolError(RemoteError):
    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class EventInfo:
    """What a successful login tells about the event."""

    event_id: str
    name: str
    company: str = ""
    station_name: str = ""
    # The event's IANA time zone, where the platform says it (export and statistics show times in it).
    time_zone: str = ""


@dataclass
class PullPage:
    """A slice of a pull response, small enough to write to the mirror in one short transaction.

    The last page of a pull has `last=True` and `cursor`: the connector's own bookmark, a string nobody
    else reads, which the mirror stores in the same transaction as the final rows and hands back to the
    next `pull`. `server_time` is the server's clock at the listing, when the platform tells it: a full
    listing's sweep stamps it on those it removes. `malformed` holds one line per record that could not
    be parsed and was skipped.
    """

    guests: list[Guest] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)
    # Changes by id that a platform accepted and its records now show were beaten (two doors let one
    # guest in at once, and another's check-in came first), with the guest as the server has them.
    late_conflicts: list[tuple[str, Guest]] = field(default_factory=list)
    last: bool = False
    cursor: str | None = None
    server_time: datetime | None = None
    expected_count: int | None = None


# This station's own changes of one attendee, newest last (the outbox's, never dropped ones): how a
# connector tells a stored state this station made from another station's.
OwnChanges = Callable[[str], Awaitable[Sequence[Change]]]


def first_per_attendee(changes: Sequence[Change]) -> list[Change]:
    """The oldest change of each attendee, in queue order: a connector sends these and answers the others
    RETRY_LATER, so one request never holds two changes whose answers could mask each other."""
    seen: set[str] = set()
    first = []
    for change in changes:
        if change.guest_id not in seen:
            seen.add(change.guest_id)
            first.append(change)
    return first


@dataclass(frozen=True)
class PushReport:
    """The server's answers to one pushed batch, in request order, and the server's clock."""

    results: list[PushResult]
    server_time: datetime | None


@dataclass(frozen=True)
class ClockSample:
    """One reading of the server's clock: the station's clock before and after the request."""

    sent: datetime
    received: datetime
    server_time: datetime

    @property
    def offset_seconds(self) -> float:
        """Server minus station, assuming the server read its clock half way through the request."""
        midpoint = self.sent + (self.received - self.sent) / 2
        return (self.server_time - midpoint).total_seconds()


class Connector(Protocol):
    """One server API. Implementations keep their own session and log in again when it expires."""

    max_batch: int
    """The most changes `push` accepts at once."""

    async def login(self) -> EventInfo: ...

    def pull(self, cursor: str | None) -> AsyncIterator[PullPage]:
        """What changed since `cursor` (the last page's of an earlier pull; everyone when None), as pages.

        A connector that lists everyone every time ignores the cursor (Capabilities.listing is FULL).
        """
        ...

    async def push(self, changes: Sequence[Change], own: OwnChanges | None = None) -> PushReport:
        """One PushResult per change, in order (RETRY_LATER for those not sent this time)."""
        ...

    async def logout(self) -> None: ...

    async def aclose(self) -> None: ...

    @property
    def last_clock_sample(self) -> ClockSample | None:
        """The newest reading of the server clock, taken from any response that carried one."""
        ...

@dataclass(frozen=True)
class Choice:
    """One of the server's offers a station picks from, as staff see it: its id and one line saying what it
    is (a session a door serves: when, what and where; a check-in list: its name)."""

    id: str
    label: str


@runtime_checkable
class ServesSessions(Protocol):
    """A connector whose doors each serve one session of the event (Conferences i/o)."""

    session: str

    async def session_choices(self) -> list[Choice]:
        """The event's sessions in the platform's order; RemoteError as any request."""
        ...


@runtime_checkable
class CountsAdmissible(Protocol):
    """A connector whose platform counts who may enter at this door (pretix: the check-in list's
    positions), which the mirror cannot: it holds every attendee of the event, refused ones too."""

    async def admissible_count(self) -> int:
        """How many may enter here, as the platform counts them now; RemoteError as any request."""
        ...


class Listing(enum.StrEnum):
    # "Changed since <cursor>": a pull brings only what changed, deletions included.
    INCREMENTAL = "incremental"
    # Everything, every time: whoever a completed listing no longer contains is gone.
    FULL = "full"


class Uploads(enum.StrEnum):
    # Check-ins reach the platform (how a resend stays single is each connector's contract).
    SERVER = "server"
    # The platform has no way to take check-ins: they stay on the station (and in its export).
    STATION_ONLY = "station-only"


@dataclass(frozen=True)
class Capabilities:
    listing: Listing
    uploads: Uploads
    # Whether the platform itself records a check-out / lets kiosk take a check-in back.
    check_out: bool
    undo: bool
