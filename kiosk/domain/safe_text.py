"""Text from guests and servers made safe to print on a terminal: no control character reaches it."""

from __future__ import annotations

import re

# C1 controls (0x9B is a one-byte CSI) and DEL, line and paragraph separators, and the bidirectional
# marks, overrides and isolates that make a line read differently from what it holds. JSON escapes none
# of these by itself.
_BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
# Plus the C0 controls: ESC starts terminal commands, BEL beeps, CR and LF forge new lines.
_UNSAFE = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
_UNSAFE_IN_JSON = re.compile(f"[{_BEYOND_C0}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """`text` with every control character shown as a visible escape (ESC becomes the four characters
    `\\x1b`), so a hostile name cannot clear the screen, set the title or start a forged line."""
    return _UNSAFE.sub(_escape, text)


def json_terminal_safe(dumped: str) -> str:
    """A `json.dumps(..., ensure_ascii=False)` line with the controls JSON leaves raw escaped as `\\uXXXX`.

    They can only occur inside JSON strings, so the document means exactly the same."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
