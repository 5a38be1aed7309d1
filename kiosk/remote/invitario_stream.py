"""Streaming parser of v1 guest-list responses: bytes in, pages of guests out, memory bounded by a page.

ijson's C backend (yajl) reads the body as it arrives, and builds every value in C, guest records
included. One pipeline reads the whole document; its top-level object is a `_Members` that keeps
nothing and hands each member to the parser as it begins (a list or object, then filled in place) or
ends (anything else). So the "guests" list is emptied into pages as its records complete, and members
the kiosk does not read are pruned while they are built. The limits on a record's depth and size are
checked on the built record; one that outgrows the size limit while it is built is pruned at once.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Any

import ijson
import orjson

from kiosk.domain.models import Guest
from kiosk.remote.base import PullPage
from kiosk.remote.invitario_guest import json_kind, parse_guest, record_label
from kiosk.remote.json_front import CutOff, JsonFront, ShapeError

__all__ = ["CHUNK_BYTES", "CutOff", "GuestListParser", "ListDocument", "ShapeError"]

CHUNK_BYTES = 64 * 1024
# A guest object nests three deep (guest > fields > list); far deeper is garbage or hostile, and more
# than the mirror's JSON writer (orjson stops at 255 levels) would take.
MAX_GUEST_DEPTH = 32
# Bytes of JSON text one guest record may take (a real one takes about 700).
MAX_GUEST_SIZE = 1_000_000
# The top-level members the kiosk reads besides "guests"; every other member is pruned as it is built.
META_KEYS = frozenset({"status", "dateTime", "count", "errors", "displayMessage"})
_META_DEPTH = 8
_META_SIZE = 100_000
# ijson spells out the path of every event it reads, so nesting costs the square of its depth (30,000
# levels take 2 GB). Far beyond anything the kiosk reads, a body nested deeper is refused.
MAX_NESTING = 1024
_CONTAINERS = (list, dict)


@dataclass
class ListDocument:
    """The top-level members of a finished response, as parsed, not yet checked against the contract."""

    meta: dict[str, Any]
    records: int
    guests_problem: str | None


class _Members(dict[str, Any]):
    """The document's top-level object as ijson builds it: keeps nothing, hands each member on."""

    def __init__(self, parser: GuestListParser) -> None:
        super().__init__()
        self._parser = parser

    def __setitem__(self, key: str, value: Any) -> None:
        self._parser._member(key, value)


class _TooLarge:
    """Stands in for a top-level member that broke the size or depth limits."""

    def __repr__(self) -> str:
        return "<too large>"


