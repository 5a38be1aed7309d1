"""Scanned codes: their kinds, and normalisation so that a scan and a stored code compare equal."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

# AIM symbology identifiers ("]C1" Code 128, "]Q3" QR, "]d2" DataMatrix...) that some scanners prepend.
_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
# A real badge or access code is short; anything longer is garbage and is cut before any lookup.
MAX_CODE_LENGTH = 128


def normalise_code(raw: object) -> str:
    """Trim, drop control and format characters and an AIM prefix, fold case. '' means "no code"."""
    text = _printable(raw)
    # Fold case before removing the AIM prefix: folding can turn "]ß" into "]ss", which would look like
    # a prefix on a second pass; this order keeps normalisation idempotent.
    text = _AIM_PREFIX.sub("", text.strip().casefold(), count=1).strip()
    if len(text) > MAX_CODE_LENGTH:
        return ""
    return text


def readable_code(raw: object) -> str:
    """The scanned code as printed on the badge, for the screen: cleaned like `normalise_code`, case kept."""
    return _AIM_PREFIX.sub("", _printable(raw).strip(), count=1).strip()[:MAX_CODE_LENGTH]


def _printable(raw: object) -> str:
    if not isinstance(raw, str):
        return ""
    text = unicodedata.normalize("NFKC", raw[: MAX_CODE_LENGTH * 4])
    # Category C* is control, format (zero-width), surrogate, private-use and unassigned; Z* other than
    # a plain space is line/paragraph separators and odd spaces that no printed code contains.
    return "".join(ch for ch in text if ch == " " or unicodedata.category(ch)[0] not in "CZ")


def code_text(value: object) -> str | None:
    """A record's value as the text of a code: text and numbers are; lists, dicts and booleans are not."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
        return str(value)
    return None


def is_plausible_code(code: str) -> bool:
    """A normalised code worth looking up; anything else is answered as unknown straight away."""
    return 0 < len(code) <= MAX_CODE_LENGTH


class CodeKind(enum.StrEnum):
    """What a code that identifies an attendee is; each platform's mapper names the kind its codes are.

    The value is what the mirror stores and the attendance export writes; the window shows its own words.
    """

    # A code the platform issues for scanning (the v1 API's accessCode).
    ACCESS_CODE = "access_code"
    # The number printed on a badge: PlanDocket's check-in records, or the field a station names.
    BADGE_NUMBER = "badge_number"
    # The ticket's own secret, the text in its QR code (pretix).
    TICKET_SECRET = "ticket_secret"
    # The registration's id, printed on the confirmation (Webkasa).
    REGISTRATION_ID = "registration_id"
    # The organiser's own id for an attendee, kept by the platform (Conferences i/o).
    EXTERNAL_ID = "external_id"
    # The platform's id of the attendee record: the door finds it too, after every other code.
    ATTENDEE_ID = "attendee_id"


@dataclass(frozen=True)
class Code:
    """One code an attendee is known by, with its kind."""

    kind: CodeKind
    value: str
