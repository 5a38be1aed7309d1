"""Guests as the Invitario mapper makes them: a test writes the v1 fields, names and details follow from them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kiosk.domain.models import Guest
from kiosk.platforms.invitario.display import display_fields
from kiosk.platforms.invitario.mapper import names


def v1_guest(**kwargs: Any) -> Guest:
    """Guest(**kwargs) with name, sort name, company, email and display fields taken from its v1 `fields`."""
    guest = Guest(**kwargs)
    found: dict[str, Any] = dict(names(dict(guest.fields)))
    return replace(guest, **found, display=display_fields(guest.fields))
