"""Guest lists split into pieces at any byte parse the same on every supported Python.

On Debian 12's Python 3.11.2, possessive quantifiers in the scanner read a string cut off at the end
of a piece as complete, and every list longer than one piece (the emulator's 200 guests, seed 7) was
refused as "unexpected content after document". These run on each interpreter CI uses.
"""

from __future__ import annotations

import json

import pytest

from kiosk.platforms.invitario.emulator.generate import generate_guests
from kiosk.platforms.invitario.stream import CHUNK_BYTES, GuestListParser

SERVER_TIME = "2026-05-01T08:00:00.000+02:00"


def body_of(guests: list[dict[str, object]]) -> bytes:
    return json.dumps({"status": "success", "dateTime": SERVER_TIME, "count": len(guests), "guests": guests}).encode()


def parse(pieces: list[bytes]) -> list[str]:
    parser = GuestListParser(page_size=500)
    ids: list[str] = []
    for piece in pieces:
        for page in parser.feed(piece):
            assert page.malformed == []
            ids += [guest.id for guest in page.guests]
    pages, doc = parser.finish()
    for page in pages:
        assert page.malformed == []
        ids += [guest.id for guest in page.guests]
    assert doc.meta["dateTime"] == SERVER_TIME and doc.guests_problem is None
    return ids


@pytest.mark.parametrize(("count", "seed"), [(20, 1), (200, 7), (1000, 1), (5000, 3)])
def test_the_emulators_lists_parse_whole_in_network_sized_pieces(count: int, seed: int) -> None:
    guests = generate_guests(count, seed)
    body = body_of(guests)
    assert len(body) > CHUNK_BYTES or count == 20
    expected = [str(g["id"]) for g in guests]
    assert parse([body]) == expected
    # httpx hands the body over in pieces of whatever size the network gives: odd ones here.
    assert parse([body[i : i + 4093] for i in range(0, len(body), 4093)]) == expected


def test_a_cut_at_every_byte_of_the_first_records_changes_nothing() -> None:
    guests = generate_guests(6, 7)
    body = body_of(guests)
    expected = [str(g["id"]) for g in guests]
    for cut in range(1, min(len(body), 3000)):
        assert parse([body[:cut], body[cut:]]) == expected, f"cut at byte {cut}"
