"""An emulator of PlanDocket's participants and check-ins API (in memory), for the demo and the tests.

It answers as the package docstring says PlanDocket does, including where the documents are silent, and
has the reference server's fault switches: `POST /admin/faults {"fail_next": [{"kind": "500" | "429" |
"truncate" | "hang" | "hang_after" | "lose_write"}], "clock_offset": s, "hang_seconds": s, "rate_limit_per_hour": n}`.
"hang_after" handles the next request and then never answers in time; "lose_write" does so to the next
request that writes: the station's POST landed, its answer is lost.
"""

from __future__ import annotations

import asyncio
import secrets
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

FAULT_KINDS = ("500", "429", "truncate", "hang", "hang_after", "lose_write")
BASE_TIME = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Participant:
    id: int
    contact_id: int
    customer_number: str
    badge_number: str
    first_name: str
    last_name: str
    company: str | None
    email: str | None
    is_confirmed: bool
    created_at: datetime
    updated_at: datetime


@dataclass
class CheckIn:
    id: int
    participant_id: int
    check_in_type: str
    badge_number: str | None
    station: str | None
    notes: str | None
    checked_in_at: datetime
    checked_out_at: datetime | None = None

    @property
    def is_checked_in(self) -> bool:
        return self.checked_out_at is None


@dataclass
class Faults:
    fail_next: deque[str] = field(default_factory=deque)
    clock_offset: float = 0.0
    hang_seconds: float = 30.0
    rate_limit_per_hour: int | None = 1000