class GuestListParser:
    """Feed response bytes in; take out full pages of `page_size` records; `finish` gives the rest.

    A full page is held back until one more record arrives, so that the last page is never empty
    unless the whole list is. Each record costs memory only until its page is taken.
    """

    def __init__(self, page_size: int) -> None:
        self.page_size = page_size
        self._front = JsonFront()
        self._finished = ijson.sendable_list()  # receives the top-level object when the document ends
        maps = itertools.chain((_Members(self),), itertools.starmap(dict, itertools.repeat(())))
        # Every piece goes through here, in CHUNK_BYTES at most.
        self._coro = ijson.items_coro(self._finished, "", map_type=functools.partial(next, maps), use_float=True)
        self._done = False
        self._fed = 0  # bytes sent to the parser so far
        self._piece_start = self._piece_end = 0  # the piece being parsed, as offsets of the body
        self._depth = 0  # open lists and objects where the bytes sent so far end
        # The member being read (its value may still be growing), and how it is read.
        self._key: str | None = None
        self._value: Any = None
        self._role = ""  # "guests", "meta" or "skip"
        self._since = 0  # the member began at or after this offset, and before `_seen_at`
        self._seen_at: int | None = None
        self._too_large = False
        self._guests: list[Any] | None = None
        # The record still being built at the end of the guests list, and where it began.
        self._open: Any = None
        self._open_since = self._open_seen_at = 0
        self._open_label: str | None = None  # set once it is known to be too large
        self._meta: dict[str, Any] = {}
        # A success without "guests" would move the cursor past changes never delivered.
        self._guests_problem: str | None = "guests is missing"
        self._records = 0
        self._page = PullPage()
        self._ready: list[PullPage] = []

    def feed(self, data: bytes) -> list[PullPage]:
        """Parse the next piece of the body; return the pages that are full by now."""
        self._feed(self._front.take(data))
        ready, self._ready = self._ready, []
        return ready

    def finish(self) -> tuple[list[PullPage], ListDocument]:
        """The body has ended: the remaining pages (the final one last) and the top-level members."""
        self._feed(self._front.take(b"", final=True))
        try:
            self._coro.close()
        except ijson.JSONError as exc:
            raise _read_failure(exc) from None
        if not self._done:
            raise CutOff("the JSON document ended early")
        pages, self._ready = [*self._ready, self._page], []
        return pages, ListDocument(self._meta, self._records, self._guests_problem)

    # -- feeding the parser ------------------------------------------------------------------------

    def _feed(self, data: bytes) -> None:
        for start in range(0, len(data), CHUNK_BYTES):
            piece, pos = data[start : start + CHUNK_BYTES], 0
            while pos < len(piece):
                # However the bytes nest, they cannot open more lists and objects than they have brackets:
                # what may open too many goes in parts, each up to the bracket that could pass the limit.
                room = MAX_NESTING - self._depth
                end = len(piece) if _opens(piece, pos) <= room else _bracket_after(piece, pos, room)
                if end == pos:
                    raise ShapeError(f"the response is nested deeper than {MAX_NESTING} levels")
                self._send(piece[pos:end] if pos or end < len(piece) else piece)
                pos = end

    def _send(self, piece: bytes) -> None:
        self._piece_start, self._piece_end = self._fed, self._fed + len(piece)
        try:
            self._coro.send(piece)
        except ijson.JSONError as exc:
            raise _read_failure(exc) from None
        except UnicodeDecodeError:
            raise ShapeError("the response holds text that is not Unicode") from None
        self._fed = self._piece_end
        if self._finished and not self._done:
            self._end_member()
            self._done = True
            self._finished.clear()
        if self._guests is not None:
            self._take_records()
        self._watch_member()
        self._depth = self._nesting()

    def _nesting(self) -> int:
        """How many lists and objects are open: the top-level object, then the last child of each."""
        if self._done or not self._front.started:
            return 0
        depth, value = 1, self._value
        while True:
            if type(value) is list:
                value = value[-1] if value else None
            elif type(value) is dict:
                value = next(reversed(value.values()), None)
            else:
                return depth
            depth += 1

    # -- top-level members -------------------------------------------------------------------------

    def _member(self, key: str, value: Any) -> None:
        """A member begins (a list or object, filled in later) or has been read (anything else)."""
        self._end_member()
        self._key, self._value, self._too_large = key, value, False
        self._since, self._seen_at = self._piece_start, None
        if key == "guests":
            if type(value) is list:
                self._role, self._guests = "guests", value
                if self._guests_problem == "guests is missing":
                    self._guests_problem = None
                return
            self._guests_problem = f"guests is {json_kind(value)}, not a list"
            self._role = "skip"
        else:
            self._role = "meta" if key in META_KEYS else "skip"

    def _end_member(self) -> None:
        """The member being read is complete (another one began, or the document ended)."""
        role, key, value = self._role, self._key, self._value
        if role == "guests" and self._guests is not None:
            self._take_records(last=True)
            self._guests = None
        elif role == "meta" and key is not None:
            if type(value) in _CONTAINERS and (
                self._too_large
                or _deeper_than(value, _META_DEPTH)
                or (self._piece_end - self._since > _META_SIZE and len(orjson.dumps(value)) > _META_SIZE)
            ):
                value = _TooLarge()
            self._meta[key] = value
        self._role, self._key, self._value = "", None, None

    def _watch_member(self) -> None:
        """After each piece: prune what the member being read holds, unless the kiosk reads it."""
        if self._seen_at is None:
            self._seen_at = self._fed
        value = self._value
        if type(value) not in _CONTAINERS:
            return
        if self._role == "meta" and self._fed - self._seen_at > _META_SIZE:
            self._too_large = True
        if self._role == "skip" or self._too_large:
            _prune(value)

    # -- guest records -----------------------------------------------------------------------------

    def _take_records(self, last: bool = False) -> None:
        """Move the complete records out of the guests list (all of them once it has ended)."""
        guests = self._guests
        assert guests is not None
        keep = 0 if last else 1
        if len(guests) > keep:
            done = guests[: len(guests) - keep]
            del guests[: len(guests) - keep]
            start = 0
            if done[0] is self._open:
                self._open_done(done[0])
                start = 1
            for value in itertools.islice(done, start, None):
                self._record(value)
        if last:
            self._open = None
            return
        held = guests[0] if guests else None
        if held is not self._open:
            # A record that began in this piece.
            self._open, self._open_label = held, None
            self._open_since, self._open_seen_at = self._piece_start, self._fed
        elif type(held) in _CONTAINERS and self._open_label is None and self._fed - self._open_seen_at > MAX_GUEST_SIZE:
            self._open_label = record_label(held, self._records + 1)
        if self._open_label is not None:
            _prune(held)

    def _open_done(self, value: Any) -> None:
        """The record that was still being built at the end of an earlier piece is complete."""
        self._open = None
        if self._open_label is not None:
            self._record(value, "record too large", self._open_label)
        elif (
            type(value) in _CONTAINERS
            and self._piece_end - self._open_since > MAX_GUEST_SIZE
            and not _deeper_than(value, MAX_GUEST_DEPTH)
            and len(orjson.dumps(value)) > MAX_GUEST_SIZE
        ):
            self._record(value, "record too large")
        else:
            self._record(value)

    def _record(self, value: Any, problem: str | None = None, label: str | None = None) -> None:
        self._records += 1
        page = self._page
        if len(page.guests) + len(page.malformed) >= self.page_size:
            self._ready.append(page)
            self._page = page = PullPage()
        if problem is None and type(value) in _CONTAINERS and _deeper_than(value, MAX_GUEST_DEPTH):
            problem = "nested too deeply"
        if problem is not None:
            page.malformed.append(f"{label or record_label(value, self._records)}: {problem}")
            return
        try:
            guest: Guest = parse_guest(value)
        except ValueError as exc:
            page.malformed.append(f"{record_label(value, self._records)}: {exc}")
            return
        page.guests.append(guest)


