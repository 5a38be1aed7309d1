"""Byte-level help for streaming JSON: where a value ends (across pieces, within limits), and decoding it.

Finding spans is done with regular expressions that skip plain text and whole strings in C; what is
kept is decoded by orjson, which checks every byte of it. The patterns use plain greedy quantifiers
only: possessive ones (`*+`, new in 3.11) read an unterminated string at the end of a buffer as complete
on Debian 12's Python 3.11.2, so a body split across pieces was refused. Every class below is disjoint
from what follows it, so greedy matching ends where a possessive one would and never backtracks far.
The standard parser steps in only where orjson reads differently from a strict reading: an escaped
lone surrogate (read as "?"), and integers beyond 64 bits, which orjson would quietly turn into floats
(refused).
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

WS = rb"[ \t\r\n]*"
# Plain text and whole strings, written as an unrolled loop: about twice as fast as an alternation.
_PLAIN = rb'[^"\[\]{}]*'
_FLAT = _PLAIN + rb'(?:"[^"\\]*(?:\\.[^"\\]*)*"' + _PLAIN + rb")*"

SKIP = re.compile(_FLAT, re.S)
IN_STRING = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*', re.S)
SPACE = re.compile(WS)
SCALAR = re.compile(rb"[-+.\w]+")
_LEADING_ID = re.compile(rb"\{" + WS + rb'"id"' + WS + rb":" + WS + rb'("(?:[^"\\]|\\.){0,400}")', re.S)
QUOTE, OPEN = 0x22, (0x5B, 0x7B)
# Integer digit runs this long may not fit 64 bits; translate + find spots them many times faster
# than a regular expression would.
_DIGITS_ONLY = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_RUN = b"0" * 19
_INT64 = range(-(2**63), 2**63)


class CutOff(Exception):
    """The body ended early or is not JSON at all: worth trying again later."""


class ShapeError(ValueError):
    """The body is JSON, but not shaped as expected (or holds what the parser cannot read)."""


def nested(depth: int) -> bytes:
    """Pattern for container content nested at most `depth` more levels (whether brackets pair up is
    left to the decoder)."""
    inner = _FLAT
    for _ in range(depth):
        inner = _FLAT + rb"(?:[\[{]" + inner + rb"[\]}]" + _FLAT + rb")*"
    return inner


def match_end(pattern: re.Pattern[bytes], buf: bytearray, pos: int) -> int:
    """Where a pattern that may match nothing stops matching at `pos`."""
    found = pattern.match(buf, pos)
    return found.end() if found is not None else pos


def leading_id(buf: bytearray, start: int) -> Any:
    """The value of an object's "id" member when the object at `start` begins with it; else None."""
    found = _LEADING_ID.match(buf, start)
    if found is None:
        return None
    try:
        return loads(bytes(found.group(1)))
    except (CutOff, ShapeError):
        return None


class Span:
    """Finds where one JSON container or string ends, across pieces of the body, within limits.

    `p` is the scan position in the buffer; every byte from `start` to `p` belongs to the value. Past
    a limit the value is skipped instead of kept: `problem` says why, `lead` keeps the object's
    leading "id" (for naming it), and the caller may drop the bytes scanned so far.
    """

    def __init__(self, start: int, keep: bool, max_depth: int, max_size: int, *, string: bool = False) -> None:
        self.start = start
        self.p = start + 1
        self.depth = 0 if string else 1
        self.in_string = string
        self.keep = keep
        self.max_depth = max_depth
        self.max_size = max_size
        self.problem: str | None = None
        self.lead: Any = None

    def scan(self, buf: bytearray) -> bool:
        """True once the value is complete (it ends at `p`); False when it needs more of the body."""
        p, depth, end = self.p, self.depth, len(buf)
        try:
            while True:
                if self.in_string:
                    p = match_end(IN_STRING, buf, p)
                    if p >= end or buf[p] != QUOTE:
                        break  # the string goes on in the next piece (perhaps after a lone backslash)
                    p += 1
                    self.in_string = False
                    if depth == 0:
                        return self._check(buf, p)
                    continue
                p = match_end(SKIP, buf, p)
                if p >= end:
                    break
                byte = buf[p]
                p += 1
                if byte == QUOTE:
                    self.in_string = True  # a string that goes on past the end of the buffer
                elif byte in OPEN:
                    depth += 1
                    if self.keep and depth > self.max_depth:
                        self.give_up(buf, "nested too deeply")
                else:
                    depth -= 1
                    if depth == 0:
                        return self._check(buf, p)
            self._check(buf, p)
            return False
        finally:
            self.p, self.depth = p, depth

    def _check(self, buf: bytearray, p: int) -> bool:
        if self.keep and p - self.start > self.max_size:
            self.give_up(buf, "record too large")
        return True

    def give_up(self, buf: bytearray, problem: str) -> None:
        self.keep, self.problem = False, problem
        self.lead = leading_id(buf, self.start)


def loads(raw: bytes | bytearray) -> Any:
    """One JSON value; CutOff if it is not JSON, ShapeError if it holds what the kiosk cannot read."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        value = _loads_slowly(raw, str(exc))
    else:
        if _LONG_RUN in raw.translate(_DIGITS_ONLY):
            _refuse_huge_numbers(_loads_slowly(raw, ""))
    return value


def loads_batch(raw: bytes, max_depth: int) -> list[Any] | None:
    """The values of a JSON array, when orjson reads them as `loads` would one by one and each is nested
    at most `max_depth` levels (itself the first); else None, and the caller reads them one by one to
    say which is wrong."""
    if _LONG_RUN in raw.translate(_DIGITS_ONLY):
        return None
    try:
        values = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if type(values) is not list or not all(_within(v, 1, max_depth) for v in values):
        return None
    return values


def _within(value: Any, depth: int, max_depth: int) -> bool:
    # Only containers are looked into: a guest record holds two or three, so this costs about 1.5 us.
    if type(value) is dict:
        value = value.values()
    elif type(value) is not list:
        return True
    for item in value:
        kind = type(item)
        if (kind is dict or kind is list) and (
            depth >= max_depth or (item and not _within(item, depth + 1, max_depth))
        ):
            return False
    return True


def _loads_slowly(raw: bytes | bytearray, orjson_problem: str) -> Any:
    if "infinity" in orjson_problem:
        raise ShapeError("the response holds a number too large to read")
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError):
        # orjson's message names the problem and where, never the text itself.
        raise CutOff(orjson_problem.split(":")[0] or "not valid JSON") from None
    _refuse_huge_numbers(value)
    return _mend_surrogates(value) if orjson_problem else value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _refuse_huge_numbers(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and value not in _INT64:
        raise ShapeError("the response holds a number too large to read")
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        raise ShapeError("the response holds a number too large to read")
    if isinstance(value, dict):
        for item in value.values():
            _refuse_huge_numbers(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_huge_numbers(item)


def _mend_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_mend_surrogates(k): _mend_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mend_surrogates(v) for v in value]
    return value