class PlanDocketState:
    """One event's participants and check-ins; every change under one lock (uvicorn runs one loop)."""

    def __init__(self, *, event_key: str = "demo", api_key: str = "demo-key", title: str = "Demo Event") -> None:
        self.event_key, self.api_key, self.title = event_key, api_key, title
        self.event_id = 1
        self.participants: dict[int, Participant] = {}
        self.check_ins: dict[int, CheckIn] = {}
        self.faults = Faults()
        self.requests: deque[float] = deque()  # monotonic times of the last hour's API requests
        self.request_count = 0
        self.lock = threading.Lock()
        self._next_participant, self._next_check_in, self._next_contact = 1, 1, 1

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.faults.clock_offset)

    def add(self, first: str, last: str, *, company: str | None = None, email: str | None = None,
            confirmed: bool = True, customer_number: str | None = None) -> Participant:
        with self.lock:
            pid, contact = self._next_participant, self._next_contact
            self._next_participant += 1
            self._next_contact += 1
            made = BASE_TIME + timedelta(minutes=pid)
            participant = Participant(pid, contact, customer_number or f"C{100000 + contact}", f"PD-{500000 + pid}",
                                      first, last, company, email, confirmed, made, made)
            self.participants[pid] = participant
            return participant

    def generate(self, count: int, seed: int = 1) -> None:
        """Guests of the reference server's generator as participants; every 25th is not confirmed."""
        for n, guest in enumerate(generate_guests(count, seed), start=1):
            f = guest["fields"]
            self.add(str(f.get("firstName") or ""), str(f.get("lastName") or ""),
                     company=f.get("company"), email=f.get("email"), confirmed=n % 25 != 0)

    # --- records as the API shows them

    def contact(self, p: Participant) -> dict[str, Any]:
        return {"id": p.contact_id, "customer_number": p.customer_number, "first_name": p.first_name,
                "last_name": p.last_name, "company": p.company, "email": p.email}

    def participant_json(self, p: Participant, include: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": p.id, "event_id": self.event_id, "event_key": self.event_key,
                               "contact_id": p.contact_id, "is_confirmed": p.is_confirmed,
                               "created_at": _iso(p.created_at), "updated_at": _iso(p.updated_at)}
        if "contact" in include:
            out["contact"] = self.contact(p)
        if "event" in include:
            out["event"] = {"id": self.event_id, "key": self.event_key, "title": self.title}
        if "category" in include:
            out["category"] = None
        return out

    def check_in_json(self, c: CheckIn) -> dict[str, Any]:
        p = self.participants.get(c.participant_id)
        return {"id": c.id, "event_participant_id": c.participant_id, "event_id": self.event_id,
                "event_title": self.title, "event_key": self.event_key,
                "contact": self.contact(p) if p else None, "check_in_type": c.check_in_type,
                "badge_number": c.badge_number, "station": c.station, "checked_in_at": _iso(c.checked_in_at),
                "checked_out_at": _iso(c.checked_out_at), "is_checked_in": c.is_checked_in,
                "checked_in_by": None, "notes": c.notes}

    # --- writes

    def record(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST /api/v1/check-ins: (status, answer)."""
        problems: dict[str, list[str]] = {}
        if body.get("event_key") != self.event_key:
            problems["event_key"] = ["The selected event key is invalid."]
        action = body.get("action", "check_in")
        if action not in ("check_in", "check_out"):
            problems["action"] = ["The action must be check_in or check_out."]
        kind = body.get("check_in_type", "scan")
        if kind not in ("manual", "scan", "app"):
            problems["check_in_type"] = ["The check-in type must be manual, scan or app."]
        pid, badge = body.get("participant_id"), body.get("badge_number")
        if pid is None and badge is None:
            problems["participant_id"] = ["The participant id is required when no badge number is given."]
        if problems:
            return 422, _invalid(problems)
        with self.lock:
            participant = self.participants.get(pid) if isinstance(pid, int) else next(
                (p for p in self.participants.values() if p.badge_number == badge), None)
            if participant is None:
                return 404, {"error": "Participant not found."}
            if not participant.is_confirmed:
                return 422, _invalid({"participant_id": ["The participant is not confirmed."]})
            now = self.now()
            if action == "check_out":
                open_ones = [c for c in self.check_ins.values()
                             if c.participant_id == participant.id and c.is_checked_in]
                if not open_ones:
                    return 422, _invalid({"participant_id": ["The participant is not checked in."]})
                record = max(open_ones, key=lambda c: c.id)
                record.checked_out_at = now
            else:
                record = CheckIn(self._next_check_in, participant.id, kind, participant.badge_number,
                                 _str_or_none(body.get("station")), _str_or_none(body.get("notes")), now)
                self.check_ins[record.id] = record
                self._next_check_in += 1
            return 201, {"data": self.check_in_json(record), "meta": _meta()}


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _invalid(errors: dict[str, list[str]]) -> dict[str, Any]:
    return {"error": "The given data was invalid.", "errors": errors}


def _meta() -> dict[str, str]:
    return {"request_id": f"req_{secrets.token_hex(6)}"}


# --- the web app


def _answer(state: PlanDocketState, data: object, status: int = 200, headers: dict[str, str] | None = None,
            *, cut: bool = False) -> Response:
    body = b"" if status == 204 else orjson.dumps(data)
    if cut:
        body = body[: len(body) // 2]
    all_headers = {"Date": format_datetime(state.now(), usegmt=True), **(headers or {})}
    return Response(body, status_code=status, headers=all_headers,
                    media_type=None if status == 204 else "application/json")


async def _api(request: Request) -> Response:
    state: PlanDocketState = request.app.state.plandocket
    state.request_count += 1
    auth = request.headers.get("Authorization", "")
    if auth != f"Bearer {state.api_key}":
        return _answer(state, {"error": "Unauthenticated."}, 401)
    limit = state.faults.rate_limit_per_hour
    now = time.monotonic()
    with state.lock:
        while state.requests and now - state.requests[0] > 3600:
            state.requests.popleft()
        if limit is not None and len(state.requests) >= limit:
            wait = max(1, int(3600 - (now - state.requests[0])) + 1)
            return _answer(state, {"error": "Rate limit exceeded"}, 429, {"Retry-After": str(wait)})
        state.requests.append(now)
        waiting = state.faults.fail_next
        # "lose_write" waits for the next request that writes (reads before it pass untouched).
        lose_later = bool(waiting) and waiting[0] == "lose_write" and request.method == "GET"
        fault = waiting.popleft() if waiting and not lose_later else None
    if fault == "500":
        return _answer(state, {"error": "Server Error"}, 500)
    if fault == "429":
        return _answer(state, {"error": "Rate limit exceeded"}, 429, {"Retry-After": "1"})
    if fault == "hang":
        await asyncio.sleep(state.faults.hang_seconds)
        return _answer(state, {"error": "Server Error"}, 500)
    status, data = _route(state, request.method, request.url.path, dict(request.query_params),
                          await request.body())
    if fault in ("hang_after", "lose_write"):
        await asyncio.sleep(state.faults.hang_seconds)
    return _answer(state, data, status, cut=fault == "truncate")


def _route(state: PlanDocketState, method: str, path: str, query: dict[str, str], raw: bytes) -> tuple[int, Any]:
    parts = path.rstrip("/").split("/")[3:]  # after /api/v1
    if parts[:1] == ["participants"]:
        return _participants(state, method, parts[1:], query, raw)
    if parts[:1] == ["check-ins"]:
        return _check_ins(state, method, parts[1:], query, raw)
    return 404, {"error": "Not found."}


def _event_problem(state: PlanDocketState, query: dict[str, str]) -> tuple[int, Any] | None:
    key = query.get("event_key")
    if not key:
        return 422, _invalid({"event_key": ["The event key field is required."]})
    if key != state.event_key:
        return 404, {"error": "Event not found."}
    return None


def _json_body(raw: bytes) -> dict[str, Any] | None:
    try:
        body = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError:
        return None
    return body if isinstance(body, dict) else None


def _participants(state: PlanDocketState, method: str, rest: list[str], query: dict[str, str],
                  raw: bytes) -> tuple[int, Any]:
    include = {name.strip() for name in query.get("include", "").split(",") if name.strip()}
    if not rest and method == "GET":
        problem = _event_problem(state, query)
        if problem:
            return problem
        with state.lock:
            found = list(state.participants.values())
        if "confirmed" in query:
            found = [p for p in found if p.is_confirmed == (query["confirmed"] == "1")]
        if "customer_number" in query:
            found = [p for p in found if p.customer_number == query["customer_number"]]
        return 200, {"data": [state.participant_json(p, include) for p in found], "meta": _meta()}
    if not rest and method == "POST":
        body = _json_body(raw)
        if body is None or body.get("event_key") != state.event_key or not body.get("customer_number"):
            return 422, _invalid({"customer_number": ["The event key and customer number are required."]})
        p = state.add("", "", customer_number=str(body["customer_number"]),
                      confirmed=bool(body.get("is_confirmed", False)))
        return 201, {"data": state.participant_json(p, set()), "meta": _meta()}
    if len(rest) != 1 or not rest[0].isdigit():
        return 404, {"error": "Not found."}
    with state.lock:
        one = state.participants.get(int(rest[0]))
        if one is None:
            return 404, {"error": "Participant not found."}
        p = one
        if method == "GET":
            return 200, {"data": state.participant_json(p, include), "meta": _meta()}
        if method in ("PUT", "PATCH"):
            body = _json_body(raw) or {}
            if isinstance(body.get("is_confirmed"), bool):
                p.is_confirmed = body["is_confirmed"]
            p.updated_at = state.now()
            return 200, {"data": state.participant_json(p, set()), "meta": _meta()}
        if method == "DELETE":
            del state.participants[p.id]
            return 204, None
    return 405, {"error": "Method not allowed."}


def _check_ins(state: PlanDocketState, method: str, rest: list[str], query: dict[str, str],
               raw: bytes) -> tuple[int, Any]:
    if rest == ["stats"] and method == "GET":
        problem = _event_problem(state, query)
        if problem:
            return problem
        with state.lock:
            ps, cs = list(state.participants.values()), list(state.check_ins.values())
        inside = {c.participant_id for c in cs if c.is_checked_in}
        out = {c.participant_id for c in cs if not c.is_checked_in} - inside
        return 200, {"data": {"total_participants": len(ps), "confirmed": sum(p.is_confirmed for p in ps),
                              "checked_in": len(inside), "checked_out": len(out)}, "meta": _meta()}
    if not rest and method == "GET":
        problem = _event_problem(state, query)
        if problem:
            return problem
        with state.lock:
            records = sorted(state.check_ins.values(), key=lambda c: c.id)
            return 200, {"data": [state.check_in_json(c) for c in records], "meta": _meta()}
    if not rest and method == "POST":
        body = _json_body(raw)
        if body is None:
            return 422, _invalid({"body": ["The body must be a JSON object."]})
        return state.record(body)
    if len(rest) != 1 or not rest[0].isdigit():
        return 404, {"error": "Not found."}
    with state.lock:
        record = state.check_ins.get(int(rest[0]))
        if record is None:
            return 404, {"error": "Check-in not found."}
        if method == "GET":
            return 200, {"data": state.check_in_json(record), "meta": _meta()}
        if method == "DELETE":
            del state.check_ins[record.id]
            return 204, None
    return 405, {"error": "Method not allowed."}


async def _admin_faults(request: Request) -> Response:
    state: PlanDocketState = request.app.state.plandocket
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
        if "rate_limit_per_hour" in body:
            limit = body["rate_limit_per_hour"]
            faults.rate_limit_per_hour = limit if isinstance(limit, int) and limit > 0 else None
            state.requests.clear()
    return _answer(state, {"fail_next": list(faults.fail_next), "clock_offset": faults.clock_offset,
                           "rate_limit_per_hour": faults.rate_limit_per_hour})


def create_app(state: PlanDocketState) -> Starlette:
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    app = Starlette(routes=[
        Route("/admin/faults", _admin_faults, methods=["POST"]),
        Route("/api/v1/{rest:path}", _api, methods=methods),
    ])
    app.state.plandocket = state
    return app


class PlanDocketServer(EmulatorThread):
    """The emulator on 127.0.0.1 (a free port by default) in a daemon thread; a context manager."""

    title = "PlanDocket"

    def __init__(self, state: PlanDocketState, *, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(lambda: create_app(state), host=host, port=port)
        self.state = state

    def sample_codes(self, n: int) -> list[str]:
        """Codes a demo can scan: customer numbers (the badge field) of confirmed participants."""
        with self.state.lock:
            return [p.customer_number for p in self.state.participants.values() if p.is_confirmed][:n]


def serve_until_stopped(*, host: str, port: int, event_key: str, api_key: str, guests: int, seed: int,
                        clock_offset: float = 0.0) -> int:
    """`kiosk serve --platform plandocket`: the emulator until Ctrl-C or SIGTERM (its data lives in memory)."""
    state = PlanDocketState(event_key=event_key, api_key=api_key)
    state.generate(guests, seed)
    state.faults.clock_offset = clock_offset
    server = PlanDocketServer(state, host=host, port=port)
    return emulated(server, lambda url: f"PlanDocket emulator on {url}  event key: {event_key}  "
                                        f"api key: {api_key}  ({guests} participants, kept in memory)")
