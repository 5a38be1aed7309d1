"""guest/list/all and guest/list/recent: counts, deletions, the >= cursor, the clock, streaming."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import orjson

from kiosk.domain.timeutil import utcnow
from kiosk.platforms.invitario.emulator import ServerThread
from tests.platforms.invitario.emulator.server_helpers import (
    API_KEY,
    EVENT_ID,
    admin_get,
    admin_post,
    all_guests,
    change,
    error_code,
    login,
    post,
)


def test_list_all_returns_every_guest_with_documented_keys(client: httpx.Client) -> None:
    token = login(client)
    body = post(client, "guest/list/all", sessionToken=token)
    assert body["status"] == "success"
    assert body["count"] == 60 == len(body["guests"]) == admin_get(client, "stats")["guests"]
    assert len({g["id"] for g in body["guests"]}) == 60
    for guest in body["guests"]:
        assert {
            "id",
            "accessCode",
            "clientUpdateDateTime",
            "serverUpdateDateTime",
            "checkInDateTime",
            "checkOutDateTime",
            "deleteDateTime",
            "registrationState",
            "fields",
            "companions",
        } <= set(guest)
        assert datetime.fromisoformat(guest["serverUpdateDateTime"]).utcoffset() is not None


def test_list_all_includes_deleted_guests(client: httpx.Client) -> None:
    token = login(client)
    victim = all_guests(client, token)[3]["id"]
    admin_post(client, f"guests/{victim}/delete")
    listed = {g["id"]: g for g in all_guests(client, token)}
    assert len(listed) == 60
    assert listed[victim]["deleteDateTime"] is not None


def test_recent_returns_only_changes_since_including_deletions(client: httpx.Client) -> None:
    token = login(client)
    first = post(client, "guest/list/all", sessionToken=token)
    cursor = first["dateTime"]
    guests = first["guests"]
    assert post(client, "guest/list/recent", sessionToken=token, sinceDateTime=cursor)["count"] == 0

    now = utcnow().isoformat()
    post(client, "guest/update", sessionToken=token, guests=[change(guests[0]["id"], now, check_in=now)])
    admin_post(client, f"guests/{guests[1]['id']}/delete")
    admin_post(client, "guests", {"id": guests[2]["id"], "fields": {"notes": "moved to VIP"}})

    recent = post(client, "guest/list/recent", sessionToken=token, sinceDateTime=cursor)
    by_id = {g["id"]: g for g in recent["guests"]}
    assert recent["count"] == len(by_id) == 3
    assert by_id[guests[0]["id"]]["checkInDateTime"] == now
    assert by_id[guests[1]["id"]]["deleteDateTime"] is not None
    assert by_id[guests[2]["id"]]["fields"]["notes"] == "moved to VIP"
    assert by_id[guests[2]["id"]]["fields"]["firstName"] == guests[2]["fields"]["firstName"]
    # The next cursor covers everything so far: nothing new, nothing repeated.
    assert (
        post(client, "guest/list/recent", sessionToken=token, sinceDateTime=recent["dateTime"])["count"] == 0
    )


def test_recent_cursor_is_inclusive(client: httpx.Client) -> None:
    token = login(client)
    guest = all_guests(client, token)[0]
    stamp = guest["serverUpdateDateTime"]
    recent = post(client, "guest/list/recent", sessionToken=token, sinceDateTime=stamp)
    assert guest["id"] in {g["id"] for g in recent["guests"]}


def test_recent_accepts_any_offset_for_the_same_instant(client: httpx.Client) -> None:
    token = login(client)
    cursor = datetime.fromisoformat(post(client, "guest/list/all", sessionToken=token)["dateTime"])
    guest = all_guests(client, token)[5]
    admin_post(client, "guests", {"id": guest["id"], "registrationState": "deregistered"})
    from datetime import timezone

    shifted = cursor.astimezone(timezone(timedelta(hours=-7, minutes=-30))).isoformat()
    recent = post(client, "guest/list/recent", sessionToken=token, sinceDateTime=shifted)
    assert [g["id"] for g in recent["guests"]] == [guest["id"]]


def test_recent_needs_a_time_with_offset(client: httpx.Client) -> None:
    token = login(client)
    for bad in (None, "yesterday", "2026-01-01T10:00:00", 1700000000):
        body = post(client, "guest/list/recent", sessionToken=token, sinceDateTime=bad)
        assert error_code(body) == 20
        assert "sinceDateTime" in body["errors"][0]["message"]


def test_clock_offset_shows_in_date_time(client: httpx.Client) -> None:
    token = login(client)
    admin_post(client, "faults", {"clock_offset": 3600})
    server_time = datetime.fromisoformat(post(client, "guest/list/all", sessionToken=token)["dateTime"])
    assert abs((server_time - utcnow()).total_seconds() - 3600) < 30
    admin_post(client, "faults", {"clock_offset": -7200})
    server_time = datetime.fromisoformat(post(client, "guest/list/all", sessionToken=token)["dateTime"])
    assert abs((server_time - utcnow()).total_seconds() + 7200) < 30


def test_times_use_the_configured_utc_offset(tmp_path: Path) -> None:
    with (
        ServerThread(
            tmp_path / "tz.db", event_id=EVENT_ID, api_key=API_KEY, guests=3, utc_offset_minutes=120
        ) as srv,
        httpx.Client(base_url=srv.url, trust_env=False) as http,
    ):
        body = post(http, "guest/list/all", sessionToken=login(http))
    assert body["dateTime"].endswith("+02:00")
    assert all(g["serverUpdateDateTime"].endswith("+02:00") for g in body["guests"])


def test_a_big_list_is_streamed_in_chunks_and_stays_a_consistent_snapshot(tmp_path: Path) -> None:
    big = ServerThread(tmp_path / "big.db", event_id=EVENT_ID, api_key=API_KEY, guests=6000, seed=3)
    with big as srv, httpx.Client(base_url=srv.url, trust_env=False, timeout=30) as http:
        token = login(http)
        first_id = all_guests(http, token)[0]["id"]
        request = http.build_request("POST", "/api/v1/guest/list/all", json={"sessionToken": token})
        response = http.send(request, stream=True)
        assert response.headers.get("transfer-encoding") == "chunked"
        assert "content-length" not in response.headers
        pieces = response.iter_raw()
        head = next(pieces)
        # A change made while the list is being read is not in it (it will be in the next recent).
        now = utcnow().isoformat()
        post(http, "guest/update", sessionToken=token, guests=[change(first_id, now, check_in=now)])
        body = orjson.loads(head + b"".join(pieces))
        response.close()
        assert body["count"] == 6000 == len(body["guests"])
        assert body["guests"][0]["checkInDateTime"] is None
        recent = post(http, "guest/list/recent", sessionToken=token, sinceDateTime=body["dateTime"])
        assert [g["id"] for g in recent["guests"]] == [first_id]


def test_list_order_is_stable_across_requests(client: httpx.Client) -> None:
    token = login(client)
    before = [g["id"] for g in all_guests(client, token)]
    admin_post(client, "guests", {"id": before[10], "fields": {"notes": "edited"}})
    time.sleep(0.01)
    assert [g["id"] for g in all_guests(client, token)] == before


def test_a_client_leaving_mid_stream_does_not_hurt_the_server(tmp_path: Path) -> None:
    big = ServerThread(tmp_path / "big.db", event_id=EVENT_ID, api_key=API_KEY, guests=8000, seed=3)
    with big as srv, httpx.Client(base_url=srv.url, trust_env=False, timeout=30) as http:
        token = login(http)
        for _ in range(3):
            request = http.build_request("POST", "/api/v1/guest/list/all", json={"sessionToken": token})
            response = http.send(request, stream=True)
            next(response.iter_raw())
            response.close()
        assert post(http, "guest/list/all", sessionToken=token)["count"] == 8000
