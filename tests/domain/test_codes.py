"""Code normalisation: what a scanner sends and what the mirror stores must compare equal."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk.domain.codes import MAX_CODE_LENGTH, normalise_code


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
