"""A small in-test fake of the Invitario v1 API behind httpx.MockTransport, and test helpers."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from kiosk.platforms.invitario.connector import InvitarioConnector

EVENT_ID = "123"
API_KEY = "k3y-Secret-9f8e7d"
STATION = "Main Entrance"
SERVER_TIME = "2024-05-01T10:00:00+02:00"

Override = httpx.Response | Callable[[httpx.Request], httpx.Response]


def guest_doc(n: int, **extra: Any) -> dict[str, Any]:
    """A well-formed v1 guest object, numbered so that tests can tell guests apart."""
    doc: dict[str, Any] = {
        "id": f"g-{n:06d}",
        "parentId": None,
        "accessCode": f"code{n:06d}",
        "clientUpdateDateTime": "2024-04-30T09:00:00+02:00",
        "serverUpdateDateTime": "2024-04-30T09:00:01+02:00",
        "checkInDateTime": None,
        "checkOutDateTime": None,
        "deleteDateTime": None,
        "registrationState": "registered",
        "fields": {"firstName": f"First{n}", "lastName": f"Last{n}", "email": f"guest{n}@example.org"},
        "companions": [],
    }
    doc.update(extra)
    return doc


def envelope(code: int, message: str) -> dict[str, Any]:
    return {"status": "error", "displayMessage": None, "errors": [{"code": code, "message": message}]}


class FakeInvitario:
    """Answers like the v1 API; counts calls per endpoint; `queue` lets a test script odd answers."""

    def __init__(self) -> None:
        self.guests: list[Any] = [guest_doc(n) for n in range(1, 4)]
        self.date_time: str = SERVER_TIME
        self.date_time_last = False  # put "dateTime" after "guests" in list answers
        self.count: Any = None  # None: the true number of guests
        self.calls: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.tokens: set[str] = set()
        self.refuse_all_tokens = False
        self.error_status = 200  # the HTTP status error envelopes come with
        self.queued: dict[str, list[Override]] = {}
        self.stored: dict[str, dict[str, Any]] = {g["id"]: dict(g) for g in self.guests}

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def queue(self, endpoint: str, *answers: Override) -> None:
        """Answer the next calls to `endpoint` (e.g. "guest/list/all") with these, then normally again."""
        self.queued.setdefault(endpoint, []).extend(answers)

    def expire_sessions(self) -> None:
        self.tokens.clear()

    def bodies(self, endpoint: str) -> list[dict[str, Any]]:
        return [body for path, body in self.requests if path == endpoint]

    def handle(self, request: httpx.Request) -> httpx.Response:
        endpoint = request.url.path.split("/api/v1/", 1)[1]
        self.calls[endpoint] += 1
        body = json.loads(request.content)
        self.requests.append((endpoint, body))
        if self.queued.get(endpoint):
            answer = self.queued[endpoint].pop(0)
            return answer(request) if callable(answer) else answer
        if endpoint == "login":
            return self._login(body)
        if self.refuse_all_tokens or body.get("sessionToken") not in self.tokens:
            return self._error(30, "Invalid session token provided.")
        if endpoint in ("guest/list/all", "guest/list/recent"):
            return httpx.Response(200, content=self.list_body())
        if endpoint == "guest/update":
            return self._update(body)
        if endpoint == "logout":
            self.tokens.discard(body["sessionToken"])
            return httpx.Response(200, json={"status": "success"})
        return httpx.Response(404, text="not found")

    def list_body(self, guests: list[Any] | None = None) -> bytes:
        guests = self.guests if guests is None else guests
        doc: dict[str, Any] = {"status": "success"}
        count = len(guests) if self.count is None else self.count
        if self.date_time_last:
            doc.update(count=count, guests=guests, dateTime=self.date_time)
        else:
            doc.update(count=count, dateTime=self.date_time, guests=guests)
        return json.dumps(doc).encode()

    def _error(self, code: int, message: str) -> httpx.Response:
        return httpx.Response(self.error_status, json=envelope(code, message))

    def handle_login(self, request: httpx.Request) -> httpx.Response:
        """The normal answer to a login request, for queued answers that change it."""
        return self._login(json.loads(request.content))

    def _login(self, body: dict[str, Any]) -> httpx.Response:
        if body.get("eventId") != EVENT_ID:
            return self._error(1000, "Event ID not known.")
        if body.get("apiKey") != API_KEY:
            return self._error(1010, "API key incorrect.")
        token = f"token-{self.calls['login']:04d}"
        self.tokens.add(token)
        event = {"id": EVENT_ID, "name": "My Event", "company": "My Company", "configuration": {}}
        answer = {"status": "success", "event": event, "stationName": body["stationName"]}
        return httpx.Response(200, json={**answer, "sessionToken": token})

    def _update(self, body: dict[str, Any]) -> httpx.Response:
        results = []
        for item in body["guests"]:
            stored = self.stored.get(item["id"])
            if stored is None:
                error = {"code": 2000, "message": "Guest not known."}
                results.append({"id": item["id"], "outcome": "unknown", "guest": None, "error": error})
                continue
            new = datetime.fromisoformat(item["clientUpdateDateTime"])
            old = datetime.fromisoformat(stored["clientUpdateDateTime"])
            if new < old:
                results.append({"id": item["id"], "outcome": "superseded", "guest": dict(stored)})
                continue
            stored.update(
                checkInDateTime=item["checkInDateTime"],
                checkOutDateTime=item["checkOutDateTime"],
                clientUpdateDateTime=item["clientUpdateDateTime"],
                serverUpdateDateTime=self.date_time,
            )
            results.append({"id": item["id"], "outcome": "applied", "guest": dict(stored)})
        return httpx.Response(200, json={"status": "success", "dateTime": self.date_time, "results": results})


async def pull_all(connector: InvitarioConnector, cursor: str | None = None) -> list[Any]:
    """Every page of one pull, closing the iterator properly."""
    pages = []
    async for page in connector.pull(cursor):
        pages.append(page)
    return pages
