"""GuestListParser on real lists from the reference server, on any interpreter, and on bodies odd at the byte level."""

from __future__ import annotations

import asyncio
import json
import tracemalloc
from pathlib import Path

import httpx
import ijson
import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kiosk.domain.models import Guest
from kiosk.remote.invitario import InvitarioConnector
from kiosk.remote.invitario_guest import parse_guest
from kiosk.remote.invitario_stream import CHUNK_BYTES, MAX_NESTING, CutOff, GuestListParser, ShapeError
from kiosk.remote.json_front import JsonFront
from kiosk.server import ServerThread
from kiosk.services.sync import Sync
from kiosk.storage import Store
from tests.remote.invitario_fake import SERVER_TIME

EVENT, KEY = "4711", "parser-test-key"
# The lists of the issue: on Debian's Python 3.11.2 none of them synced with the regular-expression
# scanner (its possessive quantifiers misbehave there), while a list of 20 did.
ISSUE_LISTS = [(200, 7), (1000, 1), (5000, 3)]


def _parse(body: bytes, step: int, page_size: int = 100) -> tuple[list[Guest], list[str], dict[str, object]]:
    parser = GuestListParser(page_size)
    pages = []
    for start in range(0, len(body), step):
        pages += parser.feed(body[start : start + step])
    rest, document = parser.finish()
    pages += rest
    assert all(len(page.guests) + len(page.malformed) <= page_size for page in pages)
    return [g for page in pages for g in page.guests], [m for page in pages for m in page.malformed], document.meta


def _list_body(server: ServerThread) -> bytes:
    with httpx.Client(base_url=server.url, trust_env=False, timeout=60) as client:
        token = client.post(
            "/api/v1/login", json={"eventId": EVENT, "apiKey": KEY, "stationName": "Parser test"}
        ).json()["sessionToken"]
        answer = client.post("/api/v1/guest/list/all", json={"sessionToken": token})
        answer.raise_for_status()
        return answer.content


def test_ijson_runs_on_its_c_backend():
    # The pure-Python backends read the same JSON, but several times slower than a full sync may take.
    assert ijson.backend == "yajl2_c"


@pytest.mark.parametrize(
    ("guests", "seed"),
    [(200, 7), (1000, 1), pytest.param(5000, 3, marks=pytest.mark.slow)],
    ids=[f"{g}-seed{s}" for g, s in ISSUE_LISTS],
)
def test_the_lists_of_the_issue_sync_and_parse_as_orjson_reads_them(tmp_path: Path, guests: int, seed: int):
    with ServerThread(tmp_path / "server.db", event_id=EVENT, api_key=KEY, guests=guests, seed=seed) as server:
        body = _list_body(server)
        store = Store.open(tmp_path / "station.sqlite3")
        try:

            async def sync_once():
                connector = InvitarioConnector(server.url, EVENT, KEY, "Door 1", page_size=250)
                try:
                    return await Sync(store, connector).run_once()
                finally:
                    await connector.aclose()

            report = asyncio.run(sync_once())
            assert report.ok, report.error
            assert report.pulled == guests and report.malformed == 0
            assert store.counts()["guests"] == guests
        finally:
            store.close()

    doc = orjson.loads(body)
    expected = [parse_guest(record) for record in doc["guests"]]
    assert len(expected) == guests
    for step in (997, CHUNK_BYTES + 1, len(body)):
        parsed, malformed, meta = _parse(body, step)
        assert malformed == []
        assert parsed == expected
        assert meta == {"status": "success", "count": guests, "dateTime": doc["dateTime"]}


def _doc(**members: object) -> dict[str, object]:
    return {"status": "success", "dateTime": SERVER_TIME, **members}


