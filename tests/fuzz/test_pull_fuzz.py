"""Sync.run_once against arbitrary and malformed guest lists: no exception, no cursor ahead, nothing lost."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk.domain import Change, Mode, VerdictKind
from kiosk.domain.models import Guest
from kiosk.domain.timeutil import parse_time
from kiosk.services.checkin import CheckIn
from tests.fuzz.strategies import ListCase, list_cases
from tests.fuzz.support import FUZZ, STATION, ScriptedServer, chunked, fresh_store, run_round, seed_ids, snapshot

PRESET_CURSOR = datetime(2024, 5, 1, 8, 0, tzinfo=UTC).isoformat()  # an Invitario cursor: a server time
SCANNED = "seed-1"  # the guest a door scan checks in while the pull is under way


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pull-fuzz")


def landed(version: Guest, queued: Change) -> Guest:
    """A pulled guest as the mirror must hold it: a later change still queued here keeps its presence."""
    if version.id == queued.guest_id and (
        version.client_update is None or queued.client_update > version.client_update
    ):
        return replace(
            version, check_in=queued.check_in, check_out=queued.check_out, client_update=queued.client_update
        )
    return version


def _regression(body: bytes, *, ok: bool | None, cursor: datetime | None = None) -> ListCase:
    return ListCase(body, 200, [], False, [], 2, ok, cursor)


@FUZZ
@given(case=list_cases(), preset=st.booleans())
# A dateTime with no UTC equivalent used to make the cursor write raise OverflowError out of run_once.
@example(
    case=_regression(b'{"status":"success","dateTime":"9999-12-31T23:00:00-02:00","guests":[]}', ok=False), preset=True
)
# A member named "" used to be taken for a guest record.
@example(
    case=_regression(
        b'{"status":"success","":{"id":"g-1"},"guests":[],"dateTime":"2024-05-01T10:00:00Z"}',
        ok=True,
        cursor=datetime(2024, 5, 1, 10, tzinfo=UTC),
    ),
    preset=False,
)
# Any escaped text: a lone surrogate may be refused or mended, but never escapes as an exception.
@example(
    case=_regression(
        b'{"status":"success","dateTime":"2024-05-01T10:00:00+02:00","guests":[],"x":"\\udc00","y":["\\ud800"]}',
        ok=None,
        cursor=datetime(2024, 5, 1, 8, tzinfo=UTC),
    ),
    preset=False,
)
def test_sync_over_any_guest_list(base: Path, case: ListCase, preset: bool) -> None:
    with fresh_store(base) as store:
        if preset:
            store.update_sync_state(cursor=PRESET_CURSOR)
        before = store.sync_state().cursor
        checkin = CheckIn(store, STATION)
        scanned: list[Change] = []
        seen: dict[str, Guest | None] = {}

        def door_scan() -> None:
            # The same store and service the app uses; the sync's worker thread is idle during a request.
            outcome = checkin.scan(SCANNED, Mode.CHECK_IN)
            assert outcome.kind is VerdictKind.ADMITTED and outcome.change is not None
            scanned.append(outcome.change)
            seen.update(snapshot(store, seed_ids()))

        body = chunked(case.body, case.cuts, case.broken)
        server = ScriptedServer(list_status=case.status_code, list_body=body, on_list=door_scan)
        report = run_round(store, server, page_size=case.page_size)

        assert store.integrity_check() == "ok"
        (queued,) = scanned
        assert store.queued_changes() == [queued], "a pull must never lose a queued change"
        versions: dict[str, list[Guest]] = {}
        for guest in case.good:
            versions.setdefault(guest.id, []).append(landed(guest, queued))
        state = store.sync_state()
        if case.expected_ok is not None:
            assert report.ok is case.expected_ok, report.error
        if report.ok:
            assert report.full is (not preset)
            assert parse_time(state.cursor) == case.cursor  # the v1 cursor is the document's dateTime
            assert report.pulled == len(case.good)
            assert report.malformed == case.malformed
            for guest_id, history in versions.items():
                assert store.get_guest(guest_id) == history[-1]
            for guest_id, seed in seen.items():
                if guest_id not in versions:
                    assert store.get_guest(guest_id) == seed
            assert store.counts()["guests"] == len(set(versions) | set(seen))
        else:
            assert report.error
            assert state.cursor == before, "a failed pull must not move the cursor"
            # Pages written before the failure may stay, each whole; nothing else may appear.
            for guest_id, history in versions.items():
                found = store.get_guest(guest_id)
                assert found is None or found in history or found == seen.get(guest_id)
            for guest_id, seed in seen.items():
                if guest_id not in versions:
                    assert store.get_guest(guest_id) == seed
            assert store.counts()["guests"] <= len(set(versions) | set(seen))
        for record in case.records:
            gid = record.doc.get("id") if isinstance(record.doc, dict) else None
            if record.expected is None and isinstance(gid, str) and gid not in versions and gid not in seen:
                assert store.get_guest(gid) is None, "a refused record must not reach the mirror"


@pytest.mark.parametrize("text", [b'"a\\udc00b"', b'"\\ud800"', b'["\\ud83d", "\\ude00x"]'])
def test_a_lone_surrogate_in_a_guest_record_is_mended_or_refused_never_raised(base: Path, text: bytes) -> None:
    """Regression: with the ijson parser this escape left the connector as a UnicodeDecodeError."""
    body = (
        b'{"status":"success","dateTime":"2024-05-01T10:00:00+02:00","guests":[{"id":"g-1","fields":{"x":'
        + text
        + b'}},{"id":"g-2"}]}'
    )
    with fresh_store(base) as store:
        report = run_round(store, ScriptedServer(list_body=body))
        assert store.integrity_check() == "ok"
        if report.ok:
            guest = store.get_guest("g-1")
            assert guest is not None and store.get_guest("g-2") is not None
            assert str(guest.fields["x"]).encode("utf-8")  # what was mended is Unicode again
        else:
            assert report.error and store.sync_state().cursor is None
            assert store.get_guest("g-1") is None
