"""An emulator of the Conferences i/o App REST API v2 (in memory, the parts a door needs), for the demo and tests.

It serves, under `/api/v2` and behind the `API-Key` header, `GET`/`PUT /app`, `GET /sessions`,
`GET /sessions/{id}`, `GET`/`DELETE /sessions/{id}/attendance`, `POST .../attendance/preload` and
`POST .../attendance/remove` as the document shows them, in its envelopes (`{"status": "ok", "code", "data"}`,
`{"status": "error", "code", "message"}`). The document names no rate limit, so none is enforced; a 429 comes
only from the fault switch. Where the document says nothing, the emulator chooses: a wrong key is 401 and an
unknown session 404, both in the error envelope. Switches, for tests:
`POST /admin/faults {"fail_next": [{"kind": "500" | "429" | "truncate" | "hang" | "pass"}], "hang_seconds": s,
"clock_offset": s}` ("pass" answers one request normally); `POST /admin/sessions/{id}/scan`
`{"external_id": ..., "action": "checkin" | "checkout"}` stands for a check-in by the vendor's own app;
`GET /admin/requests` lists the API requests received (method, path, monotonic time, status).
"""

from __future__ import annotations

import asyncio
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
API = "/api/v2"
BASE_TIME = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
USER_KEYS = ("first_name", "last_name", "email", "external_id", *(f"field_{n}" for n in range(1, 6)))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass
class Faults:
    fail_next: deque[str] = field(default_factory=deque)
    clock_offset: float = 0.0
    hang_seconds: float = 30.0


@dataclass(frozen=True)
class Seen:
    at: float
    method: str
    path: str
    status: int


@dataclass
class Session:
    meta: dict[str, Any]
    # Attendance records by who they are about (external id, else the lower-cased e-mail), in preload order.
    attendance: dict[str, dict[str, Any]] = field(default_factory=dict)


def _who(user: dict[str, Any]) -> str | None:
    external, email = user.get("external_id"), user.get("email")
    if isinstance(external, str) and external.strip():
        return external.strip().lower()
    return email.strip().lower() if isinstance(email, str) and email.strip() else None


def new_session(session_id: str, name: str, *, day: str = "2026-06-01", start: str = "08:30:00",
                end: str = "09:15:00", location: str | None = None, checkout_required: bool = False) -> Session:
    return Session({
        "id": session_id, "external_id": None, "name": name, "location": location, "date": day,
        "start_time": start, "end_time": end, "access_code": None, "moderator_password": None,
        "checkin_code": None, "checkin_required": True, "checkout_code": None,
        "checkout_required": checkout_required, "delivery_format": "in-person",
        "url": f"https://example.cnf.io/sessions/{session_id}", "presenters": None, "fields_of_study": None,
        "learning_objectives": None,
    })


