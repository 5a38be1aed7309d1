"""What one badge shows, taken from the neutral Guest only (no platform's field names), and its Code 128 bars."""

from __future__ import annotations

import re
from dataclasses import dataclass

import barcode

from kiosk.domain.models import Guest

_COLOR = re.compile(r"#?([0-9a-fA-F]{6})")


@dataclass(frozen=True)
class Badge:
    name: str
    company: str
    event: str
    # "#rrggbb", or None for no band.
    color: str | None
    # What the barcode carries: what a scanner at the door would read back to find the guest.
    code: str


def badge_for(guest: Guest, event_name: str) -> Badge:
    """The guest's badge: their access code (else their id, which the door also finds) as the barcode."""
    match = _COLOR.fullmatch((guest.highlight_color or "").strip())
    color = f"#{match.group(1).lower()}" if match else None
    return Badge(guest.display_name, guest.company, event_name, color, guest.access_code or guest.id)


def code128_modules(code: str) -> str:
    """The bars as '1' (black) and '0' (white) modules, without quiet zones (the layout leaves them)."""
    # python-barcode picks the Code 128 code sets and the check symbol; only its module string is used,
    # so the bars are drawn as vectors at the printer's own resolution rather than as a scaled image.
    modules: str = barcode.get_barcode_class("code128")(code).build()[0]
    return modules
