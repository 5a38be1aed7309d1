"""Streaming parser of v1 guest-list responses: bytes in, pages of guests out, memory bounded by a page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import ijson

from kiosk.domain.models import Guest
from kiosk.remote.base import PullPage
from kiosk.remote.invitario_guest import parse_guest, record_label

CHUNK_BYTES = 64 * 1024
# A guest object nests three deep (guest > fields > list); far deeper is garbage or hostile. The limit
# matters because nesting is cheap to send and costly to hold.
MAX_GUEST_DEPTH = 32
# Rough size budget of one guest record: one unit per JSON event plus one per character of text.
MAX_GUEST_SIZE = 1_000_000
# The top-level members the kiosk reads besides "guests"; every other member is skipped unbuilt.
META_KEYS = frozenset({"status", "dateTime", "count", "errors", "displayMessage"})
_META_DEPTH = 8
_META_SIZE = 100_000

_STARTS = frozenset({"start_map", "start_array"})
_ENDS = frozenset({"end_map", "end_array"})


class CutOff(Exception):
    """The body ended early or is not JSON at all: worth trying again later."""


class ShapeError(ValueError):
    """The body is JSON, but not shaped like a v1 response (or holds what the parser cannot read)."""


@dataclass
class ListDocument:
    """The top-level members of a finished response, as parsed, not yet checked against the contract."""

    meta: dict[str, Any]
    records: int
    guests_problem: str | None


class _ValueBuilder:
    """Builds one JSON value from ijson basic events, giving up (and skipping the rest) past its limits."""

    def __init__(self, keep: bool, max_depth: int, max_size: int) -> None:
        self.keep = keep
        self.max_depth = max_depth
        self.budget = max_size
        self.stack: list[Any] = []
        self.key: str = ""
        self.value: Any = None
        self.problem: str | None = None
        self.skip_depth = 0

    def start(self, event: str, value: Any) -> bool:
        """Begin with the value's first event; True if that already completes it (a scalar)."""
        if event not in _STARTS:
            self.value = value if self.keep else None
            return True
        if not self.keep:
            self.skip_depth = 1
            return False
        self.value = {} if event == "start_map" else []
        self.stack.append(self.value)
        return False

    def feed(self, events: Iterator[tuple[str, Any]]) -> bool:
        """Consume events until the value is complete (True) or the events run out (False)."""
        # The hot loop of a pull (tens of events per guest): state lives in locals, written back at exit.
        stack, key, budget, skip = self.stack, self.key, self.budget, self.skip_depth
        try:
            for event, value in events:
                if skip:
                    if event in _STARTS:
                        skip += 1
                    elif event in _ENDS:
                        skip -= 1
                        if not skip:
                            return True
                    continue
                if event == "map_key":
                    key = value
                    budget -= 1 + len(value)
                    continue
                if event in _ENDS:
                    stack.pop()
                    if not stack:
                        return True
                    continue
                budget -= 1 + len(value) if type(value) is str else 1
                opens = event in _STARTS
                if budget < 0 or (opens and len(stack) >= self.max_depth):
                    self.problem = "record too large" if budget < 0 else "nested too deeply"
                    # Skip what is still open, including the container this event opens.
                    skip = len(stack) + opens
                    stack.clear()
                    if not skip:
                        return True
                    continue
                if opens:
                    value = {} if event == "start_map" else []
                top = stack[-1]
                if type(top) is list:
                    top.append(value)
                else:
                    top[key] = value
                if opens:
                    stack.append(value)
            return False
        finally:
            self.key, self.budget, self.skip_depth = key, budget, skip


