"""Normalisation of scanned codes, so that a scan and a stored code compare equal."""

from __future__ import annotations

import re
import unicodedata

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


def is_plausible_code(code: str) -> bool:
    """A normalised code worth looking up; anything else is answered as unknown straight away."""
    return 0 < len(code) <= MAX_CODE_LENGTH