# Escapes written out by hand: what json.dumps would make of them is not the point.
_ESCAPES = [
    (rb'"x\ud800y"', "x?y"),  # a lone high surrogate
    (rb'"\udc00"', "?"),  # a lone low one
    (rb'"\ud83d\ude00!"', "\U0001f600!"),  # a pair
    (rb'"\uD83D\uDE00"', "\U0001f600"),
    (rb'"\\ud800"', "\\ud800"),  # an escaped backslash, then plain text
    (rb'"\\\ud800"', "\\?"),  # an escaped backslash, then a lone surrogate
    (rb'"\\\\\ud83d\ude00"', "\\\\\U0001f600"),
    (rb'"\ud800\ud83d\ude00"', "?\U0001f600"),  # a lone high one just before a pair
    (rb'"\ud83d\\ude00"', "?\\ude00"),
]


def test_escaped_surrogates_are_read_alike_in_any_split():
    fields = b",".join(b'"f%d": %s' % (n, raw) for n, (raw, _text) in enumerate(_ESCAPES))
    body = b'{"status": "success", "dateTime": "%s", "guests": [{"id": "g-1", "fields": {%s}}]}' % (
        SERVER_TIME.encode(),
        fields,
    )
    want = {f"f{n}": text for n, (_raw, text) in enumerate(_ESCAPES)}
    for step in range(1, 14):
        (guest,), malformed, _meta = _parse(body, step)
        assert malformed == []
        assert guest.fields == want, step
    # Every cut, in two pieces: the held-back end of a piece must be read as if it had never been cut.
    for cut in range(len(body)):
        parser = GuestListParser(10)
        pages = parser.feed(body[:cut]) + parser.feed(body[cut:])
        pages += parser.finish()[0]
        assert [g.fields for page in pages for g in page.guests] == [want], cut


def test_nesting_far_beyond_any_reader_is_refused_within_the_first_piece():
    # ijson's path bookkeeping costs the square of the depth: 300,000 levels would take about 200 GB.
    body = b'{"status": "success", "junk": ' + b"[" * 300_000 + b"]" * 300_000 + b', "guests": []}'
    parser = GuestListParser(10)
    with pytest.raises(ShapeError, match=f"nested deeper than {MAX_NESTING} levels"):
        parser.feed(body[:CHUNK_BYTES])


@pytest.mark.parametrize("where", ["member", "record"])
def test_nesting_up_to_the_limit_is_read_past(where: str):
    deep = "[" * (MAX_NESTING - 3) + "]" * (MAX_NESTING - 3)
    records = ['{"id": "g-1"}', '{"id": "g-2"}']
    if where == "record":
        records.insert(1, '{"id": "g-deep", "fields": {"x": ' + deep[2:-2] + "}}")
        junk = "0"
    else:
        junk = deep
    members = f'"status": "success", "junk": {junk}, "guests": [{", ".join(records)}], "dateTime": "{SERVER_TIME}"'
    body = ("{" + members + "}").encode()

    guests, malformed, meta = _parse(body, 4096)

    assert [g.id for g in guests] == ["g-1", "g-2"]
    assert malformed == (["guest g-deep: nested too deeply"] if where == "record" else [])
    assert meta["dateTime"] == SERVER_TIME


@pytest.mark.parametrize(
    "junk",
    [
        '"' + "[{" * 50_000 + '"',  # brackets in text
        "[" * 1000 + "[]," * 50_000 + "[]" + "]" * 1000,  # many that close again, close to the limit
    ],
    ids=["in-text", "near-the-limit"],
)
def test_brackets_that_do_not_nest_deeper_are_read_past(junk: str):
    body = f'{{"status": "success", "junk": {junk}, "guests": [{{"id": "g-1"}}], "dateTime": "{SERVER_TIME}"}}'

    guests, _malformed, meta = _parse(body.encode(), CHUNK_BYTES)

    assert [g.id for g in guests] == ["g-1"] and meta["dateTime"] == SERVER_TIME


