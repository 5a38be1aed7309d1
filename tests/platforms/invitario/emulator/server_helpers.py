"""Helpers for the reference server tests: log in, call the API, call the admin endpoints."""

from __future__ import annotations

from typing import Any

import httpx

EVENT_ID = "ev-42"
API_KEY = "s3cret-key"
ADMIN = {"X-Admin-Key": API_KEY}


def login(client: httpx.Client, station: str = "Door 1") -> str:
    body = client.post(
        "/api/v1/login", json={"eventId": EVENT_ID, "apiKey": API_KEY, "stationName": station}
    ).json()
    assert body["status"] == "success", body
    return str(body["sessionToken"])


def post(client: httpx.Client, path: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1/{path}", json=body)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def error_code(body: dict[str, Any]) -> int:
    assert body["status"] == "error", body
    assert body["displayMessage"] is None
    return int(body["errors"][0]["code"])


def all_guests(client: httpx.Client, token: str) -> list[dict[str, Any]]:
    body = post(client, "guest/list/all", sessionToken=token)
    assert body["count"] == len(body["guests"])
    guests: list[dict[str, Any]] = body["guests"]
    return guests


def admin_get(client: httpx.Client, path: str, **params: Any) -> Any:
    response = client.get(f"/admin/{path}", headers=ADMIN, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def admin_post(client: httpx.Client, path: str, body: Any = None) -> Any:
    response = client.post(f"/admin/{path}", headers=ADMIN, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def change(
    guest_id: str, client_update: str, check_in: str | None = None, check_out: str | None = None
) -> dict:
    return {
        "id": guest_id,
        "checkInDateTime": check_in,
        "checkOutDateTime": check_out,
        "clientUpdateDateTime": client_update,
    }
