"""Hypothesis strategies: JSON junk, v1 guest records that must land or must be refused, list documents.

Every generated record carries its own verdict: the Guest it must become, or None when the kiosk must
refuse it. The oracle is the v1 document and the connector's stated rules, written out here once more
rather than borrowed from the code under test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from kiosk.domain.models import Admission, Guest
from kiosk.platforms.invitario.display import display_fields

# The largest integer magnitude the kiosk's JSON readers take (they hold numbers in 64 bits).
INT64 = 2**63 - 1
MISSING = object()
STATES = ("unknown", "registered", "deregistered")
TIME_KEYS = ("clientUpdateDateTime", "serverUpdateDateTime", "checkInDateTime", "checkOutDateTime", "deleteDateTime")
GUEST_KEYS = frozenset(
    {"id", "parentId", "accessCode", "registrationState", "highlightColor", "fields", "companions", *TIME_KEYS}
)
TOP_KEYS = frozenset({"status", "errors", "guests", "dateTime", "count", "displayMessage"})
ID_POOL = ("seed-1", "seed-2", "seed-4", "g-1", "g-2", "G-1")

# --- JSON values ----------------------------------------------------------------------------------

lone_surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
# Text with a lone surrogate in it: legal as a JSON escape ("\ud800"), but not Unicode.
surrogate_texts = st.builds(lambda a, s, b: a + s + b, st.text(max_size=4), lone_surrogates, st.text(max_size=4))
keys = st.one_of(
    st.sampled_from(["firstName", "lastName", "company", "email", "externalId", "notes"]), st.text(max_size=10)
)
readable_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-INT64, INT64),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
# Integers no 64-bit parser reads (-2**63 itself is left out: parsers differ on it).
huge_ints = st.one_of(st.integers(min_value=INT64 + 1), st.integers(max_value=-INT64 - 2))
# Values the kiosk's JSON parser may refuse: integers beyond 64 bits, text that is not Unicode.
unreadable_scalars = st.one_of(huge_ints, surrogate_texts)

# What the v1 document's registration states mean at the door (restated here, not taken from the mapper).
V1_ADMISSION = {
    "registered": Admission.ADMISSIBLE, "unknown": Admission.UNSTATED, "deregistered": Admission.DEREGISTERED
}


def json_values(scalars: st.SearchStrategy[Any] = readable_scalars, max_leaves: int = 10) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
        max_leaves=max_leaves,
    )


junk = json_values()
wild_junk = json_values(st.one_of(readable_scalars, unreadable_scalars))
numbers = st.one_of(st.booleans(), st.integers(-INT64, INT64), st.floats(allow_nan=False, allow_infinity=False))
junk_lists = st.lists(junk, max_size=3)
junk_objects = st.dictionaries(keys, junk, max_size=3)
# Built rather than filtered, so that hypothesis never has to throw draws away.
non_strings = st.one_of(numbers, junk_lists, junk_objects)
not_lists = st.one_of(numbers, junk_objects, st.text(max_size=5))
not_objects = st.one_of(numbers, junk_lists, st.text(max_size=5))


_SURROGATE = re.compile("[\ud800-\udfff]")


def unreadable(value: Any) -> bool:
    """Whether a value holds something a JSON reader may refuse or mend (see unreadable_scalars)."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return False
    if isinstance(value, int):
        return abs(value) > INT64
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, list):
        return any(unreadable(v) for v in value)
    if isinstance(value, dict):
        return any(unreadable(v) for v in value.values())
    raise TypeError(type(value))


# --- times ----------------------------------------------------------------------------------------

offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
EDGE_TIMES = (
    datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))),
    datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-2))),
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
)
# Times with a UTC equivalent: a day away from the ends of the calendar, or exactly on them in UTC.
aware_times = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets),
    st.sampled_from(EDGE_TIMES[2:]),
)
timespecs = st.sampled_from(["auto", "minutes", "seconds", "milliseconds", "microseconds"])


def in_range(value: datetime) -> bool:
    """Whether the time exists in UTC too: the kiosk stores every time in UTC."""
    try:
        value.astimezone(UTC)
    except OverflowError:
        return False
    return True


def render_time(value: datetime, spec: str, zulu: bool) -> str:
    text = value.isoformat(timespec=spec)
    return text[:-6] + "Z" if zulu and text.endswith("+00:00") else text


