"""Terminal-safe text: names and server text are shown with their control characters visible, never obeyed."""

from __future__ import annotations

import json
import unicodedata

import pytest

from kiosk.domain.safe_text import json_terminal_safe, terminal_safe

HOSTILE = [
    "\x1b[2J\x1b[H",  # clear the screen
    "\x1b]0;owned\x07",  # set the window title, ended by BEL
    "Eve\rADMITTED",  # overwrite the line
    "Eve\nADMITTED: VIP",  # forge a second line
    "\x9b31mred",  # one-byte CSI (C1)
    "\x7f\x00\x08",  # DEL, NUL, backspace
    "\u202eevil\u2066x\u2069",  # right-to-left override, isolates
    "a\u2028b\u2029c",  # line and paragraph separators
]


def terminal_obeys(text: str) -> list[str]:
    return [ch for ch in text if unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029\u202e\u2066\u2069"]


@pytest.mark.parametrize("text", HOSTILE)
def test_no_control_character_reaches_the_terminal_but_each_stays_visible(text: str) -> None:
    safe = terminal_safe(text)
    assert terminal_obeys(safe) == []
    assert safe.count("\\") == len(terminal_obeys(text))  # one visible escape per control character


def test_escapes_name_the_character() -> None:
    assert terminal_safe("Eve\x1b[2J") == "Eve\\x1b[2J"
    assert terminal_safe("\x9b") == "\\x9b"
    assert terminal_safe("\u202e") == "\\u202e"


ORDINARY = ["Müller", "李小龍", "Zoë O'Brien-Łukasz", "\U0001f469\u200d\U0001f467 family", "Ἀθηνᾶ", "José\u00a0María"]


@pytest.mark.parametrize("name", ORDINARY)
def test_ordinary_names_are_unchanged(name: str) -> None:
    assert terminal_safe(name) == name


def test_json_stays_the_same_document_without_raw_controls() -> None:
    value = {"name": "".join(HOSTILE), "plain": "Müller"}
    line = json_terminal_safe(json.dumps(value, ensure_ascii=False))
    assert terminal_obeys(line) == []
    assert json.loads(line) == value and "Müller" in line
