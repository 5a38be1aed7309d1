"""A 100,000-guest list streams through pull page by page, never held whole in memory."""

from __future__ import annotations

import json

import httpx
import pytest

from kiosk.platforms.invitario.stream import CHUNK_BYTES, CutOff, GuestListParser
from tests.platforms.invitario.invitario_fake import SERVER_TIME

pytestmark = pytest.mark.anyio

GUESTS = 100_000


class GeneratedList:
    """A list answer written on the fly, a few hundred guests at a time, counting what it has sent."""

    def __init__(self, guests: int, date_time_last: bool) -> None:
        self.guests = guests
        self.date_time_last = date_time_last
        self.sent_bytes = 0
        self.sent_guests = 0
        self.finished = False

    async def body(self):
        head = '{"status": "success", "count": ' + str(self.guests) + ", "
        head += '"guests": [' if self.date_time_last else f'"dateTime": "{SERVER_TIME}", "guests": ['
        yield self._count(head)
        for start in range(0, self.guests, 250):
            records = (
                json.dumps(
                    {
                        "id": f"g-{n:06d}",
                        "accessCode": f"c{n:06d}",
                        "registrationState": "registered",
                        "fields": {"lastName": f"L{n}"},
                    }
                )
                for n in range(start, min(start + 250, self.guests))
            )
            self.sent_guests = min(start + 250, self.guests)
            yield self._count(("," if start else "") + ",".join(records))
        yield self._count("]" + (f', "dateTime": "{SERVER_TIME}"' if self.date_time_last else "") + "}")
        self.finished = True

    def _count(self, text: str) -> bytes:
        data = text.encode()
        self.sent_bytes += len(data)
        return data


async def test_a_huge_list_streams_without_being_held_whole(fake, make_connector):
    generated = GeneratedList(GUESTS, date_time_last=True)
    fake.queue("guest/list/all", lambda request: httpx.Response(200, content=generated.body()))
    connector = make_connector(page_size=1000)
    seen = pages = 0
    ahead: list[int] = []

    async for page in connector.pull(None):
        assert page.malformed == []
        assert page.guests[0].id == f"g-{seen:06d}"
        seen += len(page.guests)
        pages += 1
        # The body is written lazily, so what the server has written but the pages have not yet
        # delivered is all the connector can be holding.
        ahead.append(generated.sent_guests - seen)
        last = page

    assert generated.finished
    assert seen == GUESTS and pages == GUESTS // 1000
    assert last.last and last.server_time is not None and last.expected_count == GUESTS
    assert generated.sent_bytes > 8_000_000
    # Each page leaves while the rest of the body is still to be written: never more than one
    # 250-guest piece of the body is waiting behind the page just delivered.
    assert max(ahead) <= 250, ahead


def test_the_parser_takes_any_split_of_the_body():
    doc = {
        "status": "success",
        "guests": [{"id": f"g-{n}", "fields": {"note": 'ü ✓ " \\ ]}' * n}} for n in range(30)],
        "dateTime": SERVER_TIME,
        "count": 30,
    }
    body = json.dumps(doc, ensure_ascii=False).encode()
    for step in (1, 7, 64, len(body)):
        parser = GuestListParser(page_size=4)
        pages = []
        for start in range(0, len(body), step):
            pages += parser.feed(body[start : start + step])
        rest, document = parser.finish()
        pages += rest
        assert [g.id for page in pages for g in page.guests] == [f"g-{n}" for n in range(30)]
        assert pages[-1].guests[-1].fields["note"] == 'ü ✓ " \\ ]}' * 29
        assert document.meta == {"status": "success", "dateTime": SERVER_TIME, "count": 30}
        assert document.records == 30


def test_big_pieces_are_fed_to_the_json_parser_in_small_chunks(monkeypatch):
    sizes: list[int] = []
    parser = GuestListParser(page_size=10)
    original = parser._coro

    class Spy:
        def send(self, piece: bytes) -> None:
            sizes.append(len(piece))
            original.send(piece)

        def close(self) -> None:
            original.close()

    parser._coro = Spy()  # type: ignore[assignment]
    body = json.dumps({"status": "success", "dateTime": SERVER_TIME, "guests": [{"id": "x" * 100}] * 3000})
    parser.feed(body.encode())
    parser.finish()

    assert max(sizes) <= CHUNK_BYTES
    assert sum(sizes) == len(body)


def _parse_in_pieces(body: bytes, step: int) -> list[str]:
    parser = GuestListParser(page_size=2)
    pages = []
    for start in range(0, len(body), step):
        pages += parser.feed(body[start : start + step])
    rest, _document = parser.finish()
    return [g.id for page in pages + rest for g in page.guests]


def test_a_byte_order_mark_before_the_document_is_ignored_in_any_split():
    # Some servers (and files served as-is) start UTF-8 JSON with EF BB BF; RFC 8259 lets a reader skip it.
    doc = {"status": "success", "dateTime": SERVER_TIME, "guests": [{"id": f"g-{n}"} for n in range(5)]}
    body = b"\xef\xbb\xbf" + json.dumps(doc).encode()
    for step in (1, 2, 3, 4, len(body)):
        assert _parse_in_pieces(body, step) == [f"g-{n}" for n in range(5)]


@pytest.mark.parametrize(
    "body",
    [b"\xef\xbb\xbf\xef\xbb\xbf{}", b"\xef\xbb{}", b"\xef\xbb", b'{"status": \xef\xbb\xbf"success"}'],
    ids=["twice", "broken", "only-part", "inside"],
)
def test_anything_else_that_looks_like_a_byte_order_mark_is_refused(body):
    with pytest.raises(CutOff):
        _parse_in_pieces(body, 1)
