"""A first sync answers scans before its search index is built; search refuses politely until it is done."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.domain import Mode, VerdictKind
from kiosk.domain.models import Admission, Guest
from kiosk.platforms.base import PullPage
from kiosk.services.checkin import CheckIn
from kiosk.services.desk import Desk, SearchNotReady
from kiosk.services.sync import SEARCH_FIRST_ROWS, Sync
from kiosk.storage import Store
from tests.services.canned_connector import CannedConnector

N = 3 * SEARCH_FIRST_ROWS  # more than one build step


def people(n: int) -> list[Guest]:
    return [Guest(f"p{i:05d}", access_code=f"P-{i}", admission=Admission.ADMISSIBLE, name=f"Person {i}",
                  sort_name=f"{i} Person", company="Firm") for i in range(n)]


def listing(guests: list[Guest]) -> list[PullPage]:
    half = len(guests) // 2
    return [PullPage(guests[:half]), PullPage(guests[half:], last=True, cursor="c1")]


def test_scans_are_answered_while_the_search_index_is_built_and_search_answers_once_it_is(tmp_path: Path) -> None:
    path = tmp_path / "station.sqlite3"
    sync_store, door = Store.open(path), Store.open(path)
    checkin, desk = CheckIn(door, "North"), Desk(door, "North")
    codes = iter(f"P-{i}" for i in range(N - 1, 0, -1))
    during: list[VerdictKind] = []
    refusals: list[float] = []

    async def offload(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if fn == sync_store.build_search_step:  # the door's turn, between two steps of the build
            during.append(checkin.scan(next(codes), Mode.CHECK_IN).verdict.kind)
            with pytest.raises(SearchNotReady) as refused:
                desk.search("person 12")
            refusals.append(refused.value.seconds_left)
            assert desk.search_ready_in() is not None
        return fn(*args, **kwargs)

    try:
        report = asyncio.run(Sync(sync_store, CannedConnector(listing(people(N))), offload=offload).run_once())

        assert report.ok and report.pulled == N and report.indexed == N
        assert len(during) > 1 and set(during) == {VerdictKind.ADMITTED}  # the last guests listed, too
        assert all(seconds >= 1 for seconds in refusals)
        assert desk.search_ready_in() is None
        assert [g.id for g in desk.search("person 1234")] == ["p01234"]
        assert door.integrity_check() == "ok"  # the built index matches the table entry for entry
    finally:
        sync_store.close()
        door.close()


def test_a_round_after_a_cut_off_build_finishes_it(tmp_path: Path) -> None:
    path = tmp_path / "station.sqlite3"
    with Store.open(path) as store:
        store.apply_pull_page(people(50), defer_search=True)  # as a station killed before its build
        report = asyncio.run(Sync(store, CannedConnector([PullPage([], last=True, cursor="c2")])).run_once())
        assert report.ok and report.indexed == 50
        assert len(Desk(store, "North").search("person")) == 30


def test_later_rounds_keep_the_index_in_step_without_a_build(tmp_path: Path) -> None:
    with Store.open(tmp_path / "station.sqlite3") as store:
        first = asyncio.run(Sync(store, CannedConnector(listing(people(20)))).run_once())
        renamed = [Guest("p00003", access_code="P-3", admission=Admission.ADMISSIBLE, name="Zelda Renamed")]
        second = asyncio.run(Sync(store, CannedConnector([PullPage(renamed, last=True, cursor="c2")])).run_once())
        assert (first.indexed, second.indexed) == (20, 0)
        assert [g.id for g in store.search("zelda")] == ["p00003"] and store.search("person 3") == []
