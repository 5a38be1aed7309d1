"""An emulator of Webkasa's registrations API (in memory), for the demo and the tests.

It answers `GET /api/v1/events/{event_id}/registrations` (and the documented POST) as the package
docstring says Webkasa does, and enforces the issue's rate limits (100 requests a minute, 300 for GET;
429 with `Retry-After` and `{"code": "RATE_LIMITED", "retry_after": N}`). It caps `limit` at `max_limit`
(the document names no maximum; 100 here, so that listings page). Switches, for tests:
`POST /admin/faults {"fail_next": [{"kind": "500" | "429" | "truncate" | "hang" | "pass"}], "hang_seconds": s,
"clock_offset": s, "max_limit": n, "rate_limit": {"requests": n, "get_requests": n, "window_s": s} | null}`
("pass" answers one request normally, so a fault can be aimed at the second page);
`POST /admin/registrations/{id}` `{"status": ...}` changes one, `DELETE /admin/registrations/{id}` removes
one; `GET /admin/requests` lists the API requests received (method, path, query, monotonic time, status).
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kiosk.platforms.emulator_thread import EmulatorThread
from kiosk.platforms.emulator_thread import serve_until_stopped as emulated
from kiosk.platforms.invitario.emulator.generate import generate_guests

FAULT_KINDS = ("500", "429", "truncate", "hang", "pass")
STATUSES = ("PENDING", "CONFIRMED", "CANCELLED", "ATTENDED")
BASE_TIME = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
DEFAULT_LIMIT = 50  # the document's default
MAX_LIMIT = 100  # not documented: the emulator's choice


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Registration:
    id: str
    attendee_name: str
    attendee_email: str
    attendee_phone: str | None
    status: str
    guest_count: int
    notes: str | None
    created_at: datetime


@dataclass
class RateLimit:
    """The issue's figures: at most `requests` a window (any method), `get_requests` for GET."""

    requests: int = 100
    get_requests: int = 300
    window_s: float = 60.0


@dataclass
class Faults:
    fail_next: deque[str] = field(default_factory=deque)
    clock_offset: float = 0.0
    hang_seconds: float = 30.0
    max_limit: int = MAX_LIMIT
    rate_limit: RateLimit | None = field(default_factory=RateLimit)


@dataclass(frozen=True)
class Seen:
    """One API request as it arrived (the pacing tests read these, not the wall clock)."""

    at: float
    method: str
    path: str
    query: dict[str, str]
    status: int


