"""A station upgraded from an earlier release keeps every guest, queued change, answer and scan.

The databases in fixtures/ were written by earlier kiosk code (see fixtures/README.md); each test opens
a copy in tmp_path with today's code, which migrates it, and then uses it as a door would.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.domain import CodeKind, Mode, VerdictKind
from kiosk.domain.models import Admission, ChangeKind, DisplayField
from kiosk.services.checkin import CheckIn
from kiosk.storage import Store
from kiosk.storage.schema import MIGRATIONS

FIXTURES = Path(__file__).with_name("fixtures")
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture(params=["station-schema1.sqlite3", "station-schema2.sqlite3", "station-schema6.sqlite3"])
def upgraded(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    path = tmp_path / request.param  # the name says which schema wrote it (see written_before)
    shutil.copyfile(FIXTURES / request.param, path)
    store = Store.open(path)
    request.addfinalizer(store.close)
    return store


def written_before(store: Store, schema: int) -> bool:
    """Whether the fixture under test was written by a release before `schema` (its file name says)."""
    return int(store.path.stem.rpartition("schema")[2]) < schema


def test_the_schema_is_brought_up_to_date_and_the_file_is_sound(upgraded: Store) -> None:
    conn = upgraded._conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert upgraded.integrity_check() == "ok"
    columns = {row[1] for row in conn.execute("PRAGMA table_info(guests)")}
    assert "admission" in columns and "registration_state" not in columns and "access_code_kind" in columns


def test_every_guest_is_kept_with_its_admission_in_kiosks_words(upgraded: Store) -> None:
    admissions = {gid: upgraded.get_guest(gid) for gid in ("g1", "g2", "g3", "g4", "g5", "g6")}
    assert {gid: g.admission for gid, g in admissions.items() if g is not None} == {
        "g1": Admission.ADMISSIBLE,
        "g2": Admission.UNSTATED,
        "g3": Admission.DEREGISTERED,
        "g4": Admission.NOT_CONFIRMED,
        "g5": Admission.ADMISSIBLE,
        "g6": Admission.ADMISSIBLE,
    }
    ada = admissions["g1"]
    assert ada is not None and ada.display_name == "Ada Lovelace" and ada.companions == ("g5",)
    assert ada.check_in == at(10)  # the queued check-in shows in the mirror, as it did before
    gone = admissions["g6"]
    assert gone is not None and gone.deleted == at(1)
    assert [g.id for g in upgraded.search("hopper")] == ["g3"]
    found = upgraded.find_guest("bg4")  # the badge field's codes are still found
    assert found is not None and found.id == "g4"
    counts = upgraded.counts()
    assert (counts["guests"], counts["deleted"]) == (6, 1)  # g6 was deleted by the server, and kept so


def test_the_queue_answers_and_scan_log_are_kept(upgraded: Store) -> None:
    (queued,) = upgraded.queued_changes()
    assert (queued.change_id, queued.guest_id, queued.kind, queued.check_in, queued.client_update) == (
        "c-queued", "g1", ChangeKind.CHECK_IN, at(10), at(10)
    )
    assert not queued.manual  # the release before did not tell staff changes from scans
    assert [c.change_id for c in upgraded.local_changes_for("g2")] == ["c-done"]
    assert upgraded.local_changes_for("g6") == []  # dropped
    (conflict,) = upgraded.conflicts()
    assert conflict.change.change_id == "c-conflict" and not conflict.acknowledged
    # The winner was stored as JSON with the v1 registration state; it reads in kiosk's words.
    assert conflict.winner is not None and conflict.winner.admission is Admission.ADMISSIBLE
    assert conflict.winner.check_in == at(9)
    scans = upgraded.recent_scans()
    assert [s.code for s in scans] == ["garbage", "CODE-g6", "CODE-g5", "CODE-g2", "CODE-g1"]
    state = upgraded.sync_state()
    assert (state.last_success, state.clock_offset) == (at(15), 1.5)
    # Across schema 3 the cursor goes: the next sync lists everyone again, so that each mapper fills the
    # display fields. A later release's cursor is kept.
    assert state.cursor == (None if written_before(upgraded, 3) else "2026-11-20T09:02:00+00:00")
    assert state.last_error == "Server unreachable: test"


def test_upgraded_codes_read_as_access_codes_until_their_platform_names_them(upgraded: Store) -> None:
    ada = upgraded.get_guest("g1")
    assert ada is not None and ada.access_code_kind is CodeKind.ACCESS_CODE
    upgraded.apply_pull_page([replace(ada, access_code_kind=CodeKind.TICKET_SECRET)], cursor="listed")
    found = upgraded.find_guest("code-g1")
    assert found is not None and found.access_code_kind is CodeKind.TICKET_SECRET


def test_the_upgraded_door_decides_as_before(upgraded: Store) -> None:
    checkin = CheckIn(upgraded, "North")
    assert checkin.scan("CODE-g2", Mode.CHECK_OUT).kind is VerdictKind.CHECKED_OUT  # its uploaded check-in
    assert checkin.scan("CODE-g3", Mode.CHECK_IN).kind is VerdictKind.DEREGISTERED
    assert checkin.scan("CODE-g4", Mode.CHECK_IN).kind is VerdictKind.NOT_CONFIRMED
    assert checkin.scan("CODE-g1", Mode.CHECK_IN).kind is VerdictKind.ALREADY_IN  # its queued check-in
    assert upgraded.queued_count() == 2


def test_the_first_full_listing_after_the_upgrade_sweeps_whom_it_lacks_and_the_queue_goes_on(
    upgraded: Store,
) -> None:
    listed = [g for g in (upgraded.get_guest(gid) for gid in ("g2", "g3")) if g is not None]
    gen = upgraded.begin_listing()
    assert upgraded.complete_listing(gen, "listed", listed, listed_at=at(30)) == 3  # g1, g4, g5; g6 was deleted already
    still = {gid for gid in ("g1", "g2", "g3", "g4", "g5", "g6") if (g := upgraded.get_guest(gid)) and not g.deleted}
    assert still == {"g2", "g3"}
    assert [c.change_id for c in upgraded.queued_changes()] == ["c-queued"]


def test_an_upgraded_mirror_counts_no_companions_until_a_platform_sends_a_count(upgraded: Store) -> None:
    assert upgraded.companion_counts() == (0, 0)
    g2 = upgraded.get_guest("g2")
    assert g2 is not None and g2.companion_count == 0
    upgraded.apply_pull_page([replace(g2, companion_count=2)], cursor="listed")
    assert upgraded.companion_counts() == (0, 2)


def test_upgraded_guests_have_no_display_fields_until_the_next_listing_fills_them(upgraded: Store) -> None:
    ada = upgraded.get_guest("g1")
    assert ada is not None and ada.display == ()
    relisted = replace(ada, display=(DisplayField("notes", "Notes", "Speaker"),))
    upgraded.apply_pull_page([relisted], cursor="listed")
    again = upgraded.get_guest("g1")
    assert again is not None and again.display == relisted.display