class ConferencesIoState:
    """One app: its settings and its sessions' attendance; every change under one lock."""

    def __init__(self, *, api_key: str = "demo-key", name: str = "Example Event") -> None:
        self.api_key = api_key
        self.app: dict[str, Any] = {
            "app_password": None, "custom_attendee_field_1": "Registration ID",
            "custom_attendee_field_2": "Region", "custom_attendee_field_3": None, "custom_attendee_field_4": None,
            "custom_attendee_field_5": None, "end_date": "2026-06-02", "moderator_password": None, "name": name,
            "start_date": "2026-06-01", "timezone": "America/Chicago",
        }
        self.sessions: dict[str, Session] = {}
        self.faults = Faults()
        self.seen: deque[Seen] = deque(maxlen=100_000)
        self.lock = threading.Lock()

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.faults.clock_offset)

    def add_session(self, session: Session) -> Session:
        with self.lock:
            self.sessions[session.meta["id"]] = session
        return session

    def preload(self, session_id: str, users: list[dict[str, Any]]) -> int:
        """The documented preload: adds attendees not checked in; removes nobody; an existing one is updated."""
        with self.lock:
            session = self.sessions[session_id]
            count = 0
            for user in users:
                who = _who(user)
                if who is None:
                    continue
                record = session.attendance.get(who) or _empty_record()
                record["user"] = {k: user.get(k) for k in USER_KEYS}
                session.attendance[who] = record
                count += 1
            return count

    def scan(self, session_id: str, who: str, action: str, at: datetime | None = None) -> dict[str, Any]:
        """A check-in or check-out made with the vendor's own app (not through this API)."""
        at = at or self.now()
        with self.lock:
            record = self.sessions[session_id].attendance[who.lower()]
            stamp = _iso(at)
            record["history"].append({"action": action, "timestamp": stamp})
            if action == "checkin":
                if record["checkin_time"] is None:
                    record["checkin_time"] = record["checkin_time_actual"] = stamp
            else:
                record["checkout_time"] = record["checkout_time_actual"] = stamp
            return record

    def remove(self, session_id: str, body: dict[str, Any]) -> tuple[int, Any]:
        """`POST .../attendance/remove`: one filter of all, email or external_id; `preview` changes nothing."""
        given = {k: body.get(k) for k in ("all", "email", "external_id")}
        used = [k for k, v in given.items() if v not in (None, False, "")]
        if len(used) > 1:
            return 500, "Too many possible filters"
        if not used:
            return 500, "No valid filters were passed"
        with self.lock:
            attendance = self.sessions[session_id].attendance
            key, value = used[0], given[used[0]]
            hits = [w for w, r in attendance.items() if key == "all" or (
                isinstance(value, str) and str(r["user"].get(key) or "").lower() == value.lower())]
            removed = [attendance[w] for w in hits]
            if not body.get("preview"):
                for w in hits:
                    del attendance[w]
        return 200, {"preview": bool(body.get("preview")), "found": len(removed), "checkins": removed,
                     "filters": {"all": given["all"] is True, "email": given["email"],
                                 "external_id": given["external_id"]}}

    def generate(self, count: int, seed: int = 1) -> None:
        """Three sessions from the reference generator's people: a keynote everyone is preloaded for (every
        10th already checked in, every 40th out again; check-out required), a workshop with every third, and
        a session nobody was preloaded for."""
        keynote = self.add_session(new_session("keyn", "Opening keynote", location="Ballroom A",
                                               checkout_required=True))
        workshop = self.add_session(new_session("wrk1", "Workshop: offline first", start="10:00:00",
                                                end="11:30:00", location="Superior Room"))
        self.add_session(new_session("wrk2", "Workshop: badges", start="13:00:00", end="14:00:00"))
        users = []
        for n, guest in enumerate(generate_guests(count, seed), start=1):
            f = guest["fields"]
            users.append({"first_name": f.get("firstName") or "", "last_name": f.get("lastName") or "",
                          "email": f.get("email") or f"attendee{n}@example.com", "external_id": f"ATT-{n:06d}",
                          "field_1": f"R{n:06d}", "field_2": ("North", "South", "East", "West")[n % 4],
                          "field_3": None, "field_4": None, "field_5": None})
        self.preload("keyn", users)
        self.preload("wrk1", users[::3])
        for n, user in enumerate(users, start=1):
            if n % 10 == 0:
                self.scan("keyn", str(user["external_id"]), "checkin", BASE_TIME + timedelta(seconds=n))
            if n % 40 == 0:
                self.scan("keyn", str(user["external_id"]), "checkout", BASE_TIME + timedelta(hours=1, seconds=n))
        del keynote, workshop

    def codes(self, session_id: str, *, inside: bool = False) -> list[str]:
        """External ids of a session's attendees: those not checked in yet (or, with `inside`, those in)."""
        with self.lock:
            return [r["user"]["external_id"] for r in self.sessions[session_id].attendance.values()
                    if r["user"].get("external_id") and _inside(r) is inside]


def _inside(record: dict[str, Any]) -> bool:
    history = record.get("history") or []
    return bool(history) and history[-1]["action"] == "checkin"


