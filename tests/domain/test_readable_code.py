"""The code as shown on screen: cleaned like the lookup key, but with its letters as printed."""

from __future__ import annotations

from kiosk.domain.codes import MAX_CODE_LENGTH, normalise_code, readable_code


def test_the_shown_code_keeps_its_case_and_drops_what_no_badge_prints() -> None:
    raw = "  ]C1ZX-404-Nope\u200b\r\n"
    assert readable_code(raw) == "ZX-404-Nope"
    assert normalise_code(raw) == "zx-404-nope" == readable_code(raw).casefold()


def test_the_shown_code_of_garbage_is_short_and_never_fails() -> None:
    assert readable_code(None) == "" and readable_code(42) == ""
    assert len(readable_code("A" * 10_000)) == MAX_CODE_LENGTH
    assert readable_code("\x00\x1b[2J") == "[2J"