class GuestListParser:
    """Feed response bytes in; take out full pages of `page_size` records; `finish` gives the rest.

    A full page is held back until one more record arrives, so that the last page is never empty
    unless the whole list is. Each record costs memory only until its page is taken.
    """

    def __init__(self, page_size: int) -> None:
        self.page_size = page_size
        self._events = ijson.sendable_list()
        self._coro = ijson.basic_parse_coro(self._events, use_float=True)
        self._state = "before"  # before -> top -> (guests -> top)* -> done
        self._key = ""
        self._builder: _ValueBuilder | None = None
        self._target = ""  # "" for a guest record, else the top-level member being read
        self._meta: dict[str, Any] = {}
        # A success without "guests" would move the cursor past changes never delivered.
        self._guests_problem: str | None = "guests is missing"
        self._records = 0
        self._page = PullPage()
        self._ready: list[PullPage] = []

    def feed(self, data: bytes) -> list[PullPage]:
        """Parse the next piece of the body; return the pages that are full by now."""
        view = memoryview(data)
        for start in range(0, len(view), CHUNK_BYTES):
            self._send(bytes(view[start : start + CHUNK_BYTES]))
        ready, self._ready = self._ready, []
        return ready

    def finish(self) -> tuple[list[PullPage], ListDocument]:
        """The body has ended: the remaining pages (the final one last) and the top-level members."""
        try:
            self._coro.close()
        except ijson.JSONError as exc:
            raise _read_failure(exc) from None
        self._consume()
        if self._state != "done":
            raise CutOff("the JSON document ended early")
        pages, self._ready = [*self._ready, self._page], []
        return pages, ListDocument(self._meta, self._records, self._guests_problem)

    def _send(self, piece: bytes) -> None:
        try:
            self._coro.send(piece)
        except ijson.JSONError as exc:
            raise _read_failure(exc) from None
        self._consume()

    def _consume(self) -> None:
        events = iter(self._events)
        while True:
            if self._builder is not None:
                if not self._builder.feed(events):
                    break
                self._complete(self._builder)
            item = next(events, None)
            if item is None:
                break
            self._structure(*item)
        del self._events[:]

    def _structure(self, event: str, value: Any) -> None:
        if self._state == "before":
            if event != "start_map":
                raise ShapeError("the response is not a JSON object")
            self._state = "top"
        elif self._state == "top":
            if event == "map_key":
                self._key = value
            elif event == "end_map":
                self._state = "done"
            elif self._key == "guests" and event == "start_array":
                self._state = "guests"
                if self._guests_problem == "guests is missing":
                    self._guests_problem = None
            elif self._key == "guests":
                self._guests_problem = f"guests is {_event_kind(event)}, not a list"
                self._begin(event, value, "guests", keep=False)
            else:
                self._begin(event, value, self._key, keep=self._key in META_KEYS)
        elif self._state == "guests":
            if event == "end_array":
                self._state = "top"
            else:
                self._begin(event, value, "", keep=True)

    def _begin(self, event: str, value: Any, target: str, keep: bool) -> None:
        if target:
            builder = _ValueBuilder(keep, _META_DEPTH, _META_SIZE)
        else:
            builder = _ValueBuilder(keep, MAX_GUEST_DEPTH, MAX_GUEST_SIZE)
        self._target = target
        if builder.start(event, value):
            self._complete(builder)
        else:
            self._builder = builder

    def _complete(self, builder: _ValueBuilder) -> None:
        self._builder = None
        if self._target:
            if builder.keep:
                self._meta[self._target] = builder.value if builder.problem is None else _TooLarge()
            return
        self._records += 1
        if self._page_count() >= self.page_size:
            self._ready.append(self._page)
            self._page = PullPage()
        label = record_label(builder.value, self._records)
        if builder.problem is not None:
            self._page.malformed.append(f"{label}: {builder.problem}")
            return
        try:
            guest: Guest = parse_guest(builder.value)
        except ValueError as exc:
            self._page.malformed.append(f"{label}: {exc}")
            return
        self._page.guests.append(guest)

    def _page_count(self) -> int:
        return len(self._page.guests) + len(self._page.malformed)


class _TooLarge:
    """Stands in for a top-level member that broke the size or depth limits."""

    def __repr__(self) -> str:
        return "<too large>"


_EVENT_KINDS = {
    "start_map": "an object",
    "null": "null",
    "string": "a string",
    "boolean": "true/false",
    "integer": "a number",
    "double": "a number",
    "number": "a number",
}


def _event_kind(event: str) -> str:
    return _EVENT_KINDS.get(event, event)


def _read_failure(exc: Exception) -> Exception:
    """ijson's complaint in one line, without the snippet of body it quotes (it may hold personal data)."""
    raw = exc.args[0] if exc.args else ""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    first = (text.splitlines() or [""])[0].strip()[:120] or type(exc).__name__
    if "overflow" in first:
        # Valid JSON the C parser cannot hold (a number beyond 64 bits): trying again will not help.
        return ShapeError(f"the response holds a number too large to read ({first})")
    return CutOff(first)