@dataclass(frozen=True)
class WireTime:
    text: Any  # what goes on the wire (MISSING: the member is left out)
    value: datetime | None  # the time it means, when it is a good one
    good: bool


def _good_time(text: str) -> WireTime:
    return WireTime(text, datetime.fromisoformat(text), True)


aware_texts = st.builds(render_time, aware_times, timespecs, st.booleans())
good_time_texts = aware_texts.map(_good_time)
bad_time_texts = st.one_of(
    st.builds(render_time, st.sampled_from(EDGE_TIMES[:2]), timespecs, st.just(False)),  # no UTC equivalent
    st.datetimes().map(lambda d: d.isoformat()),  # no offset
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "",
            "yesterday",
            "2024-13-01T00:00:00+00:00",
            "2024-01-01T24:30:00+00:00",
            "now",
            "2024-01-01T10:00:00+02:00" + " " * 60,
            "2024-01-01T10:00:00.1234567890123456789012345678901234567890+02:00",
        ]
    ),
    st.text(max_size=30).filter(lambda t: not _parses_aware(t)),
)
bad_times = st.one_of(bad_time_texts, non_strings).map(lambda v: WireTime(v, None, False))


def _parses_aware(text: str) -> bool:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return False
    return value.tzinfo is not None and len(text) <= 64 and in_range(value)


good_times = st.one_of(st.just(WireTime(MISSING, None, True)), st.just(WireTime(None, None, True)), good_time_texts)

# --- guest records --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One element of a guest list: what goes on the wire and what the kiosk must make of it."""

    doc: Any
    expected: Guest | None  # None: the record must be refused and counted as malformed
    # A defect only the streaming parser sees (size, depth); parse_guest alone would accept the record.
    stream_only: bool = False


def _visible(text: str) -> str:
    """An id that is not blank: blank ids are a defect of their own (see _DEFECTS)."""
    return text if text.strip() else text + "x"


guest_ids = st.one_of(
    st.sampled_from(ID_POOL),
    st.text(min_size=1, max_size=40).map(_visible),
    st.just("x" * 200),
)
companion_ids = st.text(min_size=1, max_size=20).map(_visible)
bad_companions = st.one_of(
    non_strings,
    st.sampled_from([{}, {"id": ""}, {"id": "   "}, {"id": 7}, {"id": None}, {"id": "c" * 201}]),
)


def _case_variants(word: str) -> st.SearchStrategy[str]:
    return st.sampled_from([word, word.upper(), word.title()])


@st.composite
def good_records(
    draw: st.DrawFn, ids: st.SearchStrategy[str] = guest_ids, field_values: st.SearchStrategy[Any] = junk
) -> Record:
    """A record the kiosk must take, possibly with oddities it is documented to tolerate."""
    gid = draw(ids)
    doc: dict[str, Any] = {"id": gid}
    times: dict[str, datetime | None] = {}
    for key in TIME_KEYS:
        wire = draw(good_times)
        if wire.text is not MISSING:
            doc[key] = wire.text
        times[key] = wire.value

    def optional(key: str, values: st.SearchStrategy[Any]) -> Any:
        value = draw(st.one_of(st.just(MISSING), st.none(), values))
        if value is not MISSING:
            doc[key] = value
        return None if value is MISSING else value

    access_code = optional("accessCode", st.one_of(st.text(max_size=30), st.just("A" * 1024)))
    parent = optional("parentId", st.one_of(st.sampled_from(ID_POOL), st.text(max_size=20), st.just("p" * 200)))
    state = optional("registrationState", st.sampled_from(STATES).flatmap(_case_variants))
    color = optional(
        "highlightColor", st.one_of(st.text(min_size=1, max_size=64), st.just(""), st.just("#" * 65), non_strings)
    )
    fields = optional("fields", st.dictionaries(keys, field_values, max_size=5))
    if fields is not None and draw(st.integers(0, 9)) == 0:
        # A long text field: at most 60,000 characters, under the record size limit even at 12 bytes
        # a character as JSON escapes.
        fields["notes"] = draw(st.text(min_size=1, max_size=3)) * draw(st.sampled_from([5_000, 20_000]))
    entries = optional(
        "companions", st.lists(st.one_of(companion_ids.map(lambda c: {"id": c}), bad_companions), max_size=4)
    )
    extra = draw(
        st.dictionaries(st.text(max_size=12).map(lambda k: k + "_" if k in GUEST_KEYS else k), junk, max_size=3)
    )
    doc.update(extra)
    items = list(doc.items())
    doc = dict(draw(st.permutations(items)))
    expected = Guest(
        id=gid,
        access_code=access_code,
        parent_id=parent or None,
        client_update=times["clientUpdateDateTime"],
        server_update=times["serverUpdateDateTime"],
        check_in=times["checkInDateTime"],
        check_out=times["checkOutDateTime"],
        deleted=times["deleteDateTime"],
        admission=V1_ADMISSION[state.casefold()] if isinstance(state, str) else Admission.UNSTATED,
        highlight_color=color if isinstance(color, str) and color and len(color) <= 64 else None,
        fields=fields or {},
        companions=tuple(e["id"] for e in entries or () if _good_companion(e)),
        **_expected_names(fields or {}),  # type: ignore[arg-type]  # name, sort_name, company, email: all str
        display=display_fields(fields or {}),
    )
    return Record(doc, expected)


