"""The v1 guest API over HTTP: login, guest/list/all, guest/list/recent, guest/update, logout.

Choices where the v1 document is silent (connectors and tests rely on them):

- Error envelopes ({"status": "error", "displayMessage": null, "errors": [{"code", "message"}]}) are sent
  with HTTP 200, as the document implies. Only injected faults answer otherwise (500; 429 with
  Retry-After: 1).
- Checks run in this order: body is a JSON object (10), sessionToken given (20), session live (30), the
  other parameters (20). Code 20 also covers wrong types; its message names every offending parameter.
- list/all includes deleted guests (with deleteDateTime set), so a new station can answer "deleted".
- list/recent returns guests whose serverUpdateDateTime >= sinceDateTime: re-sending a guest is harmless,
  missing one is not. Both lists are streamed from a consistent snapshot, in a stable order.
- Every dateTime carries an offset and microseconds; "dateTime" is the server clock when the snapshot was
  taken (list) or when the batch was applied (update).
- guest/update is specified in docs/platforms/invitario.md (the upload contract); see `changes`.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from kiosk.platforms.invitario.emulator.changes import ParameterError, apply_changes, parse_changes
from kiosk.platforms.invitario.emulator.guests import time_key
from kiosk.platforms.invitario.emulator.sessions import create_session, end_session, touch_session
from kiosk.platforms.invitario.emulator.state import ServerState
from kiosk.platforms.invitario.emulator.store import ServerStore

Handler = Callable[[ServerState, dict[str, Any], bool], Response]


class ApiError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def json_response(data: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), status_code=status, headers=headers, media_type="application/json")


def error_response(
    code: int, message: str, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    body = {"status": "error", "displayMessage": None, "errors": [{"code": code, "message": message}]}
    return json_response(body, status, headers)


def _cut(response: Response) -> Response:
    """The same answer with its body cut in the middle (a proxy or a dropped connection did it)."""
    body = bytes(response.body)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return Response(body[: len(body) // 2], status_code=response.status_code, headers=headers)


def api_route(path: str, handler: Handler) -> Route:
    async def endpoint(request: Request) -> Response:
        state: ServerState = request.app.state.kiosk
        faults = state.faults
        state.requests[path] += 1
        if faults.latency_ms > 0:
            await asyncio.sleep(faults.latency_ms / 1000)
        fault = faults.next_fault()
        if fault == "500":
            return error_response(500, "Internal server error (injected fault).", 500)
        if fault == "429":
            return error_response(429, "Too many requests (injected fault).", 429, {"Retry-After": "1"})
        if fault == "hang":
            await asyncio.sleep(faults.hang_seconds)
            return error_response(500, "Request hung and was not processed (injected fault).", 500)
        response = _handle(state, await request.body(), handler, fault == "truncate")
        if fault == "truncate" and not isinstance(response, StreamingResponse):
            response = _cut(response)
        elif fault == "hang_after":
            await asyncio.sleep(faults.hang_seconds)
        return response

    return Route(path, endpoint, methods=["POST"])


def _handle(state: ServerState, raw: bytes, handler: Handler, truncate: bool) -> Response:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        body = None
    if not isinstance(body, dict):
        return error_response(10, "Invalid JSON provided.")
    try:
        return handler(state, body, truncate)
    except ParameterError as err:
        return error_response(20, f"Required parameter(s) missing: {err}")
    except ApiError as err:
        return error_response(err.code, err.message)


def _session(state: ServerState, body: dict[str, Any]) -> str:
    """The station name of the request's session; refreshes the session's lifetime."""
    token = body.get("sessionToken")
    if not isinstance(token, str) or not token:
        raise ParameterError("sessionToken")
    station = touch_session(state.store, token, state.token_lifetime)
    if station is None:
        raise ApiError(30, "Invalid session token provided.")
    return station


def event_info(state: ServerState) -> dict[str, Any]:
    config = state.config
    return {
        "id": config.event_id,
        "name": config.event_name,
        "company": config.company,
        "startDateTime": state.store.meta("event_start"),
        "endDateTime": state.store.meta("event_end"),
        "configuration": {},
    }


def login(state: ServerState, body: dict[str, Any], truncate: bool) -> Response:
    event_id = body.get("eventId")
    if isinstance(event_id, int) and not isinstance(event_id, bool):
        event_id = str(event_id)
    values = {"eventId": event_id, "apiKey": body.get("apiKey"), "stationName": body.get("stationName")}
    missing = [key for key, value in values.items() if not isinstance(value, str) or not value.strip()]
    if missing:
        raise ParameterError(", ".join(missing))
    if event_id != state.config.event_id:
        raise ApiError(1000, "Event ID not known.")
    if not secrets.compare_digest(str(values["apiKey"]).encode(), state.config.api_key.encode()):
        raise ApiError(1010, "API key incorrect.")
    station = str(values["stationName"]).strip()
    token = create_session(state.store, station)
    return json_response(
        {"status": "success", "event": event_info(state), "stationName": station, "sessionToken": token}
    )


def list_all(state: ServerState, body: dict[str, Any], truncate: bool) -> Response:
    _session(state, body)
    return _stream(state, None, truncate)


def list_recent(state: ServerState, body: dict[str, Any], truncate: bool) -> Response:
    _session(state, body)
    since = body.get("sinceDateTime")
    try:
        since_key = time_key(since) if isinstance(since, str) else None
    except ValueError:
        since_key = None
    if since_key is None:
        raise ParameterError("sinceDateTime (expected an ISO-8601 date-time with offset)")
    return _stream(state, since_key, truncate)


def _stream(state: ServerState, since_key: str | None, truncate: bool) -> StreamingResponse:
    store: ServerStore = state.store
    clock = state.clock

    async def body() -> AsyncIterator[bytes]:
        snapshot = store.snapshot(since_key, clock.now)
        try:
            server_time = orjson.dumps(clock.text(snapshot.server_time))
            yield b'{"status":"success","count":%d,"dateTime":%s,"guests":[' % (snapshot.count, server_time)
            # A truncated answer stops half way through the list, in the middle of a guest.
            cut_at = snapshot.count // 2 if truncate else None
            sent = 0
            for rows in snapshot.chunks():
                lead = b"," if sent else b""
                if cut_at is not None and sent + len(rows) > cut_at:
                    keep, broken = rows[: cut_at - sent], rows[cut_at - sent]
                    yield lead + b"".join(row + b"," for row in keep) + broken[: len(broken) // 2]
                    return
                yield lead + b",".join(rows)
                sent += len(rows)
            if cut_at is None:
                yield b"]}"
        finally:
            snapshot.close()

    return StreamingResponse(body(), media_type="application/json")


def update(state: ServerState, body: dict[str, Any], truncate: bool) -> Response:
    station = _session(state, body)
    if "guests" not in body:
        raise ParameterError("guests")
    changes = parse_changes(body["guests"])
    now_text, results = apply_changes(state.store, changes, station, state.clock.now, state.clock.text)
    return json_response({"status": "success", "dateTime": now_text, "results": results})


def logout(state: ServerState, body: dict[str, Any], truncate: bool) -> Response:
    token = body.get("sessionToken")
    _session(state, body)
    end_session(state.store, str(token))
    return json_response({"status": "success"})


ROUTES = [
    api_route("/api/v1/login", login),
    api_route("/api/v1/guest/list/all", list_all),
    api_route("/api/v1/guest/list/recent", list_recent),
    api_route("/api/v1/guest/update", update),
    api_route("/api/v1/logout", logout),
]
