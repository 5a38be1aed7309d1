"""Code normalisation: what a scanner sends and what the mirror stores must compare equal."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk.domain.codes import MAX_CODE_LENGTH, Code, CodeKind, normalise_code
from kiosk.domain.models import Guest


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ABC123", "abc123"),
        ("  abc123 \r\n", "abc123"),
        ("]C1ABC123", "abc123"),
        ("]Q3abc123", "abc123"),
        ("]d2 B000123", "b000123"),
        ("ab\x00c\x1b1\u200b23", "abc123"),
        ("ＡＢＣ１２３", "abc123"),  # full-width forms from some keyboard layouts
        ("Straße", "strasse"),
        ("", ""),
        ("\t\n", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise_code(raw) == expected


def test_overlong_input_is_no_code() -> None:
    assert normalise_code("x" * 10_000) == ""
    assert normalise_code("x" * MAX_CODE_LENGTH) == "x" * MAX_CODE_LENGTH


def test_non_string_is_no_code() -> None:
    assert normalise_code(None) == ""
    assert normalise_code(12345) == ""


@example("]ß")  # folds to "]ss", which must not then read as an AIM prefix
@given(st.text())
def test_normalise_is_idempotent_and_clean(raw: str) -> None:
    once = normalise_code(raw)
    assert normalise_code(once) == once
    assert len(once) <= MAX_CODE_LENGTH
    assert all(ch.isprintable() or ch == " " for ch in once)


def test_a_guest_is_known_by_its_code_then_the_station_badge_field_then_its_id_each_with_its_kind() -> None:
    guest = Guest(id="42", access_code="SeCrEt-1", access_code_kind=CodeKind.TICKET_SECRET,
                  fields={"customerNumber": 7001, "flag": True})
    assert guest.codes("customerNumber") == (Code(CodeKind.TICKET_SECRET, "SeCrEt-1"),
                                             Code(CodeKind.BADGE_NUMBER, "7001"), Code(CodeKind.ATTENDEE_ID, "42"))
    # A field that holds no code (a boolean, nothing) adds none; no access code, none either.
    assert guest.codes("flag") == guest.codes("missing") == guest.codes() == (
        Code(CodeKind.TICKET_SECRET, "SeCrEt-1"), Code(CodeKind.ATTENDEE_ID, "42"))
    assert [c.kind for c in Guest(id="42").codes("customerNumber")] == [CodeKind.ATTENDEE_ID]


def test_a_scan_is_matched_to_the_code_it_names_in_the_order_the_door_tries_them() -> None:
    guest = Guest(id="7001", access_code="SeCrEt-1", access_code_kind=CodeKind.TICKET_SECRET,
                  fields={"customerNumber": "7001"})

    def kind(code_norm: str, badge_field: str | None = None) -> CodeKind | None:
        matched = guest.matched_code(code_norm, badge_field)
        return matched.kind if matched else None

    assert kind(normalise_code(" ]Q3SECRET-1\r\n"), "customerNumber") is CodeKind.TICKET_SECRET
    # The badge number and the id are the same text: the badge comes first, as in the mirror's lookup.
    assert kind("7001", "customerNumber") is CodeKind.BADGE_NUMBER
    assert kind("7001") is CodeKind.ATTENDEE_ID
    assert guest.matched_code("secret-2", "customerNumber") is None and guest.matched_code("") is None
