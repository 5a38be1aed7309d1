"""guest/update per the upload contract: applied, superseded, unknown, equal, limits, history."""

from __future__ import annotations

from datetime import datetime

import httpx

from kiosk.domain.timeutil import utcnow
from tests.platforms.invitario.emulator.server_helpers import (
    admin_get,
    admin_post,
    all_guests,
    change,
    error_code,
    login,
    post,
)

T1 = "2026-03-01T10:00:00.000001+01:00"
T2 = "2026-03-01T10:05:00+01:00"
T0 = "2026-03-01T08:59:00+00:00"  # before T1 (09:00:00.000001 UTC)


def _update(client: httpx.Client, token: str, *changes: dict) -> dict:
    body = post(client, "guest/update", sessionToken=token, guests=list(changes))
    assert body["status"] == "success", body
    assert len(body["results"]) == len(changes)
    return body


def test_applied_change_is_stored_dated_by_the_server_and_recorded(client: httpx.Client) -> None:
    token = login(client, "North Door")
    guest = all_guests(client, token)[0]
    body = _update(client, token, change(guest["id"], T1, check_in=T1))
    result = body["results"][0]
    assert result["id"] == guest["id"] and result["outcome"] == "applied" and "error" not in result
    stored = result["guest"]
    assert stored["checkInDateTime"] == T1 and stored["checkOutDateTime"] is None
    assert stored["clientUpdateDateTime"] == T1
    assert stored["serverUpdateDateTime"] == body["dateTime"]
    assert stored["fields"] == guest["fields"]
    assert admin_get(client, f"guests/{guest['id']}") == stored
    history = admin_get(client, "history", guest_id=guest["id"])["history"]
    assert [(h["checkInDateTime"], h["stationName"], h["serverDateTime"]) for h in history] == [
        (T1, "North Door", body["dateTime"])
    ]


def test_older_change_is_superseded_with_the_stored_guest(client: httpx.Client) -> None:
    token = login(client)
    gid = all_guests(client, token)[1]["id"]
    _update(client, token, change(gid, T2, check_in=T2))
    result = _update(client, token, change(gid, T1, check_in=T1, check_out=T1))["results"][0]
    assert result["outcome"] == "superseded"
    assert result["guest"]["checkInDateTime"] == T2 and result["guest"]["checkOutDateTime"] is None
    assert admin_get(client, "history", guest_id=gid)["count"] == 1


def test_unknown_and_deleted_guests_are_2000(client: httpx.Client) -> None:
    token = login(client)
    gid = all_guests(client, token)[2]["id"]
    admin_post(client, f"guests/{gid}/delete")
    results = _update(client, token, change("no-such-guest", T1, check_in=T1), change(gid, T1, check_in=T1))[
        "results"
    ]
    for result in results:
        assert result["outcome"] == "unknown"
        assert result["error"] == {"code": 2000, "message": "Guest not known."}
    assert results[0]["guest"] is None
    assert results[1]["guest"]["deleteDateTime"] is not None
    assert results[1]["guest"]["checkInDateTime"] is None
    assert admin_get(client, "stats")["history"] == 0


def test_equal_change_is_applied_without_changing_anything(client: httpx.Client) -> None:
    token = login(client)
    gid = all_guests(client, token)[3]["id"]
    first = _update(client, token, change(gid, T1, check_in=T1))["results"][0]["guest"]
    # Same instant written with another offset, and different times: still "equal", nothing changes.
    again = _update(client, token, change(gid, "2026-03-01T09:00:00.000001Z", check_in=T2, check_out=T2))
    assert again["results"][0]["outcome"] == "applied"
    assert again["results"][0]["guest"] == first
    assert admin_get(client, "history", guest_id=gid)["count"] == 1


def test_resending_a_batch_reaches_the_server_exactly_once(client: httpx.Client) -> None:
    token = login(client)
    ids = [g["id"] for g in all_guests(client, token)[:20]]
    batch = [change(gid, T1, check_in=T1) for gid in ids]
    for _ in range(3):
        assert {r["outcome"] for r in _update(client, token, *batch)["results"]} == {"applied"}
    history = admin_get(client, "history")["history"]
    assert sorted(h["guestId"] for h in history) == sorted(ids)
    assert admin_get(client, "stats")["checked_in"] == 20


