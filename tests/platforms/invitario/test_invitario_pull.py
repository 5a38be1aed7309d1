"""Pulling the guest list: cursors, pages, malformed records, and answers that break the contract."""

from __future__ import annotations

import json
import logging
from contextlib import aclosing
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from kiosk.domain.models import Admission
from kiosk.domain.timeutil import parse_time
from kiosk.platforms.base import ProtocolError, RetryLater
from tests.platforms.invitario.invitario_fake import SERVER_TIME, envelope, guest_doc, pull_all

pytestmark = pytest.mark.anyio


async def test_pull_all_gets_every_guest_and_the_cursor(fake, connector):
    pages = await pull_all(connector)

    assert len(pages) == 1
    page = pages[0]
    assert page.last is True
    assert page.server_time == datetime(2024, 5, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    assert page.expected_count == 3
    assert page.cursor is not None and parse_time(page.cursor) == page.server_time
    assert page.malformed == []
    guest = page.guests[0]
    assert (guest.id, guest.access_code, guest.admission) == ("g-000001", "code000001", Admission.ADMISSIBLE)
    assert guest.client_update == datetime(2024, 4, 30, 7, 0, tzinfo=UTC)
    assert guest.fields["lastName"] == "Last1"
    assert set(fake.bodies("guest/list/all")[0]) == {"sessionToken"}


async def test_pull_recent_sends_the_previous_answers_datetime(fake, connector):
    first = await pull_all(connector)
    fake.date_time = "2024-05-01T10:05:00.250000+02:00"
    fake.guests = [guest_doc(2, checkInDateTime="2024-05-01T10:04:00+02:00")]

    second = await pull_all(connector, first[-1].cursor)
    third = await pull_all(connector, second[-1].cursor)

    recent = fake.bodies("guest/list/recent")
    assert recent[0]["sinceDateTime"] == SERVER_TIME
    assert recent[1]["sinceDateTime"] == "2024-05-01T10:05:00.250000+02:00"
    assert [g.id for g in second[-1].guests] == ["g-000002"]
    assert second[-1].guests[0].is_inside
    assert third[-1].last


async def test_pull_refuses_a_naive_cursor(connector):
    with pytest.raises(ProtocolError, match="offset"):
        await pull_all(connector, "2024-05-01T10:00:00")


async def test_datetime_after_the_guests_array(fake, connector):
    fake.date_time_last = True

    pages = await pull_all(connector)

    assert pages[-1].server_time == parse_time(SERVER_TIME)
    assert len(pages[-1].guests) == 3


@pytest.mark.parametrize(
    ("guests", "page_size", "sizes"),
    [(25, 10, [10, 10, 5]), (20, 10, [10, 10]), (0, 10, [0]), (1, 1, [1]), (3, 1, [1, 1, 1])],
)
async def test_pages_hold_page_size_records_and_only_the_last_has_the_cursor(
    fake, make_connector, guests, page_size, sizes
):
    fake.guests = [guest_doc(n) for n in range(guests)]

    pages = await pull_all(make_connector(page_size=page_size))

    assert [len(page.guests) for page in pages] == sizes
    assert [page.last for page in pages] == [False] * (len(sizes) - 1) + [True]
    assert [page.server_time is not None for page in pages] == [False] * (len(sizes) - 1) + [True]
    assert [page.expected_count for page in pages][-1] == guests
    assert [g.id for page in pages for g in page.guests] == [f"g-{n:06d}" for n in range(guests)]


async def test_malformed_records_are_skipped_reported_and_the_rest_lands(fake, make_connector, caplog):
    good = [guest_doc(n) for n in range(1, 4)]
    secret_name = "Zebulon-Private"
    bad = [
        {**guest_doc(10), "id": 10, "fields": {"lastName": secret_name}},
        {k: v for k, v in guest_doc(11).items() if k != "id"},
        guest_doc(12, checkInDateTime="2024-05-01T10:00:00"),
        guest_doc(13, fields=["not", "a", "dict"]),
        guest_doc(14, accessCode=1234, fields={"email": "zebulon@private.example"}),
        guest_doc(15, registrationState="cancelled"),
        guest_doc(16, serverUpdateDateTime="yesterday"),
        guest_doc(17, companions={"id": "x"}),
        "just a string",
        None,
        guest_doc(18, id=""),
    ]
    fake.guests = [good[0], *bad[:6], good[1], *bad[6:], good[2], dict(good[2])]
    caplog.set_level(logging.WARNING, logger="kiosk.platforms")

    pages = await pull_all(make_connector(page_size=5))

    guests = [g.id for page in pages for g in page.guests]
    malformed = [line for page in pages for line in page.malformed]
    assert guests == ["g-000001", "g-000002", "g-000003", "g-000003"]  # duplicates pass through
    assert malformed == [
        "guest #2: id missing or not a non-empty string",
        "guest #3: id missing or not a non-empty string",
        "guest g-000012: checkInDateTime has no UTC offset",
        "guest g-000013: fields is a list, not an object",
        "guest g-000014: accessCode is a number, not a string",
        "guest g-000015: registrationState 'cancelled' is not one of unknown|registered|deregistered",
        "guest g-000016: serverUpdateDateTime is not an ISO-8601 date-time",
        "guest g-000017: companions is an object, not a list",
        "guest #11: not an object but a string",
        "guest #12: not an object but null",
        "guest #13: id missing or not a non-empty string",
    ]
    assert sum(len(page.guests) + len(page.malformed) for page in pages) == len(fake.guests)
    assert all(len(page.guests) + len(page.malformed) <= 5 for page in pages)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "guest g-000013: fields is a list" in logged
    assert secret_name not in logged and "zebulon@" not in logged and "First1" not in logged


async def test_lenient_parts_of_a_guest(fake, connector):
    fake.guests = [
        guest_doc(
            1,
            registrationState="Deregistered",
            highlightColor=["#fff"],
            companions=[{"id": "c-1"}, {"id": 5}, "c-2", {}, {"id": "c-3"}],
            unknownMember={"anything": [1, 2, 3]},
            fields=None,
        ),
        {"id": "g-min"},
    ]

    pages = await pull_all(connector)

    first, minimal = pages[-1].guests
    assert first.admission is Admission.DEREGISTERED
    assert first.highlight_color is None
    assert first.companions == ("c-1", "c-3")
    assert first.fields == {}
    assert minimal == type(minimal)(id="g-min")
    assert pages[-1].malformed == []


async def test_huge_and_deep_records_are_refused_without_harm(fake, make_connector):
    fake.guests = [
        guest_doc(1, fields={"notes": "x" * 2_000_000}),
        guest_doc(2, accessCode="A" * 5000),
        guest_doc(3, fields={"deep": json.loads("[" * 200 + "]" * 200)}),
        guest_doc(4, id="i" * 300),
        guest_doc(5),
    ]

    pages = await pull_all(make_connector(page_size=2))

    assert [g.id for page in pages for g in page.guests] == ["g-000005"]
    assert [line for page in pages for line in page.malformed] == [
        "guest g-000001: record too large",
        "guest g-000002: accessCode longer than 1024 characters",
        "guest g-000003: nested too deeply",
        "guest #4: id longer than 200 characters",
    ]


async def test_deep_nesting_outside_the_guests_costs_nothing(fake, connector):
    body = fake.list_body()[:-1] + b', "junk": ' + b"[" * 300_000 + b"]" * 300_000 + b"}"
    fake.queue("guest/list/all", httpx.Response(200, content=body))

    pages = await pull_all(connector)

    assert len(pages[-1].guests) == 3


async def test_a_count_that_differs_is_a_warning_not_a_failure(fake, connector, caplog):
    fake.count = 5
    caplog.set_level(logging.WARNING, logger="kiosk.platforms.invitario.connector")

    pages = await pull_all(connector)

    assert pages[-1].expected_count == 5 and len(pages[-1].guests) == 3
    assert any("announced 5 guests but sent 3" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("count", ["3", 2.5, True])
async def test_a_count_that_is_not_a_number_is_ignored(fake, connector, count):
    fake.count = count

    pages = await pull_all(connector)

    assert pages[-1].expected_count is None and len(pages[-1].guests) == 3


@pytest.mark.parametrize("cut", [1, 200, -40, -1])
async def test_a_cut_off_body_is_retry_later(fake, connector, cut):
    body = fake.list_body()
    fake.queue("guest/list/all", httpx.Response(200, content=body[:cut]))

    with pytest.raises(RetryLater, match="cut off"):
        await pull_all(connector)


def _with_bom(answer: httpx.Response) -> httpx.Response:
    return httpx.Response(answer.status_code, content=b"\xef\xbb\xbf" + answer.read())


async def test_a_list_and_a_login_answer_with_a_byte_order_mark_are_read(fake, connector):
    fake.queue("login", lambda request: _with_bom(fake.handle_login(request)))
    fake.queue("guest/list/all", httpx.Response(200, content=b"\xef\xbb\xbf" + fake.list_body()))

    pages = await pull_all(connector)

    assert [g.id for g in pages[-1].guests] == ["g-000001", "g-000002", "g-000003"]


@pytest.mark.parametrize(
    "body", [b"", b"<html><body>Please log in to the Wi-Fi</body></html>", b'{"status": "success"} trailing']
)
async def test_a_body_that_is_not_json_is_retry_later(fake, connector, body):
    fake.queue("guest/list/all", httpx.Response(200, content=body))

    with pytest.raises(RetryLater):
        await pull_all(connector)


async def test_a_connection_dropped_mid_body_is_retry_later(fake, connector):
    body = fake.list_body()

    async def dropping():
        yield body[:100]
        raise httpx.ReadError("connection reset by peer")

    fake.queue("guest/list/all", lambda request: httpx.Response(200, content=dropping()))

    with pytest.raises(RetryLater, match="cut off"):
        await pull_all(connector)


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ({"status": "success", "count": 0, "guests": []}, "dateTime is missing"),
        ({"status": "success", "dateTime": "2024-05-01T10:00:00", "guests": []}, "no UTC offset"),
        ({"status": "success", "dateTime": "x" * 100_000, "guests": []}, "not an ISO-8601"),
        ({"dateTime": SERVER_TIME, "guests": []}, "status"),
        ({"status": "ok", "dateTime": SERVER_TIME, "guests": []}, "status"),
        ({"status": "success", "dateTime": SERVER_TIME, "guests": {"item": {}}}, "guests is an object"),
        ({"status": "success", "dateTime": SERVER_TIME, "guests": None}, "guests is null"),
        ({"status": "success", "dateTime": SERVER_TIME, "count": 0}, "guests is missing"),
        ([{"status": "success"}], "not a JSON object"),
        ({"status": "success", "dateTime": SERVER_TIME, "guests": [{"id": "a", "n": 10**30}]}, "too large"),
    ],
)
async def test_documents_off_the_contract_are_protocol_errors(fake, connector, caplog, doc, fragment):
    fake.queue("guest/list/all", httpx.Response(200, content=json.dumps(doc).encode()))
    caplog.set_level(logging.ERROR, logger="kiosk.platforms.invitario.connector")

    with pytest.raises(ProtocolError, match=fragment):
        await pull_all(connector)
    assert any(record.levelno == logging.ERROR for record in caplog.records)


