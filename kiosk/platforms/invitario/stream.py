"""Streaming parser of v1 guest-list responses: bytes in, pages of guests out, memory bounded by a page.

The body is split, not built event by event. Most of it goes to orjson a batch of records at a time:
the batch ends at the last record boundary in the buffer, and orjson checks that it is one (a guess
inside a string or a nested list leaves the batch unfinished, which orjson refuses). Where a batch will
not do, a byte scanner (json_spans) finds where each record begins and ends, one regular-expression
match per ordinary record, and orjson decodes each record; that path names a bad record.
Members and records the kiosk does not keep are stepped over without being held or decoded, so junk
in them (even a number too large to read) costs nothing. The scanner checks the punctuation between
members and records and orjson every byte it decodes, so a body that is not JSON is refused as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kiosk.domain.models import Guest
from kiosk.platforms.base import PullPage
from kiosk.platforms.invitario.mapper import parse_guest, record_label
from kiosk.platforms.json_spans import (
    IN_STRING,
    OPEN,
    QUOTE,
    SCALAR,
    SPACE,
    WS,
    CutOff,
    ShapeError,
    Span,
    leading_id,
    loads,
    loads_batch,
    match_end,
    nested,
)

__all__ = ["CHUNK_BYTES", "CutOff", "GuestListParser", "ListDocument", "ShapeError"]

CHUNK_BYTES = 64 * 1024
# A guest object nests three deep (guest > fields > list); far deeper is garbage or hostile. The limit
# matters because nesting is cheap to send and costly to hold.
MAX_GUEST_DEPTH = 32
# Bytes of JSON text one guest record may take (a real one takes about 700).
MAX_GUEST_SIZE = 1_000_000
# The top-level members the kiosk reads besides "guests"; every other member is skipped unbuilt.
META_KEYS = frozenset({"status", "dateTime", "count", "errors", "displayMessage"})
_META_DEPTH = 8
_META_SIZE = 100_000
_UNLIMITED = 1 << 62
# The fast path: one ordinary record (an object at most four levels deep) and the separator after it.
_RECORD = re.compile(WS + rb"(\{" + nested(3) + rb"\})" + WS + rb"([,\]])", re.S)
# Records decoded by one orjson call: a first download of 100,000 guests spent 1.7 s finding and decoding
# them one by one, 0.9 s in batches of a 64 KB piece. A batch stays far under MAX_GUEST_SIZE, so no record
# in it can be too large; depth is checked on what orjson built.
_BATCH_BYTES = 256 * 1024
# Where a batch may end: after a "}" that a "," and "{" or the list's "]" follow. A "}" inside a record
# (a companion's) may look the same; the guess before it is tried next, a few at most.
_BATCH_END = re.compile(WS + rb"(?:," + WS + rb"\{|\])")
_BATCH_TRIES, _BATCH_LOOKS = 4, 64
_KINDS = {0x7B: "an object", 0x6E: "null", 0x22: "a string", 0x74: "true/false", 0x66: "true/false"}
_VALUE_STARTS = b'["-0123456789tfn'
_BOM = b"\xef\xbb\xbf"


@dataclass
class ListDocument:
    """The top-level members of a finished response, as parsed, not yet checked against the contract."""

    meta: dict[str, Any]
    records: int
    guests_problem: str | None


def _label(lead: Any) -> str | None:
    """How a skipped record is named: its leading id when record_label accepts it, else None."""
    label = record_label({"id": lead}, 0)
    return None if label == "guest #0" else label


class _Input:
    """Where the pieces of the body go in (`send`), and where its end is announced (`close`)."""

    def __init__(self, parser: GuestListParser) -> None:
        self._parser = parser

    def send(self, piece: bytes) -> None:
        self._parser._take(piece)

    def close(self) -> None:
        self._parser._take(b"", final=True)


class GuestListParser:
    """Feed response bytes in; take out full pages of `page_size` records; `finish` gives the rest.

    A full page is held back until one more record arrives, so that the last page is never empty
    unless the whole list is. Each record costs memory only until its page is taken.
    """

    def __init__(self, page_size: int) -> None:
        self.page_size = page_size
        self._coro = _Input(self)  # every piece goes through here, in CHUNK_BYTES at most
        self._buf = bytearray()
        self._pos = 0
        # before -> first/key -> colon -> value -> after -> (key ... or) done; inside the guests list:
        # item (first) or next (after a comma) -> sep -> next ... until "]" -> after.
        self._state = "before"
        self._bom_seen = False
        self._key = ""
        self._span: Span | None = None
        # The member whose value is being read; None for a guest record ("" is a member name too).
        self._target: str | None = None
        self._meta: dict[str, Any] = {}
        # A success without "guests" would move the cursor past changes never delivered.
        self._guests_problem: str | None = "guests is missing"
        self._records = 0
        # Up to here (a buffer position) a batch was refused: those records are read one by one, so
        # that no byte is tried in a batch more than _BATCH_TRIES times.
        self._batch_refused = 0
        self._page = PullPage()
        self._ready: list[PullPage] = []

    def feed(self, data: bytes) -> list[PullPage]:
        """Parse the next piece of the body; return the pages that are full by now."""
        view = memoryview(data)
        for start in range(0, len(view), CHUNK_BYTES):
            self._coro.send(bytes(view[start : start + CHUNK_BYTES]))
        ready, self._ready = self._ready, []
        return ready

    def finish(self) -> tuple[list[PullPage], ListDocument]:
        """The body has ended: the remaining pages (the final one last) and the top-level members."""
        self._coro.close()
        if self._state != "done":
            raise CutOff("the JSON document ended early")
        pages, self._ready = [*self._ready, self._page], []
        return pages, ListDocument(self._meta, self._records, self._guests_problem)

    # -- the scanner -------------------------------------------------------------------------------

    def _take(self, piece: bytes, final: bool = False) -> None:
        self._buf += piece
        self._advance(final)
        # Bytes before the position are done with, and so are the scanned bytes of a skipped value.
        drop, span = self._pos, self._span
        if span is not None:
            if not span.keep:
                drop = span.p
            span.start -= drop
            span.p -= drop
        if drop:
            del self._buf[:drop]
            self._pos = max(0, self._pos - drop)
            self._batch_refused -= drop

    def _advance(self, final: bool) -> None:
        buf = self._buf
        while True:
            span = self._span
            if span is not None:
                if not span.scan(buf):
                    if final:
                        raise CutOff("the JSON document ended early")
                    return
                self._span = None
                self._pos = span.p
                self._value_done(span)
                continue
            pos = self._pos = match_end(SPACE, buf, self._pos)
            state = self._state
            if state in ("item", "next") and self._records_fast(buf):
                continue
            if pos >= len(buf):
                return
            byte = buf[pos]
            if state == "before":
                if byte == 0xEF and not self._bom_seen:
                    # RFC 8259 lets a parser ignore a UTF-8 byte order mark; some servers write one.
                    if len(buf) - pos < len(_BOM) and not final:
                        return
                    if buf[pos : pos + len(_BOM)] == _BOM:
                        self._pos, self._bom_seen = pos + len(_BOM), True
                        continue
                if byte != 0x7B:
                    raise ShapeError("the response is not a JSON object") if byte in _VALUE_STARTS else (
                        CutOff("the response is not JSON"))
                self._pos, self._state = pos + 1, "first"
            elif state in ("first", "key"):
                if byte == 0x7D and state == "first":
                    self._pos, self._state = pos + 1, "done"
                elif byte != QUOTE:
                    raise CutOff("a member name was expected")
                elif not self._key_at(buf, pos):
                    return
            elif state == "colon":
                if byte != 0x3A:
                    raise CutOff("':' was expected after a member name")
                self._pos, self._state = pos + 1, "value"
            elif state == "value":
                if not self._member_value(buf, pos, final):
                    return
            elif state == "after":
                if byte not in b",}":
                    raise CutOff("',' or '}' was expected after a member")
                self._pos, self._state = pos + 1, ("key" if byte == 0x2C else "done")
            elif state in ("item", "next"):
                if byte == 0x5D and state == "item":
                    self._pos, self._state = pos + 1, "after"
                elif not self._start_value(buf, pos, final, None, keep=True):
                    return
            elif state == "sep":
                if byte not in b",]":
                    raise CutOff("',' or ']' was expected after a guest record")
                self._pos, self._state = pos + 1, ("next" if byte == 0x2C else "after")
            else:  # done
                raise CutOff("there is more after the end of the JSON document")

    def _records_fast(self, buf: bytearray) -> bool:
        """Whole records from the position on: a batch, else ordinary records one regular-expression
        match each; False if the next one is unusual."""
        if self._records_batch(buf):
            return True
        match, pos, moved = _RECORD.match, self._pos, False
        while (found := match(buf, pos)) is not None:
            start, end = found.span(1)
            self._pos = pos = found.end()
            moved = True
            if end - start > MAX_GUEST_SIZE:
                self._record(None, "record too large", _label(leading_id(buf, start)))
            else:
                self._record(loads(buf[start:end]), None)
            if found.group(2) == b"]":
                self._state = "after"
                return True
            self._state = "next"
        return moved

    def _records_batch(self, buf: bytearray) -> bool:
        """The records up to the last boundary in the buffer, decoded by one orjson call; False (and
        nothing read) if no batch is found or it would not decode exactly as one by one."""
        pos = self._pos
        if pos < self._batch_refused:
            return False
        limit = end = min(len(buf), pos + _BATCH_BYTES)
        tries = 0
        for _ in range(_BATCH_LOOKS):
            end = buf.rfind(b"}", pos, end)
            if end < 0:
                break
            if _BATCH_END.match(buf, end + 1) is None:
                continue
            values = loads_batch(b"[" + buf[pos : end + 1] + b"]", MAX_GUEST_DEPTH)
            if values is not None:
                for value in values:
                    self._record(value, None)
                self._pos, self._state = end + 1, "sep"
                return True
            tries += 1
            if tries == _BATCH_TRIES:
                break
        self._batch_refused = limit
        return False

    def _key_at(self, buf: bytearray, pos: int) -> bool:
        end = match_end(IN_STRING, buf, pos + 1)
        if end >= len(buf) or buf[end] != QUOTE:
            if end - pos > _META_SIZE:
                raise ShapeError("the response has a member name longer than any the kiosk reads")
            return False
        self._key = loads(buf[pos : end + 1])
        self._pos, self._state = end + 1, "colon"
        return True

    def _member_value(self, buf: bytearray, pos: int, final: bool) -> bool:
        key, byte = self._key, buf[pos]
        if key == "guests":
            if byte == 0x5B:
                self._pos, self._state = pos + 1, "item"
                if self._guests_problem == "guests is missing":
                    self._guests_problem = None
                return True
            self._guests_problem = f"guests is {_KINDS.get(byte, 'a number')}, not a list"
            return self._start_value(buf, pos, final, key, keep=False)
        return self._start_value(buf, pos, final, key, keep=key in META_KEYS)

    def _start_value(self, buf: bytearray, pos: int, final: bool, target: str | None, keep: bool) -> bool:
        """Begin reading the value at `pos` (a member's, or a record when `target` is None); False when
        more of the body is needed first."""
        byte = buf[pos]
        self._target = target
        if byte == QUOTE:
            # Text is not limited (as before): only containers can cost far more than their bytes.
            self._span = Span(pos, keep, 0, _UNLIMITED, string=True)
            return True
        if byte in OPEN:
            limits = (_META_DEPTH, _META_SIZE) if target is not None else (MAX_GUEST_DEPTH, MAX_GUEST_SIZE)
            self._span = Span(pos, keep, *limits)
            return True
        end = match_end(SCALAR, buf, pos)
        if end == pos:
            raise CutOff("a JSON value was expected")
        if end >= len(buf) and not final:
            return False  # a number may go on in the next piece
        span = Span(pos, keep, 0, _UNLIMITED)
        span.p = self._pos = end
        self._value_done(span)
        return True

    def _value_done(self, span: Span) -> None:
        buf, target = self._buf, self._target
        if target is not None:
            if span.keep:
                self._meta[target] = loads(buf[span.start : span.p])
            elif target in META_KEYS:
                self._meta[target] = _TooLarge()
            self._state = "after"
            return
        if span.problem is not None:
            self._record(None, span.problem, _label(span.lead))
        else:
            self._record(loads(buf[span.start : span.p]), None)
        self._state = "sep"

    def _record(self, value: Any, problem: str | None, label: str | None = None) -> None:
        self._records += 1
        page = self._page
        if len(page.guests) + len(page.malformed) >= self.page_size:
            self._ready.append(page)
            self._page = page = PullPage()
        if problem is not None:
            page.malformed.append(f"{label or f'guest #{self._records}'}: {problem}")
            return
        try:
            guest: Guest = parse_guest(value)
        except ValueError as exc:
            page.malformed.append(f"{record_label(value, self._records)}: {exc}")
            return
        page.guests.append(guest)


class _TooLarge:
    """Stands in for a top-level member that broke the size or depth limits."""

    def __repr__(self) -> str:
        return "<too large>"
