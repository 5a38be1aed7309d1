"""parse_guest on any JSON value: a Guest the mirror can hold, or ValueError; never anything else."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk.domain.models import Guest
from kiosk.domain.timeutil import format_time
from kiosk.platforms.invitario.mapper import parse_guest
from kiosk.storage import Store
from tests.fuzz.strategies import (
    GUEST_KEYS,
    Record,
    bad_records,
    good_records,
    huge_ints,
    json_values,
    readable_scalars,
    wild_junk,
)
from tests.fuzz.support import FUZZ

# Anything json.loads can produce, lone surrogates and integers of any size included.
any_scalar = st.one_of(readable_scalars, huge_ints, st.text(st.characters(codec=None, exclude_categories=[])))
any_json = json_values(any_scalar, max_leaves=20)
# Objects shaped like a guest, each member holding any JSON value at all.
guest_shaped = st.fixed_dictionaries({}, optional={key: any_json for key in sorted(GUEST_KEYS)}).flatmap(
    lambda d: st.dictionaries(st.text(max_size=8), any_json, max_size=3).map(lambda extra: {**extra, **d})
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store.open(tmp_path_factory.mktemp("parse-fuzz") / "kiosk.sqlite3") as opened:
        yield opened


def _mirrorable(guest: Guest, store: Store) -> None:
    """What parse_guest hands out, the kiosk can store and send: times in UTC, the row written."""
    for value in (guest.client_update, guest.server_update, guest.check_in, guest.check_out, guest.deleted):
        format_time(value)
    store.apply_pull_page([guest])
    assert store.get_guest(guest.id) is not None


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


# Good records whose fields hold any value, integers beyond 64 bits included.
accepted = good_records(field_values=json_values(st.one_of(readable_scalars, huge_ints))).map(lambda r: r.doc)


@FUZZ
@given(value=st.one_of(any_json, guest_shaped, wild_junk, accepted))
@example(value={"id": "g", "checkInDateTime": "0001-01-01T00:30:00+01:00"})
@example(value={"id": "g", "deleteDateTime": "9999-12-31T23:59:59-00:01"})
def test_parse_guest_returns_a_guest_or_raises_value_error(value: Any, store: Store) -> None:
    try:
        guest = parse_guest(value)
    except ValueError as exc:
        assert str(exc), "a refusal says why"
        return
    assert isinstance(guest, Guest) and isinstance(guest.id, str) and guest.id.strip()
    if not _has_surrogate(value):
        # Lone surrogates never get this far from the wire: both JSON readers mend them (see test_push_fuzz).
        _mirrorable(guest, store)


@FUZZ
@given(record=st.one_of(good_records(), bad_records(stream_defects=False)))
def test_parse_guest_takes_the_good_records_and_refuses_the_bad(record: Record) -> None:
    if record.expected is None:
        with pytest.raises(ValueError):
            parse_guest(record.doc)
        return
    guest = parse_guest(record.doc)
    # The mirror keeps an empty parentId as none; parse_guest hands over what it was given.
    assert replace(guest, parent_id=guest.parent_id or None) == record.expected


def test_a_time_without_a_utc_equivalent_is_refused_with_its_key_named() -> None:
    """Regression: such a time passed, and format_time then raised OverflowError in the store."""
    with pytest.raises(ValueError, match="checkInDateTime"):
        parse_guest({"id": "g", "checkInDateTime": "0001-01-01T00:30:00+01:00"})
    with pytest.raises(ValueError, match="no UTC offset"):
        parse_guest({"id": "g", "checkInDateTime": "2024-01-01T10:00:00"})
    assert parse_guest({"id": "g", "checkInDateTime": "0001-01-01T00:30:00+00:00"}).check_in is not None