def _expected_names(fields: dict[str, Any]) -> dict[str, str]:
    """The names a v1 guest is shown under: its name fields as text (numbers too), trimmed, empty ones left out."""
    def text(key: str) -> str:
        value = fields.get(key)
        ok = isinstance(value, str | int | float) and not isinstance(value, bool)
        return str(value).strip() if ok else ""

    first, last = text("firstName"), text("lastName")
    return {
        "name": " ".join(filter(None, (text("titlePrefix"), first, last, text("titleSuffix")))),
        "sort_name": " ".join(filter(None, (last, first))),
        "company": text("company"),
        "email": text("email"),
    }


def _good_companion(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    cid = entry.get("id")
    return isinstance(cid, str) and bool(cid.strip()) and len(cid) <= 200


def _deep(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


# Each defect makes a record one that the v1 document or the connector's rules refuse.
_DEFECTS: dict[str, st.SearchStrategy[Any]] = {
    "id": st.one_of(st.just(MISSING), non_strings, st.none(), st.sampled_from(["", "  ", "\t\n"]), st.just("i" * 201)),
    "time": st.tuples(st.sampled_from(TIME_KEYS), bad_times),
    "fields": not_objects,
    "registrationState": st.one_of(st.text(max_size=15).filter(lambda s: s.casefold() not in STATES), non_strings),
    "companions": not_lists,
    "accessCode": st.one_of(non_strings, st.just("A" * 1025)),
    "parentId": st.one_of(non_strings, st.just("p" * 201)),
}


@st.composite
def bad_records(draw: st.DrawFn, stream_defects: bool = True) -> Record:
    """A record the kiosk must refuse and count: one fatal defect on an otherwise good record."""
    kinds = [*_DEFECTS, "not an object"] + (["too deep", "too large"] if stream_defects else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "not an object":
        return Record(draw(st.one_of(st.none(), not_objects)), None)
    doc = dict(draw(good_records()).doc)
    if kind == "too deep":
        doc["fields"] = {"nested": _deep(40)}
        return Record(doc, None, stream_only=True)
    if kind == "too large":
        doc["fields"] = {"notes": "y" * 1_000_050}
        return Record(doc, None, stream_only=True)
    defect = draw(_DEFECTS[kind])
    if kind == "time":
        key, wire = defect
        doc[key] = wire.text
    elif defect is MISSING:
        doc.pop(kind, None)
    else:
        doc[kind] = defect
    return Record(doc, None)


records = st.one_of(good_records(), bad_records())

# --- list documents -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListCase:
    """One answer to a list request and what a sync round must make of it."""

    body: bytes
    status_code: int
    cuts: list[int]  # where the body is split into pieces on the wire
    broken: bool  # the connection breaks after the (possibly cut) body
    records: list[Record]
    page_size: int
    # True: the round must complete; False: it must report an error; None: either is right (a member
    # the kiosk does not read holds what a JSON parser may refuse, or may step over unread).
    expected_ok: bool | None
    cursor: datetime | None  # the document's dateTime, when the round completes

    def __repr__(self) -> str:
        # Bodies run to megabytes; the blob hypothesis prints reproduces the whole case.
        body = self.body if len(self.body) <= 600 else self.body[:300] + b"..." + self.body[-300:]
        return (
            f"ListCase(body={body!r} ({len(self.body)} bytes), status_code={self.status_code}, "
            f"cuts={self.cuts}, broken={self.broken}, page_size={self.page_size}, "
            f"expected_ok={self.expected_ok}, cursor={self.cursor!r}, good={len(self.good)}, "
            f"malformed={self.malformed})"
        )

    @property
    def good(self) -> list[Guest]:
        return [r.expected for r in self.records if r.expected is not None]

    @property
    def malformed(self) -> int:
        return sum(r.expected is None for r in self.records)


def _often(draw: st.DrawFn, usual: st.SearchStrategy[Any], odd: st.SearchStrategy[Any], odds: int = 6) -> Any:
    """The usual value most of the time, the odd one about once in `odds` draws."""
    return draw(odd) if draw(st.integers(0, odds - 1)) == 0 else draw(usual)


def _rarely(draw: st.DrawFn, odds: int) -> bool:
    return draw(st.integers(0, odds - 1)) == 0


error_entries = st.one_of(
    st.builds(
        lambda code, msg: {"code": code, "message": msg},
        st.sampled_from([10, 20, 30, 1000, 1010, 2000, 9999]),
        st.text(max_size=30),
    ),
    junk,
)
bad_date_times = st.one_of(
    bad_times,
    st.just(WireTime(MISSING, None, False)),
    st.just(WireTime(None, None, False)),
    st.just(WireTime("2024-05-01T10:00:00+02:00" * 5000, None, False)),
)


@st.composite
def list_cases(draw: st.DrawFn) -> ListCase:
    recs = draw(st.lists(records, max_size=8))
    members: dict[str, Any] = {}
    status = _often(
        draw, st.just("success"), st.one_of(st.just(MISSING), st.sampled_from(["error", "Success", "ok"]), non_strings)
    )
    if status is not MISSING:
        members["status"] = status
    if status == "error" or _rarely(draw, 10):
        members["errors"] = draw(st.one_of(st.lists(error_entries, max_size=3), junk))
    guests: Any = [r.doc for r in recs]
    refusing = False  # a value the kiosk reads holds a number no 64-bit parser reads
    if recs and _rarely(draw, 12):
        at = draw(st.integers(0, len(recs) - 1))
        # A record skipped for its size or depth is never read, so its numbers cannot matter.
        if isinstance(guests[at], dict) and not recs[at].stream_only:
            guests[at] = {**guests[at], "big": draw(huge_ints)}
            refusing = True
    guests = _often(draw, st.just(guests), st.one_of(st.just(MISSING), st.none(), not_lists))
    if guests is not MISSING:
        members["guests"] = guests
    date_time = _often(draw, good_time_texts, bad_date_times, odds=5)
    if date_time.text is not MISSING:
        members["dateTime"] = date_time.text
    count = draw(st.one_of(st.just(MISSING), st.just(len(recs)), st.integers(-5, 50), junk, huge_ints))
    refusing = refusing or (isinstance(count, int) and not isinstance(count, bool) and abs(count) > INT64)
    if count is not MISSING:
        members["count"] = count
    if draw(st.booleans()):
        members["displayMessage"] = draw(junk)
    extras = draw(
        st.dictionaries(
            st.text(max_size=10).map(lambda k: k + "_" if k in TOP_KEYS else k),
            st.one_of(junk, st.just("z" * 300_000)),
            max_size=3,
        )
    )
    members.update(extras)
    unread = _rarely(draw, 10)
    if unread:
        members["unread"] = draw(wild_junk)
    doc = dict(draw(st.permutations(list(members.items()))))
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, None, 1])))
    # Unless escaped, a lone surrogate goes out as bytes that are not UTF-8 at all.
    body = text.encode("utf-8", "surrogatepass")
    status_code = draw(st.sampled_from([200] * 10 + [301, 400, 401, 404, 408, 429, 500, 503]))
    cut = None
    if body and _rarely(draw, 7):
        cut = draw(st.integers(0, len(body) - 1))
        body = body[:cut]
    broken = _rarely(draw, 16)
    cuts = draw(st.lists(st.integers(0, len(body)), max_size=6)) if body else []
    expected_ok: bool | None = (
        status_code == 200
        and cut is None
        and not broken
        and status == "success"
        and not refusing
        and isinstance(guests, list)
        and date_time.good
        and date_time.text is not None
    )
    if expected_ok and unread and unreadable(members["unread"]):
        expected_ok = None
    return ListCase(
        body,
        status_code,
        cuts,
        broken,
        recs,
        draw(st.integers(1, 4)),
        expected_ok,
        date_time.value if expected_ok is not False else None,
    )
