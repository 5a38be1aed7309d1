"""Uploading check-ins through guest/update: the body, the answers per change, and broken answers."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from kiosk.domain.models import Change, ChangeKind, PushOutcome
from kiosk.domain.timeutil import parse_time
from kiosk.platforms.base import ProtocolError
from tests.platforms.invitario.invitario_fake import STATION

pytestmark = pytest.mark.anyio

VIENNA = timezone(timedelta(hours=2))


def change(guest_id: str, at: datetime, *, check_out: datetime | None = None, n: int = 1) -> Change:
    kind = ChangeKind.CHECK_OUT if check_out else ChangeKind.CHECK_IN
    return Change(f"change-{n}", guest_id, kind, at, check_out, check_out or at, STATION)


async def test_push_sends_the_upload_body_with_offsets(fake, connector):
    at = datetime(2024, 5, 1, 9, 30, 15, 123456, tzinfo=VIENNA)
    out = at + timedelta(hours=2)

    await connector.push([change("g-000001", at), change("g-000002", at, check_out=out, n=2)])

    body = fake.bodies("guest/update")[0]
    assert set(body) == {"sessionToken", "guests"}
    assert body["guests"] == [
        {
            "id": "g-000001",
            "checkInDateTime": "2024-05-01T07:30:15.123456+00:00",
            "checkOutDateTime": None,
            "clientUpdateDateTime": "2024-05-01T07:30:15.123456+00:00",
        },
        {
            "id": "g-000002",
            "checkInDateTime": "2024-05-01T07:30:15.123456+00:00",
            "checkOutDateTime": "2024-05-01T09:30:15.123456+00:00",
            "clientUpdateDateTime": "2024-05-01T09:30:15.123456+00:00",
        },
    ]
    for item in body["guests"]:
        assert parse_time(item["clientUpdateDateTime"]) is not None  # carries an offset


async def test_push_maps_applied_superseded_and_unknown_in_request_order(fake, connector):
    late = datetime(2024, 5, 1, 9, 0, tzinfo=VIENNA)
    early = datetime(2024, 4, 1, 9, 0, tzinfo=VIENNA)  # older than the stored clientUpdateDateTime

    report = await connector.push(
        [change("g-000001", late), change("g-000002", early, n=2), change("g-nobody", late, n=3)]
    )

    applied, superseded, unknown = report.results
    assert [r.guest_id for r in report.results] == ["g-000001", "g-000002", "g-nobody"]
    assert applied.outcome is PushOutcome.ACCEPTED
    assert applied.guest is not None and applied.guest.check_in == late
    assert superseded.outcome is PushOutcome.CONFLICT
    assert superseded.guest is not None and superseded.guest.id == "g-000002"
    assert superseded.guest.check_in is None
    assert unknown.outcome is PushOutcome.REFUSED
    assert unknown.guest is None
    assert unknown.message == "code 2000: Guest not known."
    assert report.server_time == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


async def test_push_sets_the_clock_sample(fake, connector):
    station_before = datetime.now(UTC)
    fake.date_time = (station_before - timedelta(minutes=10)).isoformat()

    await connector.push([change("g-000001", station_before)])

    sample = connector.last_clock_sample
    assert sample is not None
    assert station_before <= sample.sent <= sample.received <= datetime.now(UTC)
    assert -610 < sample.offset_seconds < -590


async def test_more_than_500_changes_is_a_value_error_before_any_request(fake, connector):
    at = datetime(2024, 5, 1, 9, 0, tzinfo=VIENNA)
    changes = [change(f"g-{n}", at, n=n) for n in range(501)]

    with pytest.raises(ValueError, match="500"):
        await connector.push(changes)
    assert sum(fake.calls.values()) == 0
    assert connector.max_batch == 500


async def test_exactly_500_changes_go_in_one_request(fake, connector):
    at = datetime(2024, 5, 1, 9, 0, tzinfo=VIENNA)

    report = await connector.push([change(f"g-{n}", at, n=n) for n in range(500)])

    assert len(report.results) == 500 and fake.calls["guest/update"] == 1


async def test_an_empty_push_sends_nothing(fake, connector):
    report = await connector.push([])

    assert report.results == [] and sum(fake.calls.values()) == 0


async def test_a_naive_time_in_a_change_is_refused_before_sending(fake, connector):
    with pytest.raises(ValueError):
        await connector.push([change("g-000001", datetime(2024, 5, 1, 9, 0))])
    assert fake.calls["guest/update"] == 0


def _answer(results: object) -> httpx.Response:
    doc = {"status": "success", "dateTime": "2024-05-01T10:00:00Z", "results": results}
    return httpx.Response(200, json=doc)


def _applied(guest_id: str) -> dict[str, object]:
    return {"id": guest_id, "outcome": "applied", "guest": None}


@pytest.mark.parametrize(
    ("results", "fragment"),
    [
        ([_applied("g-000001")], "1 results for 2 changes"),
        ([_applied("g-000001"), _applied("g-000002"), _applied("g-000002")], "3 results for 2 changes"),
        ([_applied("g-000002"), _applied("g-000001")], "out of order"),
        ([_applied("g-000001"), {"id": "g-000002", "outcome": "maybe"}], "unknown outcome"),
        ([_applied("g-000001"), "applied"], "not an object"),
        (None, "not a list"),
    ],
)
async def test_answers_that_do_not_match_the_upload_are_protocol_errors(
    fake, connector, caplog, results, fragment
):
    at = datetime(2024, 5, 1, 9, 0, tzinfo=VIENNA)
    fake.queue("guest/update", _answer(results))
    caplog.set_level(logging.ERROR, logger="kiosk.platforms.invitario.connector")

    with pytest.raises(ProtocolError, match=fragment):
        await connector.push([change("g-000001", at), change("g-000002", at, n=2)])
    assert any(record.levelno == logging.ERROR for record in caplog.records)


async def test_a_malformed_guest_in_a_result_keeps_the_outcome(fake, connector):
    at = datetime(2024, 5, 1, 9, 0, tzinfo=VIENNA)
    broken = {"id": "g-000001", "fields": "not an object"}
    fake.queue("guest/update", _answer([{"id": "g-000001", "outcome": "superseded", "guest": broken}]))

    report = await connector.push([change("g-000001", at)])

    assert report.results[0].outcome is PushOutcome.CONFLICT
    assert report.results[0].guest is None


async def test_an_answer_without_datetime_still_delivers_the_results(fake, connector):
    at = datetime(2024, 5, 1, 9, 0, tzinfo=VIENNA)
    doc = {"status": "success", "results": [_applied("g-000001")]}
    fake.queue("guest/update", httpx.Response(200, json=doc))

    report = await connector.push([change("g-000001", at)])

    assert report.server_time is None
    assert report.results[0].outcome is PushOutcome.ACCEPTED
    assert connector.last_clock_sample is None


async def test_superseded_by_this_stations_own_later_change_is_already_recorded(fake, connector):
    at = datetime(2024, 5, 1, 9, 0, tzinfo=VIENNA)
    first = change("g-000001", at)
    own_later = change("g-000001", at, check_out=at + timedelta(minutes=5), n=2)
    stored = dict(fake.stored["g-000001"], checkInDateTime="2024-05-01T09:00:00+02:00",
                  checkOutDateTime="2024-05-01T09:05:00+02:00", clientUpdateDateTime="2024-05-01T09:05:00+02:00")
    superseded = {"id": "g-000001", "outcome": "superseded", "guest": stored}
    fake.queue("guest/update", _answer([superseded]), _answer([superseded]), _answer([superseded]))

    async def mine(guest_id: str) -> list[Change]:
        return [first, own_later] if guest_id == "g-000001" else []

    async def another_stations(guest_id: str) -> list[Change]:
        return [first, replace(own_later, station="South")]

    assert [r.outcome for r in (await connector.push([first], own=mine)).results] == [PushOutcome.ALREADY_RECORDED]
    # The same stored guest, made by another station (or nobody told): a conflict for staff.
    assert [r.outcome for r in (await connector.push([first], own=another_stations)).results] == [
        PushOutcome.CONFLICT
    ]
    assert [r.outcome for r in (await connector.push([first])).results] == [PushOutcome.CONFLICT]