async def test_a_session_refused_inside_a_list_answer_is_retried(fake, connector):
    await connector.login()
    fake.queue("guest/list/all", httpx.Response(200, json=envelope(30, "Invalid session token provided.")))

    pages = await pull_all(connector)

    assert len(pages[-1].guests) == 3
    assert fake.calls["login"] == 2


async def test_a_session_refused_after_pages_were_handed_out_is_not_retried(fake, make_connector):
    fake.guests = [guest_doc(n) for n in range(5)]
    doc = {"guests": fake.guests, "status": "error", "errors": [{"code": 30, "message": "Invalid session"}]}
    fake.queue("guest/list/all", httpx.Response(200, json=doc))

    with pytest.raises(ProtocolError, match="part of the guest list"):
        await pull_all(make_connector(page_size=2))
    assert fake.calls["guest/list/all"] == 1


async def test_a_pull_abandoned_early_releases_the_response(fake, make_connector):
    fake.guests = [guest_doc(n) for n in range(50)]
    connector = make_connector(page_size=10)

    async with aclosing(connector.pull(None)) as pages:
        async for page in pages:
            assert not page.last
            break
    again = await pull_all(connector)

    assert sum(len(page.guests) for page in again) == 50
    assert fake.calls["guest/list/all"] == 2


async def test_a_list_answer_sets_the_clock_sample(fake, connector):
    station_before = datetime.now(UTC)
    fake.date_time = (station_before + timedelta(hours=1)).isoformat()

    await pull_all(connector)

    sample = connector.last_clock_sample
    assert sample is not None
    assert station_before <= sample.sent <= sample.received <= datetime.now(UTC)
    assert sample.server_time == parse_time(fake.date_time)
    assert 3590 < sample.offset_seconds < 3610