def test_a_record_that_outgrows_the_size_limit_is_pruned_while_it_is_built():
    blob = b"[" + b",".join([b'"' + b"x" * 100 + b'"'] * 60_000) + b"]"  # 6 MB of text, 10 MB built
    body = (
        b'{"status": "success", "dateTime": "%s", "guests": [{"id": "g-big", "fields": {"blob": %s}}, {"id": "g-2"}]}'
        % (SERVER_TIME.encode(), blob)
    )
    tracemalloc.start()
    try:
        guests, malformed, _meta = _parse(body, CHUNK_BYTES)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [g.id for g in guests] == ["g-2"]
    assert malformed == ["guest g-big: record too large"]
    assert peak < 4_000_000, peak


def test_members_the_kiosk_does_not_read_are_not_held():
    junk = json.dumps([{"n": n, "text": "x" * 100} for n in range(30_000)]).encode()  # 3.5 MB, 10 MB built
    body = b'{"status": "success", "dateTime": "%s", "extra": %s, "guests": [{"id": "g-1"}]}' % (
        SERVER_TIME.encode(),
        junk,
    )
    tracemalloc.start()
    try:
        guests, _malformed, meta = _parse(body, CHUNK_BYTES)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [g.id for g in guests] == ["g-1"]
    assert "extra" not in meta
    assert peak < 3_000_000, peak


def test_meta_members_past_their_limits_stand_as_too_large():
    errors = [{"code": 10, "message": "m" * 50} for _ in range(5000)]  # about 300 kB
    deep: object = []
    for _ in range(9):
        deep = [deep]
    body = json.dumps(_doc(errors=errors, displayMessage=deep, count=1, guests=[{"id": "g-1"}])).encode()
    for step in (100, len(body)):
        _guests, _malformed, meta = _parse(body, step)
        assert repr(meta["errors"]) == repr(meta["displayMessage"]) == "<too large>"
        assert meta["count"] == 1 and meta["status"] == "success"


def test_every_guests_list_of_the_document_is_read_in_order():
    # Duplicate names are not forbidden by JSON; the records of both lists are delivered, as before.
    body = (
        b'{"status": "success", "guests": [{"id": "g-1"}, {"id": "g-2"}], "dateTime": "%s",'
        b' "guests": [{"id": "g-3"}]}' % SERVER_TIME.encode()
    )
    for step in (1, 5, len(body)):
        guests, _malformed, _meta = _parse(body, step, page_size=2)
        assert [g.id for g in guests] == ["g-1", "g-2", "g-3"]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"guests": [1e999]}', ShapeError),
        (b'{"guests": [{"id": "a", "n": -9223372036854775809}]}', ShapeError),
        (b'{"guests": [{"id": "a\xff"}]}', CutOff),
        (b'{"guests": []} {}', CutOff),
        (b'{"guests": [}', CutOff),
        (b'{"guests": [', CutOff),
        (b'"guests"', ShapeError),
        (b"", CutOff),
        (b"   ", CutOff),
    ],
)
def test_bodies_that_cannot_be_read_say_whether_to_try_again(body: bytes, error: type[Exception]):
    with pytest.raises(error) as raised:
        _parse(body, 3)
    # One line, naming the problem, never quoting the body.
    assert "\n" not in str(raised.value) and "guests" not in str(raised.value)


_TOKENS = [b"\\", b"\\u", b"d83d", b"D83D", b"de00", b"DC00", b"d800", b"0041", b"x", b'"', b"u"]


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.sampled_from(_TOKENS), max_size=40),
    cuts=st.lists(st.integers(0, 200), max_size=6),
)
# A piece that ends just after a surrogate pair: cut before its low half, the high one would look lone.
@example(parts=[b"\\u", b"d83d", b"\\u", b"de00", b"x"], cuts=[14])
def test_the_front_mends_a_body_alike_however_it_is_cut(parts: list[bytes], cuts: list[int]):
    body = b"{" + b"".join(parts)
    whole = JsonFront().take(body, final=True)
    front, out, start = JsonFront(), b"", 0
    for end in sorted({min(c, len(body)) for c in cuts}):
        out += front.take(body[start:end])
        start = end
    out += front.take(body[start:]) + front.take(b"", final=True)
    assert out == whole
    assert len(whole) == len(body)  # every escape is mended into one as long
