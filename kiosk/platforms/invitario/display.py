"""What staff read of a v1 guest besides its name: the record's fields, labelled and ordered for the detail."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from kiosk.domain.models import DisplayField
from kiosk.domain.text import QT_TRANSLATE_NOOP

_CUSTOM_FIELD = re.compile(r"^customField(\d+)$")
# Documented fields shown under their own label, in this order; the numbered custom fields follow.
# Labels are marked for the window's translation (kiosk.ui.i18n.field_label): they reach it through the mirror.
_NAMED = (
    ("position", QT_TRANSLATE_NOOP("Fields", "Position")),
    ("externalId", QT_TRANSLATE_NOOP("Fields", "Badge number")),
    ("notes", QT_TRANSLATE_NOOP("Fields", "Notes")),
)
_NAMED_KEYS = frozenset(key for key, _ in _NAMED)
_CUSTOM_LABEL = QT_TRANSLATE_NOOP("Fields", "Custom field {number}")
# The rest of the document's fields: the name, company and email are the guest's own (Guest.name...),
# the address and phones are not door business. A field outside these came with its own name (a CSV
# column such as "Dietary needs") and is shown under it.
_NOT_SHOWN = frozenset(
    {
        "salutation",
        "firstName",
        "lastName",
        "titlePrefix",
        "titleSuffix",
        "company",
        "email",
        "street",
        "houseNumber",
        "postalCode",
        "city",
        "country",
        "phone",
        "mobilePhone",
        "fax",
    }
)


def display_fields(fields: Mapping[str, Any]) -> tuple[DisplayField, ...]:
    """Named fields, then customField1, 2, 13 ... in number order, then the record's own fields; empty left out."""
    get = fields.get
    shown = []
    for key, label in _plan(tuple(fields)):
        value = get(key)
        # The usual value is a short string: strip it here rather than through text_of.
        text = value.strip() if type(value) is str else text_of(value)
        if text:
            shown.append(DisplayField(key, label, text))
    return tuple(shown)


# The records of one list share their keys, usually in the same order: the fields to show, in order and
# labelled, are worked out once per set of keys (a first download of 100,000 guests spent 2 of its 4 s of
# mapping here when each record was classified key by key).
@functools.lru_cache(maxsize=256)
def _plan(keys: tuple[Any, ...]) -> tuple[tuple[str, str], ...]:
    custom = []
    own = []
    for key in keys:
        name = str(key)
        kind = _kind_of(name)
        if kind is None:
            continue
        number, label = kind
        if number is None:
            own.append((name, label))
        else:
            custom.append((number, (name, label)))
    return (*_NAMED, *(field for _, field in sorted(custom, key=lambda item: item[0])), *own)


# Every record of a list has the same keys: each key is classified (and labelled) once, not per guest
# (a first download of 100,000 guests spent 3 s of its 10 on matching and labelling the same few keys).
@functools.lru_cache(maxsize=1024)
def _kind_of(name: str) -> tuple[int | None, str] | None:
    """None: not shown; (number, label) for customFieldN; (None, label) for a field of the record's own."""
    if name in _NOT_SHOWN or name in _NAMED_KEYS:
        return None
    match = _CUSTOM_FIELD.match(name)
    if match:
        # A plain str: the label travels through the mirror as text, and the window translates it again
        # (kiosk.ui.i18n.field_label reads "Custom field N").
        return int(match.group(1)), _CUSTOM_LABEL.template.format(number=match.group(1))
    return None, label_of(name)


def label_of(name: str) -> str:
    """A field's name as a label: "dietaryNeeds" and "dietary_needs" -> "Dietary needs"; "Table" stays."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").strip()
    if " " in name.strip():
        return words  # written by a person already (a CSV header): keep its capitals
    return words[:1].upper() + words[1:].lower()


def text_of(value: object) -> str:
    """A field as one line: lists joined, booleans as yes/no, objects as "key: value", nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(text_of(v) for v in value if v is not None and v != "")
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {text_of(v)}" for k, v in value.items())
    return str(value).strip()
