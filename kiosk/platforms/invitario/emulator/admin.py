"""Admin endpoints under /admin/ (not part of the v1 API): back-office edits, history, stats, faults.

Every request needs the header `X-Admin-Key: <the event's API key>`. Errors answer with a 4xx status and
{"status": "error", "errors": [{"code": <HTTP status>, "message": ...}]}. Admin requests never count as
API requests and never meet injected faults.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kiosk.platforms.invitario.emulator.api import json_response
from kiosk.platforms.invitario.emulator.changes import history
from kiosk.platforms.invitario.emulator.guests import GuestDataError
from kiosk.platforms.invitario.emulator.sessions import expire_all
from kiosk.platforms.invitario.emulator.state import FAULT_KINDS, MAX_HANG_SECONDS, ServerState

AdminHandler = Callable[[ServerState, Request], Awaitable[Response]]


class AdminError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def admin_error(status: int, message: str) -> Response:
    return json_response({"status": "error", "errors": [{"code": status, "message": message}]}, status)


def admin_route(path: str, handler: AdminHandler, method: str) -> Route:
    async def endpoint(request: Request) -> Response:
        state: ServerState = request.app.state.kiosk
        given = request.headers.get("x-admin-key", "")
        if not secrets.compare_digest(given.encode(), state.config.api_key.encode()):
            return admin_error(401, "X-Admin-Key header missing or wrong (it is the event's API key).")
        try:
            return await handler(state, request)
        except AdminError as err:
            return admin_error(err.status, err.message)
        except GuestDataError as err:
            return admin_error(400, str(err))

    return Route(path, endpoint, methods=[method])


async def _json_body(request: Request) -> Any:
    try:
        return orjson.loads(await request.body())
    except orjson.JSONDecodeError as err:
        raise AdminError(400, f"Invalid JSON provided: {err}") from None


def _now_text(state: ServerState) -> Callable[[], str]:
    return lambda: state.clock.text(state.clock.now())


async def get_guest(state: ServerState, request: Request) -> Response:
    guest = state.store.get_guest(request.path_params["guest_id"])
    if guest is None:
        raise AdminError(404, "Guest not known.")
    return json_response(guest)


async def find_guest(state: ServerState, request: Request) -> Response:
    code = request.query_params.get("code")
    if not code:
        raise AdminError(400, "Give ?code=<access code> (or use /admin/guests/<id>).")
    guest = state.store.find_by_code(code)
    if guest is None:
        raise AdminError(404, "No guest has this access code.")
    return json_response(guest)


async def post_guests(state: ServerState, request: Request) -> Response:
    body = await _json_body(request)
    edits = body if isinstance(body, list) else [body]
    guests = state.store.upsert_all(edits, _now_text(state))
    return json_response({"status": "success", "count": len(guests), "guests": guests})


async def delete_guest(state: ServerState, request: Request) -> Response:
    guest = state.store.delete_guest(request.path_params["guest_id"], _now_text(state))
    if guest is None:
        raise AdminError(404, "Guest not known.")
    return json_response({"status": "success", "guest": guest})


async def get_history(state: ServerState, request: Request) -> Response:
    rows = history(state.store, request.query_params.get("guest_id"))
    return json_response({"count": len(rows), "history": rows})


async def get_stats(state: ServerState, request: Request) -> Response:
    stats: dict[str, Any] = dict(state.store.stats())
    stats["requests"] = sum(state.requests.values())
    stats["requests_by_path"] = dict(state.requests)
    return json_response(stats)


async def sample_codes(state: ServerState, request: Request) -> Response:
    try:
        n = int(request.query_params.get("n", "3"))
    except ValueError:
        raise AdminError(400, "n: expected a whole number") from None
    return json_response({"codes": state.store.sample_codes(min(max(n, 0), 10_000))})


def _number(body: dict[str, Any], key: str, low: float, high: float) -> float | None:
    if key not in body:
        return None
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AdminError(400, f"{key}: expected a number")
    if not low <= value <= high:
        raise AdminError(400, f"{key}: expected a number from {low:g} to {high:g}")
    return float(value)


def describe_faults(state: ServerState) -> dict[str, Any]:
    described = state.faults.describe()
    described["clock_offset"] = state.clock.offset
    described["token_lifetime"] = state.token_lifetime
    return described


async def get_faults(state: ServerState, request: Request) -> Response:
    return json_response(describe_faults(state))


async def post_faults(state: ServerState, request: Request) -> Response:
    body = await _json_body(request)
    if not isinstance(body, dict):
        raise AdminError(400, "expected an object")
    allowed = {"latency_ms", "failure_rate", "clock_offset", "token_lifetime", "fail_next", "hang_seconds"}
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise AdminError(400, f"unknown settings: {', '.join(unknown)}")
    # Check everything before changing anything, so a bad request changes nothing.
    latency = _number(body, "latency_ms", 0, 600_000)
    rate = _number(body, "failure_rate", 0, 1)
    offset = _number(body, "clock_offset", -10 * 365 * 86400, 10 * 365 * 86400)
    lifetime = _number(body, "token_lifetime", 0, 10 * 365 * 86400)
    hang = _number(body, "hang_seconds", 0, MAX_HANG_SECONDS)
    kinds: list[str] | None = None
    if "fail_next" in body:
        items = body["fail_next"]
        if not isinstance(items, list) or not all(
            isinstance(i, dict) and i.get("kind") in FAULT_KINDS for i in items
        ):
            raise AdminError(
                400, f'fail_next: expected a list of {{"kind": ...}} with kind one of {FAULT_KINDS}'
            )
        kinds = [str(i["kind"]) for i in items]
    faults = state.faults
    if latency is not None:
        faults.latency_ms = latency
    if rate is not None:
        faults.failure_rate = rate
    if hang is not None:
        faults.hang_seconds = hang
    if offset is not None:
        state.clock.offset = offset
    if lifetime is not None:
        state.token_lifetime = lifetime
    if kinds is not None:
        faults.fail_next.clear()
        faults.fail_next.extend(kinds)
    return json_response(describe_faults(state))


async def expire_tokens(state: ServerState, request: Request) -> Response:
    return json_response({"status": "success", "expired": expire_all(state.store)})


ROUTES = [
    admin_route("/admin/guests", find_guest, "GET"),
    admin_route("/admin/guests", post_guests, "POST"),
    admin_route("/admin/guests/{guest_id:str}", get_guest, "GET"),
    admin_route("/admin/guests/{guest_id:str}/delete", delete_guest, "POST"),
    admin_route("/admin/history", get_history, "GET"),
    admin_route("/admin/stats", get_stats, "GET"),
    admin_route("/admin/sample-codes", sample_codes, "GET"),
    admin_route("/admin/faults", get_faults, "GET"),
    admin_route("/admin/faults", post_faults, "POST"),
    admin_route("/admin/tokens/expire", expire_tokens, "POST"),
]
