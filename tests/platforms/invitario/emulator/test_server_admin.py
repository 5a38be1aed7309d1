"""Admin endpoints: key check, back-office edits, deletion, sample codes, stats (some via TestClient)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kiosk.platforms.invitario.emulator.app import create_app, open_state
from kiosk.platforms.invitario.emulator.state import ServerConfig
from tests.platforms.invitario.emulator.server_helpers import (
    ADMIN,
    API_KEY,
    EVENT_ID,
    admin_get,
    admin_post,
    all_guests,
    change,
    login,
    post,
)

with warnings.catch_warnings():
    # Starlette 1.x prefers the httpx2 package for its TestClient; httpx works the same here.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[TestClient]:
    state, _ = open_state(tmp_path / "app.db", ServerConfig(event_id=EVENT_ID, api_key=API_KEY), guests=20)
    with TestClient(create_app(state)) as http:
        yield http
    state.store.close()


def test_admin_needs_the_event_api_key(app_client: TestClient) -> None:
    for headers in ({}, {"X-Admin-Key": "wrong"}):
        response = app_client.get("/admin/stats", headers=headers)
        assert response.status_code == 401
        assert "X-Admin-Key" in response.json()["errors"][0]["message"]
    assert app_client.get("/admin/stats", headers=ADMIN).json()["guests"] == 20


def test_get_guest_by_id_and_by_code(app_client: TestClient) -> None:
    code = app_client.get("/admin/sample-codes", headers=ADMIN, params={"n": 1}).json()["codes"][0]
    by_code = app_client.get("/admin/guests", headers=ADMIN, params={"code": f"  {code.lower()} "}).json()
    assert by_code["accessCode"] == code
    assert app_client.get(f"/admin/guests/{by_code['id']}", headers=ADMIN).json() == by_code
    assert app_client.get("/admin/guests/nope", headers=ADMIN).status_code == 404
    assert app_client.get("/admin/guests", headers=ADMIN, params={"code": "ZZZZ"}).status_code == 404


def test_new_guest_gets_an_id_defaults_and_server_time(app_client: TestClient) -> None:
    response = app_client.post(
        "/admin/guests", headers=ADMIN, json={"accessCode": "NEW12345", "fields": {"firstName": "Zoë"}}
    )
    assert response.status_code == 200, response.text
    guest = response.json()["guests"][0]
    assert len(guest["id"]) == 36
    assert guest["registrationState"] == "registered"
    assert guest["serverUpdateDateTime"] == guest["clientUpdateDateTime"]
    assert guest["checkInDateTime"] is None and guest["companions"] == [] and "highlightColor" not in guest
    assert app_client.get("/admin/stats", headers=ADMIN).json()["guests"] == 21


def test_bad_edits_are_refused_whole_with_a_clear_message(app_client: TestClient) -> None:
    good = {"id": "g-good", "accessCode": "GOOD2345"}
    cases = [
        ([good, {"id": "g-bad", "checkInDateTime": "2026-01-01 10:00"}], "guest 1: checkInDateTime"),
        ({"id": "g-x", "registrationState": "maybe"}, "registrationState"),
        ({"id": "g-x", "highlightColor": "red"}, "highlightColor"),
        ({"id": "g-x", "checkin": "2026-01-01T10:00:00Z"}, "unknown properties: checkin"),
        ({"id": "g-x", "parentId": "nobody"}, "parentId"),
        ({"id": "g-x", "companions": ["a"]}, "companions"),
        ([good, {"id": "g-dup", "accessCode": "good2345"}], "already belongs to guest g-good"),
        ("just a string", "expected a guest object"),
    ]
    for body, expected in cases:
        response = app_client.post("/admin/guests", headers=ADMIN, json=body)
        assert response.status_code == 400, body
        assert expected in response.json()["errors"][0]["message"]
    assert app_client.get("/admin/stats", headers=ADMIN).json()["guests"] == 20
    response = app_client.post("/admin/guests", headers=ADMIN, content=b"{oops")
    assert response.status_code == 400


def test_edit_merges_fields_and_keeps_list_position(client: httpx.Client) -> None:
    token = login(client)
    guests = all_guests(client, token)
    target = guests[7]
    edited = admin_post(client, "guests", {"id": target["id"], "fields": {"notes": "Back office"}})["guests"][
        0
    ]
    assert edited["fields"] == {**target["fields"], "notes": "Back office"}
    assert edited["serverUpdateDateTime"] > target["serverUpdateDateTime"]
    # A guest fetched and posted back whole (as a back-office tool would) is accepted as it is.
    whole = admin_get(client, f"guests/{target['id']}")
    whole["fields"]["lastName"] = "Renamed"
    admin_post(client, "guests", whole)
    assert [g["id"] for g in all_guests(client, token)] == [g["id"] for g in guests]
    assert admin_get(client, f"guests/{target['id']}")["fields"]["lastName"] == "Renamed"


def test_companions_are_linked_both_ways(client: httpx.Client) -> None:
    parent = admin_post(client, "guests", {"id": "p-1", "accessCode": "PARENT23"})["guests"][0]
    admin_post(client, "guests", {"id": "c-1", "accessCode": "CHILD234", "parentId": parent["id"]})
    assert admin_get(client, "guests/p-1")["companions"] == [{"id": "c-1"}]
    admin_post(client, "guests", {"id": "c-1", "parentId": None})
    assert admin_get(client, "guests/p-1")["companions"] == []


def test_delete_marks_the_guest_and_keeps_it(client: httpx.Client) -> None:
    token = login(client)
    target = all_guests(client, token)[0]
    deleted = admin_post(client, f"guests/{target['id']}/delete")["guest"]
    assert deleted["deleteDateTime"] == deleted["serverUpdateDateTime"]
    again = admin_post(client, f"guests/{target['id']}/delete")["guest"]
    assert again["deleteDateTime"] == deleted["deleteDateTime"]
    assert admin_get(client, "stats")["deleted"] == 1
    assert client.post("/admin/guests/nobody/delete", headers=ADMIN).status_code == 404


def test_sample_codes_are_admissible_and_skip_checked_in_guests(client: httpx.Client) -> None:
    token = login(client)
    codes = admin_get(client, "sample-codes", n=3)["codes"]
    assert len(set(codes)) == 3
    by_code = {g["accessCode"]: g for g in all_guests(client, token)}
    for code in codes:
        guest = by_code[code]
        assert guest["registrationState"] == "registered" and guest["deleteDateTime"] is None
    now = "2026-03-01T10:00:00+00:00"
    post(client, "guest/update", sessionToken=token, guests=[change(by_code[codes[0]]["id"], now, now)])
    assert codes[0] not in admin_get(client, "sample-codes", n=3)["codes"]
    assert len(admin_get(client, "sample-codes", n=1000)["codes"]) < 60
    assert client.get("/admin/sample-codes", headers=ADMIN, params={"n": "many"}).status_code == 400


def test_stats_count_guests_deleted_checked_in_and_history(client: httpx.Client) -> None:
    token = login(client)
    guests = all_guests(client, token)
    now = "2026-03-01T10:00:00+00:00"
    later = "2026-03-01T11:00:00+00:00"
    post(client, "guest/update", sessionToken=token, guests=[change(g["id"], now, now) for g in guests[:5]])
    post(client, "guest/update", sessionToken=token, guests=[change(guests[0]["id"], later, now, later)])
    admin_post(client, f"guests/{guests[1]['id']}/delete")
    stats = admin_get(client, "stats")
    assert (stats["guests"], stats["deleted"], stats["checked_in"], stats["history"]) == (60, 1, 3, 6)
