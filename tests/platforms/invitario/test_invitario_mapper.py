"""The v1 guest's fields become the guest's own name, sort name, company and email, and nothing else does."""

from __future__ import annotations

import pytest

from kiosk.domain.models import Admission
from kiosk.platforms.invitario.mapper import names, parse_guest


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"titlePrefix": "Dr.", "firstName": "Ada", "lastName": "Lovelace", "titleSuffix": "FRS"},
         ("Dr. Ada Lovelace FRS", "Lovelace Ada")),
        ({"firstName": " Alan ", "lastName": "Turing "}, ("Alan Turing", "Turing Alan")),
        ({"lastName": "Hopper"}, ("Hopper", "Hopper")),
        ({"firstName": ["not", "text"], "lastName": True}, ("", "")),
        ({}, ("", "")),
    ],
)
def test_names_come_from_the_documented_fields(fields: dict[str, object], expected: tuple[str, str]) -> None:
    found = names(fields)
    assert (found["name"], found["sort_name"]) == expected


def test_a_parsed_guest_carries_its_names_and_admission() -> None:
    guest = parse_guest({
        "id": "g1", "accessCode": "abc", "registrationState": "registered",
        "fields": {"firstName": "Grace", "lastName": "Hopper", "company": "Navy", "email": "grace@example.org"},
    })
    assert (guest.name, guest.sort_name, guest.company, guest.email) == (
        "Grace Hopper", "Hopper Grace", "Navy", "grace@example.org"
    )
    assert guest.admission is Admission.ADMISSIBLE and guest.display_name == "Grace Hopper"
    # Without a name the door still says who this is.
    nameless = parse_guest({"id": "g2", "accessCode": "xyz", "fields": {"email": "x@example.org"}})
    assert nameless.display_name == "x@example.org" and nameless.admission is Admission.UNSTATED