class WebkasaState:
    """One event's registrations in creation order; every change under one lock."""

    def __init__(self, *, event_id: str = "demo", api_key: str = "demo-key") -> None:
        self.event_id, self.api_key = event_id, api_key
        self.registrations: dict[str, Registration] = {}
        self.faults = Faults()
        self.seen: deque[Seen] = deque(maxlen=100_000)  # enough to judge any window the tests set
        self.lock = threading.Lock()
        self._next = 1

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.faults.clock_offset)

    def add(self, name: str, email: str, *, status: str = "CONFIRMED", guest_count: int = 0,
            phone: str | None = None, notes: str | None = None) -> Registration:
        with self.lock:
            n = self._next
            self._next += 1
            reg = Registration(f"reg_{n:06d}", name, email, phone, status, guest_count, notes,
                               BASE_TIME + timedelta(minutes=n))
            self.registrations[reg.id] = reg
            return reg

    def generate(self, count: int, seed: int = 1) -> None:
        """The reference generator's people as registrations: every 20th PENDING, 25th CANCELLED, 30th ATTENDED."""
        for n, guest in enumerate(generate_guests(count, seed), start=1):
            f = guest["fields"]
            name = " ".join(str(f.get(k) or "") for k in ("firstName", "lastName")).strip()
            status = ("PENDING" if n % 20 == 0 else "CANCELLED" if n % 25 == 0
                      else "ATTENDED" if n % 30 == 0 else "CONFIRMED")
            self.add(name, str(f.get("email") or f"guest{n}@example.com"), status=status, guest_count=n % 3,
                     notes="Dietary restrictions: vegan" if n % 7 == 0 else None)

    def codes(self, status: str = "CONFIRMED") -> list[str]:
        with self.lock:
            return [r.id for r in self.registrations.values() if r.status == status]

    def request_times(self, method: str | None = None) -> list[float]:
        with self.lock:
            return [s.at for s in self.seen if method is None or s.method == method]

    def registration_json(self, r: Registration) -> dict[str, Any]:
        return {"id": r.id, "event_id": self.event_id, "attendee_name": r.attendee_name,
                "attendee_email": r.attendee_email, "attendee_phone": r.attendee_phone, "status": r.status,
                "guest_count": r.guest_count, "notes": r.notes, "created_at": _iso(r.created_at)}

    def page(self, query: dict[str, str]) -> tuple[int, Any]:
        try:
            limit = int(query.get("limit", DEFAULT_LIMIT))
            offset = int(query.get("offset", 0))
        except ValueError:
            return 400, {"code": "VALIDATION_ERROR", "message": "limit and offset must be numbers"}
        if limit < 1 or offset < 0:
            return 400, {"code": "VALIDATION_ERROR", "message": "limit must be positive, offset not negative"}
        limit = min(limit, self.faults.max_limit)
        status = query.get("status")
        with self.lock:
            found = [r for r in self.registrations.values() if status is None or r.status == status]
            chosen = found[offset : offset + limit]
            data = [self.registration_json(r) for r in chosen]
        return 200, {"data": data, "meta": {"total": len(found), "limit": limit, "offset": offset,
                                            "hasMore": offset + len(chosen) < len(found)}}

    def create(self, body: dict[str, Any] | None) -> tuple[int, Any]:
        if body is None or not isinstance(body.get("attendee_email"), str) or not isinstance(
                body.get("attendee_name"), str):
            return 400, {"code": "VALIDATION_ERROR", "message": "attendee_email and attendee_name are required"}
        status = body.get("status", "PENDING")
        count = body.get("guest_count", 0)
        if status not in STATUSES or not isinstance(count, int) or isinstance(count, bool) or count < 0:
            return 400, {"code": "VALIDATION_ERROR", "message": "status or guest_count is not valid"}
        reg = self.add(body["attendee_name"], body["attendee_email"], status=status, guest_count=count,
                       phone=body.get("attendee_phone"), notes=body.get("notes"))
        full = self.registration_json(reg)
        return 201, {"data": {k: full[k] for k in ("id", "event_id", "attendee_name", "attendee_email", "status",
                                                 "created_at")}}

    def rate_limited(self, method: str, now: float) -> int | None:
        """Seconds until this request would be allowed, or None: it is (and is counted)."""
        limit = self.faults.rate_limit
        if limit is None:
            return None
        get = method == "GET"
        most = limit.get_requests if get else limit.requests
        # GETs have their own, larger budget; the other methods share the general one.
        same: list[Seen] = []
        for s in reversed(self.seen):
            if now - s.at >= limit.window_s:
                break
            if s.status != 429 and (s.method == "GET") == get:
                same.append(s)
        if len(same) < most:
            return None
        same.reverse()
        return max(1, math.ceil(limit.window_s - (now - same[-most].at)))


# --- the web app


