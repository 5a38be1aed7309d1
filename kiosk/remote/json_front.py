"""What reaches the JSON parser of a guest list: the start checked, a byte order mark dropped, lone surrogates mended.

The body arrives in pieces cut anywhere, so the few bytes at the end of a piece that may be half of an
escape are held back until the next piece (or the end) shows what they are.
"""

from __future__ import annotations

import re

BOM = b"\xef\xbb\xbf"
_SPACE = b" \t\r\n"
_VALUE_STARTS = b'["-0123456789tfn'
# An escaped UTF-16 surrogate ("\ud800") is valid JSON but not Unicode, and yajl gives up on the whole
# body when it meets one alone. It is read as "?" instead, as invitario_http reads small answers. The
# backslashes before it count: an even number of them means the backslash is itself escaped, plain text.
_SURROGATE = re.compile(
    rb"(\\+)u([dD][89abAB][0-9a-fA-F]{2}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?|[dD][c-fC-F][0-9a-fA-F]{2})"
)
_HIGH = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}")
_QUESTION_MARK = rb"\u003f"  # as long as the escape it replaces
# The longest escape sequence that must be seen whole: a surrogate pair, 12 bytes.
_HOLD = 12


class CutOff(Exception):
    """The body ended early or is not JSON at all: worth trying again later."""


class ShapeError(ValueError):
    """The body is JSON, but not shaped as expected (or holds what the parser cannot read)."""


def _mend(found: re.Match[bytes]) -> bytes:
    backslashes, escape = found.group(1), found.group(2)
    if len(backslashes) % 2 == 0 or len(escape) > 4:  # plain text, or a high surrogate with its low half
        return found.group(0)
    return backslashes[:-1] + _QUESTION_MARK


def _run_start(data: bytes, end: int) -> int:
    """Where the run of backslashes that ends just before `end` begins."""
    return len(data[:end].rstrip(b"\\"))


def _safe_end(data: bytes) -> int:
    """How much of `data` can be mended now: all of it but an escape (or run of backslashes) that the
    next piece may complete or change the meaning of."""
    first = data.find(b"\\", max(0, len(data) - _HOLD))
    if first < 0:
        return len(data)
    start = _run_start(data, first)
    end = first + len(data[first:]) - len(data[first:].lstrip(b"\\"))
    # Keep one or two backslashes of the run back, so that what is held starts with the run's parity.
    cut = end - (1 if (end - start) % 2 else 2)
    # A high surrogate just before the cut may be one half of a pair that the held bytes complete.
    before = cut - len(_QUESTION_MARK)
    if before >= 0 and _HIGH.fullmatch(data, before, cut) and (before + 1 - _run_start(data, before + 1)) % 2:
        cut = before
    return cut


class JsonFront:
    """Takes the body piece by piece and gives back what the parser may read now (`take`)."""

    def __init__(self) -> None:
        self.started = False  # the first '{' has been passed on
        self._bom_seen = False
        self._held = b""

    def take(self, data: bytes, final: bool = False) -> bytes:
        """The next piece of the body (`final`: the body has ended); returns bytes ready for the parser."""
        if self._held:
            data, self._held = self._held + data, b""
        if not self.started:
            data = self._start(data, final)
            if not self.started:
                return b""
        if not final:
            cut = _safe_end(data)
            data, self._held = data[:cut], data[cut:]
        if b"\\u" in data and (b"\\ud" in data or b"\\uD" in data):
            data = _SURROGATE.sub(_mend, data)
        return data

    def _start(self, data: bytes, final: bool) -> bytes:
        pos = 0
        while True:
            pos = len(data) - len(data[pos:].lstrip(_SPACE))
            if pos >= len(data):
                return b""
            byte = data[pos]
            if byte == BOM[0] and not self._bom_seen:
                # RFC 8259 lets a parser ignore a UTF-8 byte order mark; some servers write one.
                if len(data) - pos < len(BOM) and not final:
                    self._held = data[pos:]
                    return b""
                if data[pos : pos + len(BOM)] == BOM:
                    pos += len(BOM)
                    self._bom_seen = True
                    continue
            if byte != ord("{"):
                if byte in _VALUE_STARTS:
                    raise ShapeError("the response is not a JSON object")
                raise CutOff("the response is not JSON")
            self.started = True
            return data[pos:]
