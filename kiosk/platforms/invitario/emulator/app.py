"""The reference server's Starlette application, and opening a database with its first guests."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from kiosk.platforms.invitario.emulator import admin, api
from kiosk.platforms.invitario.emulator.csvimport import import_csv
from kiosk.platforms.invitario.emulator.generate import iter_guests
from kiosk.platforms.invitario.emulator.state import ServerConfig, ServerState
from kiosk.platforms.invitario.emulator.store import ServerStore

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 64 * 1024 * 1024


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "Internal server error."
    return api.error_response(status, str(detail), status)


async def _client_gone(request: Request, exc: Exception) -> Response:
    # The station went away in the middle of its request (killed, or its network dropped). That is
    # everyday life for a door, not a server error, and nobody is left to read an answer.
    log.debug("client went away during %s %s", request.method, request.url.path)
    return Response(status_code=499)


async def _crash(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error answering %s %s", request.method, request.url.path)
    return api.error_response(500, "Internal server error.", 500)


def create_app(state: ServerState) -> Starlette:
    app = Starlette(
        routes=[*api.ROUTES, *admin.ROUTES],
        exception_handlers={HTTPException: _http_error, ClientDisconnect: _client_gone, Exception: _crash},
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.kiosk = state
    return app


@dataclass
class SeedReport:
    """What opening the database added: generated guests, imported rows, and every problem met."""

    generated: int = 0
    imported: int = 0
    problems: list[str] = field(default_factory=list)
    note: str = ""


def open_state(
    db_path: str | Path, config: ServerConfig, *, guests: int = 0, import_csv_path: str | Path | None = None
) -> tuple[ServerState, SeedReport]:
    """Open (or create) the database; fill it with generated and imported guests only if it is empty.

    Re-running on a database that holds guests serves them as they are: nothing is generated or imported
    on top (the report's note says so). Generated guests go in first, so that an imported access code
    that happens to match one is reported as a bad row instead of failing the whole load.
    """
    store = ServerStore(db_path)
    state = ServerState(store, config)
    clock = state.clock
    now = clock.now()
    start = now.replace(hour=8, minute=0, second=0, microsecond=0)
    store.set_meta_default("event_start", clock.text(start))
    store.set_meta_default("event_end", clock.text(start + timedelta(hours=14)))
    report = SeedReport()
    existing = store.guest_count()
    if existing:
        if guests or import_csv_path:
            report.note = f"the database already holds {existing} guests; nothing generated or imported"
        return state, report
    if guests > 0:
        report.generated = store.insert_generated(iter_guests(guests, config.seed), clock.text(now))
    if import_csv_path is not None:
        imported = import_csv(store, import_csv_path, lambda: clock.text(clock.now()))
        report.imported = imported.imported
        report.problems.extend(imported.problems)
    return state, report