def _answer(state: WebkasaState, data: object, status: int = 200, headers: dict[str, str] | None = None,
            *, cut: bool = False) -> Response:
    body = orjson.dumps(data)
    if cut:
        body = body[: len(body) // 2]
    return Response(body, status_code=status, media_type="application/json",
                    headers={"Date": format_datetime(state.now(), usegmt=True), **(headers or {})})


def _json_body(raw: bytes) -> dict[str, Any] | None:
    try:
        body = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError:
        return None
    return body if isinstance(body, dict) else None


async def _api(request: Request) -> Response:
    state: WebkasaState = request.app.state.webkasa
    method, path, query = request.method, request.url.path, dict(request.query_params)
    now = time.monotonic()
    with state.lock:
        wait = state.rate_limited(method, now)
        fault = state.faults.fail_next.popleft() if wait is None and state.faults.fail_next else None
        status = 429 if wait is not None or fault == "429" else 200  # the final status is noted below
        seen = Seen(now, method, path, query, status)
        state.seen.append(seen)
    if status == 429:
        after = wait if wait is not None else 1
        return _answer(state, {"code": "RATE_LIMITED", "retry_after": after}, 429, {"Retry-After": str(after)})
    code, data = _route(state, request, method, path, query, await request.body())
    with state.lock:
        # Newest first: the request is near the end of the log.
        for i in range(len(state.seen) - 1, -1, -1):
            if state.seen[i] is seen:
                state.seen[i] = Seen(now, method, path, query, 500 if fault in ("500", "hang") else code)
                break
    if fault == "500":
        return _answer(state, {"code": "INTERNAL_ERROR", "message": "Internal server error"}, 500)
    if fault == "hang":
        await asyncio.sleep(state.faults.hang_seconds)
        return _answer(state, {"code": "INTERNAL_ERROR", "message": "Internal server error"}, 500)
    return _answer(state, data, code, cut=fault == "truncate")


def _route(state: WebkasaState, request: Request, method: str, path: str, query: dict[str, str],
           raw: bytes) -> tuple[int, Any]:
    if request.headers.get("Authorization", "") != f"Bearer {state.api_key}":
        return 401, {"code": "UNAUTHORIZED", "message": "Invalid or missing API key"}
    parts = path.rstrip("/").split("/")  # "", "api", "v1", "events", id, "registrations"
    if len(parts) != 6 or parts[3] != "events" or parts[5] != "registrations":
        return 404, {"code": "NOT_FOUND", "message": "Not found"}
    if parts[4] != state.event_id:
        return 404, {"code": "NOT_FOUND", "message": "Event not found"}
    if method == "GET":
        return state.page(query)
    if method == "POST":
        return state.create(_json_body(raw))
    return 405, {"code": "METHOD_NOT_ALLOWED", "message": "Method not allowed"}


async def _admin_faults(request: Request) -> Response:
    state: WebkasaState = request.app.state.webkasa
    body = _json_body(await request.body())
    if body is None:
        return _answer(state, {"error": "expected a JSON object"}, 400)
    kinds = [str(item.get("kind")) for item in body.get("fail_next", []) if isinstance(item, dict)]
    if any(kind not in FAULT_KINDS for kind in kinds):
        return _answer(state, {"error": f"fail_next kinds are {FAULT_KINDS}"}, 400)
    with state.lock:
        faults = state.faults
        if "fail_next" in body:  # the queue as given: [] clears it
            faults.fail_next.clear()
            faults.fail_next.extend(kinds)
        for name in ("clock_offset", "hang_seconds"):
            if isinstance(body.get(name), int | float):
                setattr(faults, name, float(body[name]))
        if isinstance(body.get("max_limit"), int) and body["max_limit"] > 0:
            faults.max_limit = body["max_limit"]
        if "rate_limit" in body:
            given = body["rate_limit"]
            faults.rate_limit = None if not isinstance(given, dict) else RateLimit(
                int(given.get("requests", 100)), int(given.get("get_requests", 300)),
                float(given.get("window_s", 60.0)))
            state.seen.clear()
        limit = faults.rate_limit
    return _answer(state, {"fail_next": list(faults.fail_next), "max_limit": faults.max_limit,
                           "rate_limit": None if limit is None else limit.__dict__})


async def _admin_registration(request: Request) -> Response:
    state: WebkasaState = request.app.state.webkasa
    reg_id = request.path_params["reg_id"]
    with state.lock:
        reg = state.registrations.get(reg_id)
        if reg is None:
            return _answer(state, {"error": "no such registration"}, 404)
        if request.method == "DELETE":
            del state.registrations[reg_id]
            return _answer(state, {"deleted": reg_id})
    body = _json_body(await request.body()) or {}
    if body.get("status") not in STATUSES:
        return _answer(state, {"error": f"status is one of {STATUSES}"}, 400)
    with state.lock:
        reg.status = body["status"]
        return _answer(state, state.registration_json(reg))


async def _admin_requests(request: Request) -> Response:
    state: WebkasaState = request.app.state.webkasa
    with state.lock:
        seen = [s.__dict__ for s in state.seen]
    return _answer(state, {"requests": seen})


def create_app(state: WebkasaState) -> Starlette:
    app = Starlette(routes=[
        Route("/admin/faults", _admin_faults, methods=["POST"]),
        Route("/admin/requests", _admin_requests, methods=["GET"]),
        Route("/admin/registrations/{reg_id}", _admin_registration, methods=["POST", "DELETE"]),
        Route("/api/v1/{rest:path}", _api, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ])
    app.state.webkasa = state
    return app


class WebkasaServer(EmulatorThread):
    """The emulator on 127.0.0.1 (a free port by default) in a daemon thread; a context manager."""

    title = "Webkasa"

    def __init__(self, state: WebkasaState, *, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(lambda: create_app(state), host=host, port=port)
        self.state = state

    def sample_codes(self, n: int) -> list[str]:
        """Codes a demo can scan: ids of confirmed registrations."""
        return self.state.codes("CONFIRMED")[:n]


def serve_until_stopped(*, host: str, port: int, event_id: str, api_key: str, guests: int, seed: int,
                        clock_offset: float = 0.0) -> int:
    """`kiosk serve --platform webkasa`: the emulator until Ctrl-C or SIGTERM (its data lives in memory)."""
    state = WebkasaState(event_id=event_id, api_key=api_key)
    state.generate(guests, seed)
    state.faults.clock_offset = clock_offset
    server = WebkasaServer(state, host=host, port=port)
    return emulated(server, lambda url: f"Webkasa emulator on {url}  event id: {event_id}  "
                                        f"api key: {api_key}  ({guests} registrations, kept in memory)")