def test_results_come_in_request_order_and_show_the_final_state(client: httpx.Client) -> None:
    token = login(client)
    guests = all_guests(client, token)
    a, b = guests[4]["id"], guests[5]["id"]
    body = _update(
        client,
        token,
        change(b, T1, check_in=T1),
        change("ghost", T1),
        change(a, T1, check_in=T1),
        change(a, T2, check_in=T1, check_out=T2),
        change(a, T0, check_in=T0),
    )
    assert [(r["id"], r["outcome"]) for r in body["results"]] == [
        (b, "applied"),
        ("ghost", "unknown"),
        (a, "applied"),
        (a, "applied"),
        (a, "superseded"),
    ]
    for result in body["results"][2:]:
        assert result["guest"]["checkOutDateTime"] == T2
    assert [h["clientUpdateDateTime"] for h in admin_get(client, "history", guest_id=a)["history"]] == [
        T1,
        T2,
    ]


def test_check_out_then_check_in_again(client: httpx.Client) -> None:
    token = login(client)
    gid = all_guests(client, token)[6]["id"]
    _update(client, token, change(gid, T1, check_in=T1))
    _update(client, token, change(gid, T2, check_in=T1, check_out=T2))
    t3 = "2026-03-01T11:00:00+01:00"
    stored = _update(client, token, change(gid, t3, check_in=t3, check_out=T2))["results"][0]["guest"]
    assert (stored["checkInDateTime"], stored["checkOutDateTime"]) == (t3, T2)
    assert admin_get(client, "stats")["checked_in"] == 1


def test_time_without_offset_refuses_the_whole_request(client: httpx.Client) -> None:
    token = login(client)
    guests = all_guests(client, token)
    body = post(
        client,
        "guest/update",
        sessionToken=token,
        guests=[
            change(guests[0]["id"], T1, check_in=T1),
            change(guests[1]["id"], T1, check_in="2026-03-01T10:00:00"),
        ],
    )
    assert error_code(body) == 20
    assert "guests[1].checkInDateTime" in body["errors"][0]["message"]
    assert admin_get(client, "stats")["history"] == 0


def test_malformed_changes_are_20(client: httpx.Client) -> None:
    token = login(client)
    gid = all_guests(client, token)[0]["id"]
    bad_batches: list[object] = [
        None,
        "x",
        [1],
        [{"id": gid, "checkInDateTime": T1, "clientUpdateDateTime": T1}],  # checkOutDateTime missing
        [change(gid, None, check_in=T1)],  # type: ignore[arg-type]
        [{**change(gid, T1), "id": 5}],
        [change(gid, "not a time")],
    ]
    for batch in bad_batches:
        assert error_code(post(client, "guest/update", sessionToken=token, guests=batch)) == 20, batch
    assert error_code(post(client, "guest/update", sessionToken=token)) == 20


def test_at_most_500_changes(client: httpx.Client) -> None:
    token = login(client)
    gid = all_guests(client, token)[0]["id"]
    body = post(client, "guest/update", sessionToken=token, guests=[change(gid, T1)] * 501)
    assert error_code(body) == 20
    assert "500" in body["errors"][0]["message"]
    assert len(_update(client, token, *[change(gid, T1)] * 500)["results"]) == 500
    assert _update(client, token)["results"] == []


def test_update_needs_a_live_session(client: httpx.Client) -> None:
    body = post(client, "guest/update", sessionToken="f" * 40, guests=[])
    assert error_code(body) == 30


def test_server_time_of_an_update_is_the_server_clock(client: httpx.Client) -> None:
    token = login(client)
    admin_post(client, "faults", {"clock_offset": -86400})
    gid = all_guests(client, token)[0]["id"]
    body = _update(client, token, change(gid, T1, check_in=T1))
    server_time = datetime.fromisoformat(body["dateTime"])
    listed = datetime.fromisoformat(post(client, "guest/list/all", sessionToken=token)["dateTime"])
    assert (listed - server_time).total_seconds() >= 0
    assert body["results"][0]["guest"]["serverUpdateDateTime"] == body["dateTime"]
    assert abs((server_time - utcnow()).total_seconds() + 86400) < 30