def _empty_record() -> dict[str, Any]:
    return {"user": {}, "checkin_time": None, "checkout_time": None, "checkin_time_actual": None,
            "checkout_time_actual": None, "delivery_format": None, "admin_note": None, "attendee_note": None,
            "checkin_source": None, "checkout_source": None, "evaluation_complete": None,
            "total_time_attended": None, "fields_of_study": [], "history": []}


# --- the web app


def _answer(state: ConferencesIoState, data: object, status: int = 200, headers: dict[str, str] | None = None,
            *, cut: bool = False) -> Response:
    body = orjson.dumps(data)
    if cut:
        body = body[: len(body) // 2]
    return Response(body, status_code=status, media_type="application/json",
                    headers={"Date": format_datetime(state.now(), usegmt=True), **(headers or {})})


def _ok(data: object, code: int = 200) -> tuple[int, Any]:
    return code, {"status": "ok", "code": str(code), "data": data}


def _error(code: int, message: str) -> tuple[int, Any]:
    return code, {"status": "error", "code": str(code), "message": message}


def _json_body(raw: bytes) -> Any:
    try:
        return orjson.loads(raw or b"null")
    except orjson.JSONDecodeError:
        return None


async def _api(request: Request) -> Response:
    state: ConferencesIoState = request.app.state.cnf
    method, path = request.method, request.url.path
    with state.lock:
        fault = state.faults.fail_next.popleft() if state.faults.fail_next else None
        seen = Seen(time.monotonic(), method, path, 429 if fault == "429" else 0)
        state.seen.append(seen)
    if fault == "429":
        return _answer(state, {"status": "error", "code": "429", "message": "Too many requests"}, 429,
                       {"Retry-After": "1"})
    code, data = _route(state, request, method, path.removeprefix(API), await request.body())
    final = 500 if fault in ("500", "hang") else code
    with state.lock:
        for i in range(len(state.seen) - 1, -1, -1):  # newest first: the request is near the end
            if state.seen[i] is seen:
                state.seen[i] = Seen(seen.at, method, path, final)
                break
    if fault == "500":
        return _answer(state, _error(500, "A description of an error that occurred during this request.")[1], 500)
    if fault == "hang":
        await asyncio.sleep(state.faults.hang_seconds)
        return _answer(state, _error(500, "The request took too long.")[1], 500)
    return _answer(state, data, code, cut=fault == "truncate")


def _route(state: ConferencesIoState, request: Request, method: str, path: str, raw: bytes) -> tuple[int, Any]:
    if request.headers.get("API-Key", "") != state.api_key:
        return _error(401, "Invalid or missing API key.")
    parts = path.strip("/").split("/")
    if parts == ["app"]:
        if method == "GET":
            with state.lock:
                return _ok(dict(state.app))
        if method == "PUT":
            body = _json_body(raw)
            if not isinstance(body, dict):
                return _error(500, "Expected a JSON object.")
            with state.lock:
                for key, value in body.items():
                    if key in state.app and value is not None:
                        state.app[key] = value or None  # "" unsets
            return _ok(None)
    if parts == ["sessions"] and method == "GET":
        with state.lock:
            rows = [dict(s.meta) for s in state.sessions.values()]
        return _ok({"count": len(rows), "data": rows})
    if len(parts) >= 2 and parts[0] == "sessions":
        session = state.sessions.get(parts[1])
        if session is None:
            return _error(404, f"Session {parts[1]} not found.")
        rest = parts[2:]
        if rest == [] and method == "GET":
            return _ok(dict(session.meta))
        if rest == ["attendance"] and method == "GET":
            with state.lock:
                return _ok([dict(r, user=dict(r["user"]), history=list(r["history"]))
                            for r in session.attendance.values()])
        if rest == ["attendance"] and method == "DELETE":
            with state.lock:
                count = len(session.attendance)
                session.attendance.clear()
            return _ok({"count": count})
        if rest == ["attendance", "preload"] and method == "POST":
            body = _json_body(raw)
            if not isinstance(body, list) or not all(isinstance(u, dict) for u in body):
                return _error(500, "Expected a list of attendees.")
            return _ok({"count": state.preload(parts[1], body)})
        if rest == ["attendance", "remove"] and method == "POST":
            body = _json_body(raw)
            code, data = state.remove(parts[1], body if isinstance(body, dict) else {})
            return _error(code, data) if code != 200 else _ok(data)
    return _error(404, f"{method} {API}{path} is not emulated.")


async def _admin_faults(request: Request) -> Response:
    state: ConferencesIoState = request.app.state.cnf
    body = _json_body(await request.body())
    if not isinstance(body, dict):
        return _answer(state, {"error": "expected a JSON object"}, 400)
    kinds = [str(item.get("kind")) for item in body.get("fail_next", []) if isinstance(item, dict)]
    if any(kind not in FAULT_KINDS for kind in kinds):
        return _answer(state, {"error": f"fail_next kinds are {FAULT_KINDS}"}, 400)
    with state.lock:
        if "fail_next" in body:  # the queue as given: [] clears it
            state.faults.fail_next.clear()
            state.faults.fail_next.extend(kinds)
        for name in ("clock_offset", "hang_seconds"):
            if isinstance(body.get(name), int | float):
                setattr(state.faults, name, float(body[name]))
        return _answer(state, {"fail_next": list(state.faults.fail_next)})


async def _admin_scan(request: Request) -> Response:
    state: ConferencesIoState = request.app.state.cnf
    body = _json_body(await request.body())
    session_id = request.path_params["session_id"]
    if not isinstance(body, dict) or body.get("action") not in ("checkin", "checkout"):
        return _answer(state, {"error": "expected {external_id, action: checkin | checkout}"}, 400)
    try:
        record = state.scan(session_id, str(body.get("external_id") or body.get("email")), body["action"])
    except KeyError:
        return _answer(state, {"error": "no such session or attendee"}, 404)
    return _answer(state, record)


async def _admin_requests(request: Request) -> Response:
    state: ConferencesIoState = request.app.state.cnf
    with state.lock:
        seen = [s.__dict__ for s in state.seen]
    return _answer(state, {"requests": seen})


def create_app(state: ConferencesIoState) -> Starlette:
    app = Starlette(routes=[
        Route("/admin/faults", _admin_faults, methods=["POST"]),
        Route("/admin/requests", _admin_requests, methods=["GET"]),
        Route("/admin/sessions/{session_id}/scan", _admin_scan, methods=["POST"]),
        Route(API + "/{rest:path}", _api, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ])
    app.state.cnf = state
    return app


class ConferencesIoServer(EmulatorThread):
    """The emulator on 127.0.0.1 (a free port by default) in a daemon thread; a context manager."""

    title = "Conferences i/o"

    def __init__(self, state: ConferencesIoState, *, host: str = "127.0.0.1", port: int = 0,
                 session: str = "keyn") -> None:
        super().__init__(lambda: create_app(state), host=host, port=port)
        self.state = state
        self.session = session

    @property
    def api_url(self) -> str:
        """What a station is configured with (`https://SUBDOMAIN.cnf.io/api/v2` on the real platform)."""
        return self.url + API

    def sample_codes(self, n: int) -> list[str]:
        """Codes a demo can scan: external ids of the session's attendees not checked in yet."""
        return self.state.codes(self.session)[:n]


def serve_until_stopped(*, host: str, port: int, api_key: str, guests: int, seed: int,
                        clock_offset: float = 0.0, name: str = "Example Event") -> int:
    """`kiosk serve --platform conferences-io`: the emulator until Ctrl-C or SIGTERM (its data lives in memory)."""
    state = ConferencesIoState(api_key=api_key, name=name)
    state.generate(guests, seed)
    state.faults.clock_offset = clock_offset
    server = ConferencesIoServer(state, host=host, port=port)
    return emulated(server, lambda url: f"Conferences i/o emulator on {url}{API}  api key: {api_key}  "
                                        f"sessions: {', '.join(state.sessions)}  ({guests} attendees, in memory)")