def _opens(piece: bytes, start: int) -> int:
    return piece.count(b"[", start) + piece.count(b"{", start)


def _bracket_after(piece: bytes, start: int, brackets: int) -> int:
    """Where the opening bracket after the first `brackets` ones from `start` is (the piece has more)."""
    square, curly = piece.find(b"[", start), piece.find(b"{", start)
    for _ in range(brackets):
        if square >= 0 and (curly < 0 or square < curly):
            square = piece.find(b"[", square + 1)
        else:
            curly = piece.find(b"{", curly + 1)
    return min(square, curly) if square >= 0 and curly >= 0 else max(square, curly)


def _deeper_than(value: Any, levels: int) -> bool:
    """Whether a list or object nests more than `levels` deep, itself included."""
    if levels <= 0:
        return True
    for child in value.values() if type(value) is dict else value:
        if type(child) in _CONTAINERS and _deeper_than(child, levels - 1):
            return True
    return False


def _prune(value: Any) -> None:
    """Drop what a list or object being built holds, except the branch still being built (its last child)."""
    while True:
        if type(value) is list:
            if len(value) > 1:
                del value[:-1]
            value = value[-1] if value else None
        elif type(value) is dict:
            if len(value) > 1:
                key = next(reversed(value))
                kept = value[key]
                value.clear()
                value[key] = kept
            value = next(reversed(value.values()), None)
        else:
            return


def _read_failure(exc: Exception) -> Exception:
    """yajl's complaint in one line, without the snippet of body it quotes (it may hold personal data)."""
    raw = exc.args[0] if exc.args else ""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    first = (text.splitlines() or [""])[0].strip()[:120] or type(exc).__name__
    if "overflow" in first:
        # Valid JSON that yajl cannot hold (a number beyond 64 bits): trying again will not help.
        return ShapeError("the response holds a number too large to read")
    return CutOff(first)
