"""What kiosk needs to know about a platform before it talks to it: how it lists attendees, how it takes uploads."""

from __future__ import annotations

import enum
from dataclasses import dataclass


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
