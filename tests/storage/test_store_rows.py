"""Row conversion details: the ASCII shortcut for codes and JSON for odd field values."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.codes import CodeKind, normalise_code
from kiosk.domain.models import Guest
from kiosk.storage import Store
from kiosk.storage.rows import GUEST_COLUMNS, dump_json, fast_normalise, guest_from_json, guest_to_json, guest_to_row

_codes = st.one_of(
    st.text(max_size=140),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=140),
    st.from_regex(r"\s*\][A-Za-z][0-9A-Za-z][ -~]{0,10}\s*", fullmatch=True),
)


@settings(max_examples=400, deadline=None)
@given(_codes)
def test_fast_normalise_agrees_with_normalise_code(code: str) -> None:
    assert fast_normalise(code) == (normalise_code(code) or None)


def test_fast_normalise_examples() -> None:
    assert fast_normalise(" AbC ") == "abc"
    assert fast_normalise("]C1AbC") == "abc"
    assert fast_normalise("   ") is None
    assert fast_normalise(None) is None
    assert fast_normalise("x" * 129) is None


def test_dump_json_copes_with_values_json_cannot_take() -> None:
    odd = {"a": Decimal("2"), "b": Decimal("0.5"), "c": Decimal("NaN")}
    assert dump_json(odd) == '{"a":2,"b":0.5,"c":"NaN"}'
    assert dump_json({"big": 2**70}) == '{"big":1180591620717411303424}'
    assert dump_json({1: "x"}) == '{"1":"x"}'
    assert dump_json({"ü": "ß"}) == '{"ü":"ß"}'


def test_guest_json_round_trip() -> None:
    original = Guest(id="g1", access_code="a", fields={"x": [1, "y"]}, companions=("c1",))
    assert guest_from_json(guest_to_json(original)) == original
    assert guest_from_json(None) is None


def test_row_of_an_unusable_guest_is_none() -> None:
    assert guest_to_row(Guest(id=""), "externalId") is None
    row = guest_to_row(Guest(id="g1", fields={"externalId": True, "firstName": ["a"]}), "externalId")
    assert row is not None
    assert row[13] is None and row[14] is None  # booleans and lists are no badge and no name


def test_the_kind_of_a_code_survives_the_mirror_and_a_stored_winner(tmp_path: Path) -> None:
    secret = Guest(id="p1", access_code="s3cr3t", access_code_kind=CodeKind.TICKET_SECRET)
    plain = Guest(id="p2", access_code="A-2")
    assert guest_from_json(guest_to_json(secret)) == secret
    # An access code proper is stored as NULL (rows from before schema 7 read the same).
    row = guest_to_row(plain, "externalId")
    assert row is not None and row[GUEST_COLUMNS.index("access_code_kind")] is None
    with Store.open(tmp_path / "m.sqlite3") as store:
        store.apply_pull_page([secret, plain])

        def kind(found: Guest | None) -> CodeKind | None:
            return found.access_code_kind if found else None

        assert kind(store.find_guest("s3cr3t")) is CodeKind.TICKET_SECRET
        assert kind(store.get_guest("p2")) is CodeKind.ACCESS_CODE
        # A kind a newer kiosk wrote, which this one does not know, reads as an access code, not an error.
        store._conn.execute("UPDATE guests SET access_code_kind = 'retina_scan' WHERE id = 'p1'")
        assert kind(store.get_guest("p1")) is CodeKind.ACCESS_CODE
