"""Injected faults: 500, 429 with Retry-After, cut-off bodies, hangs, latency, a failure rate."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.platforms.invitario.emulator.server_helpers import (
    ADMIN,
    admin_get,
    admin_post,
    all_guests,
    change,
    login,
    post,
)

T1 = "2026-03-01T10:00:00+01:00"


def test_queued_faults_hit_the_next_api_requests_in_order(client: httpx.Client) -> None:
    token = login(client)
    admin_post(client, "faults", {"fail_next": [{"kind": "500"}, {"kind": "429"}]})
    first = client.post("/api/v1/guest/list/all", json={"sessionToken": token})
    assert first.status_code == 500
    assert first.json()["errors"][0]["code"] == 500
    second = client.post("/api/v1/guest/list/all", json={"sessionToken": token})
    assert second.status_code == 429
    assert second.headers["retry-after"] == "1"
    # Admin requests never meet faults, and the queue is used up: the third API request works.
    assert admin_get(client, "faults")["fail_next"] == []
    assert post(client, "guest/list/all", sessionToken=token)["count"] == 60


def test_a_failed_update_changes_nothing(client: httpx.Client) -> None:
    token = login(client)
    gid = all_guests(client, token)[0]["id"]
    admin_post(client, "faults", {"fail_next": [{"kind": "500"}]})
    response = client.post(
        "/api/v1/guest/update", json={"sessionToken": token, "guests": [change(gid, T1, T1)]}
    )
    assert response.status_code == 500
    assert admin_get(client, "stats")["history"] == 0


def test_truncate_cuts_an_update_answer_after_applying_it(client: httpx.Client) -> None:
    token = login(client)
    gid = all_guests(client, token)[0]["id"]
    admin_post(client, "faults", {"fail_next": [{"kind": "truncate"}]})
    response = client.post(
        "/api/v1/guest/update", json={"sessionToken": token, "guests": [change(gid, T1, T1)]}
    )
    assert response.status_code == 200
    assert response.content.startswith(b'{"status":"success"')
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    # The lost answer is the classic case for a resend: applied once, answered "applied" again.
    again = post(client, "guest/update", sessionToken=token, guests=[change(gid, T1, T1)])
    assert again["results"][0]["outcome"] == "applied"
    assert admin_get(client, "stats")["history"] == 1


def test_truncate_cuts_a_streamed_list_in_the_middle(client: httpx.Client) -> None:
    token = login(client)
    full = client.post("/api/v1/guest/list/all", json={"sessionToken": token}).content
    admin_post(client, "faults", {"fail_next": [{"kind": "truncate"}]})
    cut = client.post("/api/v1/guest/list/all", json={"sessionToken": token}).content
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut)
    assert len(full) * 0.3 < len(cut) < len(full) * 0.7
    assert cut.count(b'"companions":') == 30  # half of the 60 guests; the next one is broken off


def test_hang_holds_the_answer_past_the_client_timeout_and_processes_nothing(client: httpx.Client) -> None:
    token = login(client)
    gid = all_guests(client, token)[0]["id"]
    admin_post(client, "faults", {"fail_next": [{"kind": "hang"}], "hang_seconds": 1.5})
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        client.post(
            "/api/v1/guest/update",
            json={"sessionToken": token, "guests": [change(gid, T1, T1)]},
            timeout=0.3,
        )
    assert time.monotonic() - started < 1.4
    time.sleep(1.5)
    assert admin_get(client, "stats")["history"] == 0


def test_hang_after_applies_then_holds_the_answer(client: httpx.Client) -> None:
    token = login(client)
    gid = all_guests(client, token)[0]["id"]
    admin_post(client, "faults", {"fail_next": [{"kind": "hang_after"}], "hang_seconds": 1})
    with pytest.raises(httpx.ReadTimeout):
        client.post(
            "/api/v1/guest/update", json={"sessionToken": token, "guests": [change(gid, T1, T1)]}, timeout=0.3
        )
    assert admin_get(client, "stats")["history"] == 1


def test_latency_delays_api_answers_only(client: httpx.Client) -> None:
    token = login(client)
    admin_post(client, "faults", {"latency_ms": 300})
    started = time.monotonic()
    post(client, "guest/list/all", sessionToken=token)
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    admin_get(client, "stats")
    assert time.monotonic() - started < 0.3


def test_failure_rate_fails_that_share_of_requests(client: httpx.Client) -> None:
    token = login(client)
    admin_post(client, "faults", {"failure_rate": 1})
    assert client.post("/api/v1/guest/list/all", json={"sessionToken": token}).status_code == 500
    admin_post(client, "faults", {"failure_rate": 0.5})
    codes = [client.post("/api/v1/logout", json={"sessionToken": "x"}).status_code for _ in range(60)]
    assert 10 < codes.count(500) < 50 and codes.count(200) == 60 - codes.count(500)


def test_fault_settings_are_checked_and_a_bad_request_changes_nothing(client: httpx.Client) -> None:
    for bad in (
        {"failure_rate": 2},
        {"latency_ms": "slow"},
        {"fail_next": [{"kind": "explode"}]},
        {"fail_next": "500"},
        {"hang_seconds": 1e6},
        {"bogus": 1},
        {"latency_ms": 10, "failure_rate": -1},
    ):
        response = client.post("/admin/faults", headers=ADMIN, json=bad)
        assert response.status_code == 400, bad
        assert response.json()["status"] == "error"
    faults = admin_get(client, "faults")
    assert faults["latency_ms"] == 0 and faults["failure_rate"] == 0 and faults["fail_next"] == []


def test_requests_are_counted(client: httpx.Client) -> None:
    token = login(client)
    post(client, "guest/list/all", sessionToken=token)
    post(client, "logout", sessionToken=token)
    stats = admin_get(client, "stats")
    assert stats["requests"] == 3
    assert stats["requests_by_path"] == {"/api/v1/login": 1, "/api/v1/guest/list/all": 1, "/api/v1/logout": 1}
