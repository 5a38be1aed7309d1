"""Records decoded in batches read exactly as one by one: the same guests, the same malformed lines."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.platforms import json_spans
from kiosk.platforms.invitario import stream
from kiosk.platforms.invitario.emulator.generate import generate_guests
from kiosk.platforms.invitario.stream import MAX_GUEST_DEPTH, CutOff, GuestListParser, ShapeError

SERVER_TIME = "2026-05-01T08:00:00.000+02:00"


def body_of(records: list[Any], indent: int | None = None) -> bytes:
    doc = {"status": "success", "dateTime": SERVER_TIME, "count": len(records), "guests": records}
    return json.dumps(doc, indent=indent).encode()


def read(body: bytes, piece: int, *, batches: bool = True) -> list[tuple[str, ...]]:
    """Each page as its guest ids then its malformed lines, the body fed in pieces of `piece` bytes;
    or the reason the whole response was refused."""
    parser = GuestListParser(page_size=7)
    if not batches:
        parser._records_batch = lambda buf: False  # type: ignore[method-assign]
    try:
        pages = [p for start in range(0, len(body), piece) for p in parser.feed(body[start : start + piece])]
        pages += parser.finish()[0]
    except (CutOff, ShapeError) as refused:
        return [(type(refused).__name__, str(refused))]
    return [(*(g.id for g in p.guests), *p.malformed) for p in pages]


def guest(n: int, **extra: Any) -> dict[str, Any]:
    return {"id": f"g-{n:04d}", "accessCode": f"C{n:04d}", "fields": {"firstName": "Ann"}, **extra}


def nested(levels: int) -> Any:
    value: Any = []
    for _ in range(levels - 1):
        value = [value]
    return value


# Values that put record boundaries' look-alikes where a batch may guess wrong, and records the
# one-by-one path refuses: too deep, numbers too large, not objects, a lone surrogate.
TRICKY = [
    "},{", '"},{"id":"x"}]', "}]", "}, {", "\\", "ü", "\ud800",
    2**70, -(2**63), 10**18, 1.5e300, None, True,
    nested(MAX_GUEST_DEPTH - 1), nested(MAX_GUEST_DEPTH), {"a": [{"b": {}}]},
    [{"id": "c-1"}, {"id": "c-2"}],
]
records = st.lists(
    st.one_of(
        st.builds(guest, st.integers(0, 9999)),
        st.builds(lambda n, v: guest(n, fields={"notes": v}), st.integers(0, 9999), st.sampled_from(TRICKY)),
        st.builds(lambda n, v: guest(n, companions=v), st.integers(0, 9999), st.sampled_from(TRICKY)),
        st.sampled_from([None, "g-text", 5, [], {}, {"id": 5}]),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(records=records, piece=st.integers(1, 3000), indent=st.sampled_from([None, 1]))
def test_any_list_reads_the_same_in_batches_as_record_by_record(records: list[Any], piece: int,
                                                                   indent: int | None) -> None:
    body = body_of(records, indent)
    assert read(body, piece) == read(body, piece, batches=False)


@pytest.mark.parametrize("indent", [None, 2])
def test_depth_is_limited_the_same_in_a_batch(indent: int | None) -> None:
    # The guest record is level 1 and "fields" level 2: notes at 30 levels make the record 32 deep.
    at_limit = guest(1, fields={"notes": nested(MAX_GUEST_DEPTH - 2)})
    over = guest(2, fields={"notes": nested(MAX_GUEST_DEPTH - 1)})
    body = body_of([guest(0), at_limit, over, guest(3)], indent)

    assert read(body, 1 << 20) == [("g-0000", "g-0001", "g-0003", "guest g-0002: nested too deeply")]


def test_an_ordinary_list_is_decoded_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    one_by_one: list[int] = []
    decode = stream.loads

    def counted(raw: bytes) -> Any:
        one_by_one.append(len(raw))
        return decode(raw)

    monkeypatch.setattr(stream, "loads", counted)
    body = body_of(generate_guests(2000, 3))

    pages = read(body, 65536)

    assert sum(len(p) for p in pages) == 2000
    # Only the meta members, the member names and a record cut by each piece's end go one by one.
    assert len(one_by_one) < 2 * (len(body) // 65536 + 1) + 20


def test_a_list_no_batch_can_read_costs_each_byte_a_few_tries_at_most(monkeypatch: pytest.MonkeyPatch) -> None:
    tried: list[int] = []
    decode = json_spans.loads_batch

    def counted(raw: bytes, depth: int) -> Any:
        tried.append(len(raw))
        return decode(raw, depth)

    monkeypatch.setattr(stream, "loads_batch", counted)
    # Every record is nested too deeply: every batch is refused, and every record named.
    body = body_of([guest(n, fields={"n": nested(MAX_GUEST_DEPTH)}) for n in range(3000)])

    pages = read(body, 4096)

    assert sum(len(p) for p in pages) == 3000
    assert all(line.endswith("nested too deeply") for page in pages for line in page)
    assert sum(tried) <= stream._BATCH_TRIES * len(body)
