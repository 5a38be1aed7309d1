"""Login, logout, sessions and the request-level errors of the v1 API."""

from __future__ import annotations

import re
import time

import httpx

from tests.platforms.invitario.emulator.server_helpers import API_KEY, EVENT_ID, admin_post, error_code, login, post


def test_login_answers_event_station_and_a_40_hex_token(client: httpx.Client) -> None:
    body = post(client, "login", eventId=EVENT_ID, apiKey=API_KEY, stationName="  Main Entrance ")
    assert body["status"] == "success"
    assert re.fullmatch(r"[0-9a-f]{40}", body["sessionToken"])
    assert body["stationName"] == "Main Entrance"
    event = body["event"]
    assert event["id"] == EVENT_ID
    assert event["name"] == "Demo Event"
    assert event["configuration"] == {}
    assert event["startDateTime"] < event["endDateTime"]
    assert re.search(r"[+-]\d\d:\d\d$", event["startDateTime"])


def test_two_logins_get_different_tokens(client: httpx.Client) -> None:
    assert login(client, "A") != login(client, "B")


def test_unknown_event_is_1000(client: httpx.Client) -> None:
    body = post(client, "login", eventId="nope", apiKey=API_KEY, stationName="x")
    assert error_code(body) == 1000
    assert body["errors"][0]["message"] == "Event ID not known."


def test_wrong_api_key_is_1010(client: httpx.Client) -> None:
    body = post(client, "login", eventId=EVENT_ID, apiKey="wrong", stationName="x")
    assert error_code(body) == 1010
    assert body["errors"][0]["message"] == "API key incorrect."


def test_missing_and_mistyped_login_parameters_are_20_and_named(client: httpx.Client) -> None:
    body = post(client, "login", eventId=EVENT_ID, apiKey=12345)
    assert error_code(body) == 20
    message = body["errors"][0]["message"]
    assert message.startswith("Required parameter(s) missing: ")
    assert "apiKey" in message and "stationName" in message and "eventId" not in message


def test_invalid_json_is_10_and_a_json_list_too(client: httpx.Client) -> None:
    for raw in (b"{not json", b"", b"[1, 2]", '{"eventId": "\udcff"}'.encode("utf-8", "surrogatepass")):
        response = client.post("/api/v1/login", content=raw)
        assert response.status_code == 200
        assert error_code(response.json()) == 10
        assert response.json()["errors"][0]["message"] == "Invalid JSON provided."


def test_bad_or_missing_token_is_30_or_20(client: httpx.Client) -> None:
    assert error_code(post(client, "guest/list/all", sessionToken="0" * 40)) == 30
    assert error_code(post(client, "guest/list/all")) == 20
    assert error_code(post(client, "guest/list/all", sessionToken=17)) == 20


def test_logout_ends_the_session(client: httpx.Client) -> None:
    token = login(client)
    assert post(client, "logout", sessionToken=token) == {"status": "success"}
    assert error_code(post(client, "guest/list/all", sessionToken=token)) == 30
    assert error_code(post(client, "logout", sessionToken=token)) == 30


def test_token_expires_after_its_lifetime_without_use(client: httpx.Client) -> None:
    token = login(client)
    admin_post(client, "faults", {"token_lifetime": 0.3})
    for _ in range(4):  # each use restarts the lifetime
        time.sleep(0.1)
        assert (
            post(client, "guest/list/recent", sessionToken=token, sinceDateTime="2030-01-01T00:00:00Z")[
                "status"
            ]
            == "success"
        )
    time.sleep(0.5)
    assert error_code(post(client, "guest/list/all", sessionToken=token)) == 30
    fresh = login(client)
    assert post(client, "guest/list/all", sessionToken=fresh)["status"] == "success"


def test_admin_can_expire_every_session(client: httpx.Client) -> None:
    tokens = [login(client, f"Door {i}") for i in range(3)]
    assert admin_post(client, "tokens/expire")["expired"] == 3
    for token in tokens:
        assert error_code(post(client, "guest/list/all", sessionToken=token)) == 30


def test_unknown_path_and_wrong_method_answer_json(client: httpx.Client) -> None:
    response = client.post("/api/v1/guest/list/everything", json={})
    assert response.status_code == 404
    assert response.json()["status"] == "error"
    response = client.get("/api/v1/login")
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == 405
