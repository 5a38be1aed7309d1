"""Several changes of one guest in one guest/update request, as a kiosk before per-guest batches sent them."""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from kiosk.domain.models import Change
from kiosk.platforms.invitario import wire


def upload_in_one_request(url: str, event_id: str, api_key: str, station: str, changes: Sequence[Change]) -> None:
    """Log in and send `changes` in one request, answers ignored (as if lost); the server applies them."""
    with httpx.Client(base_url=url, trust_env=False, timeout=10) as client:
        login = client.post("/api/v1/login", json={"eventId": event_id, "apiKey": api_key, "stationName": station})
        login.raise_for_status()
        token = login.json()["sessionToken"]
        body = {"sessionToken": token, "guests": [wire.change_item(c) for c in changes]}
        answer = client.post("/api/v1/guest/update", json=body)
        answer.raise_for_status()
        assert answer.json()["status"] == "success", answer.text
