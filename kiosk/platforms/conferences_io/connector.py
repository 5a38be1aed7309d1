"""The Conferences i/o connector: one session's attendance over HTTP (the only code that knows its API)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from kiosk.domain.models import Change, PushOutcome, PushResult
from kiosk.domain.safe_text import terminal_safe
from kiosk.domain.timeutil import format_time
from kiosk.platforms.base import (
    AuthRefused,
    Choice,
    ChoiceNeeded,
    ClockSample,
    EventInfo,
    Misconfigured,
    OwnChanges,
    ProtocolError,
    PullPage,
    PushReport,
    RetryLater,
)
from kiosk.platforms.conferences_io import mapper
from kiosk.platforms.web import checked_base_url, clock_from_date, retry_after, station_client, transport_failure

log = logging.getLogger(__name__)

# A 429 whose wait is longer than this is not waited out inside a pull: the round ends (RetryLater).
MAX_WAIT_S = 60.0
# When a 429 names no wait (the document names no rate limit, nor what a 429 carries).
DEFAULT_WAIT_S = 5.0
MAX_ANSWER_BYTES = 128 * 1024 * 1024
# The attendance answer is one list: handed to sync in slices, so the window hears of progress.
PAGE_ROWS = 1000
STATION_ONLY = "Conferences i/o takes no check-ins: they are kept on this station."
# The sessions named in the one line `kiosk configure` prints without --session.
MAX_LISTED_SESSIONS = 40


class ConferencesIoConnector:
    """Connector for Conferences i/o (see the package docstring for the contract and the choices made)."""

    # No endpoint records a check-in: sync asks for no queued change (LIMIT 0), so every check-in stays
    # queued on this station, and the mirror keeps its presence over every listing.
    max_batch = 0

    def __init__(
        self,
        base_url: str,
        event_id: str,
        api_key: str,
        station_name: str,
        *,
        session: str = "",
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        verify: bool | str = True,
        max_wait_s: float = MAX_WAIT_S,
    ) -> None:
        url = checked_base_url(base_url)
        if not api_key:
            raise ValueError("The API key is empty.")
        self.base_url = url
        self.event_id = event_id.strip()
        self.session = session.strip()
        self.station_name = station_name
        self.labels: dict[str, str] = {}
        self.checkout_required: bool | None = None
        self._api_key = api_key
        self._timeout = timeout
        self._max_wait_s = max_wait_s
        self._clock: ClockSample | None = None
        self._client = station_client(transport=transport, timeout=timeout, verify=verify,
                                      headers={"API-Key": api_key})

    @property
    def last_clock_sample(self) -> ClockSample | None:
        return self._clock

    # --- the protocol

    async def login(self) -> EventInfo:
        """No login in the API: `GET /app` checks the key, `GET /sessions` the chosen session.

        Without a session, ChoiceNeeded lists the app's sessions in one line (`kiosk configure` exits 2).
        """
        app = await self._app()
        sessions = await self.sessions()
        title = mapper.text_of(app.get("name")) or ""
        # Session dates and times are the event's local time; the app's time zone says which.
        zone = mapper.text_of(app.get("timezone"))
        local = f" (times in {terminal_safe(zone)})" if zone and zone != "-1" else ""
        if not self.session:
            raise ChoiceNeeded(f"Choose the session this door serves with --session ID{local}: {_choices(sessions)}",
                               _session_choices(sessions))
        chosen = next((s for s in sessions if s.get("id") == self.session), None)
        if chosen is None:
            raise Misconfigured(f"Conferences i/o has no session {terminal_safe(self.session)!r} in this app; "
                                f"the sessions are: {_choices(sessions)}")
        self.checkout_required = chosen.get("checkout_required") is True
        name = mapper.text_of(chosen.get("name")) or self.session
        return EventInfo(event_id=self.event_id, name=f"{title}: {name}" if title else name,
                         time_zone=zone if zone and zone != "-1" else "")

    async def session_choices(self) -> list[Choice]:
        """The app's sessions for staff to pick from (the setup dialog, the staff tools' Session…)."""
        return _session_choices(await self.sessions())

    async def sessions(self) -> list[dict[str, Any]]:
        """The app's sessions (`GET /sessions`), in the server's order."""
        doc = await self._get("/sessions", "session list")
        data = doc.get("data")
        rows = data.get("data") if isinstance(data, Mapping) else None
        if not isinstance(rows, list):
            raise ProtocolError("Conferences i/o's session list has no 'data.data' list.")
        return [s for s in rows if isinstance(s, dict) and isinstance(s.get("id"), str)]

    async def pull(self, cursor: str | None) -> AsyncIterator[PullPage]:
        """The chosen session's whole attendance (the cursor is only the time of the last completed listing:
        the API has no "changed since" and no paging; Capabilities.listing is FULL, so sync sweeps)."""
        if not self.session:
            raise Misconfigured("No Conferences i/o session is configured: run `kiosk configure --session ID`.")
        # Every pull reads the labels afresh: an organiser may rename a custom field during the event.
        self.labels = mapper.labels_from(await self._app())
        path = f"/sessions/{quote(self.session, safe='')}/attendance"
        doc = await self._get(path, "attendance list")
        records = doc.get("data")
        if not isinstance(records, list):
            raise ProtocolError("Conferences i/o's attendance answer has no 'data' list.")
        guests, malformed = mapper.listing_from(records, self.session, self.labels)
        server_time = self._clock.server_time if self._clock is not None else datetime.now(UTC)
        total = len(guests)
        for start in range(0, max(total, 1), PAGE_ROWS):
            last = start + PAGE_ROWS >= total
            yield PullPage(guests=guests[start : start + PAGE_ROWS], malformed=malformed if last else [],
                           last=last, cursor=format_time(server_time) if last else None,
                           server_time=server_time if last else None, expected_count=total)
            await asyncio.sleep(0)

    async def push(self, changes: Sequence[Change], own: OwnChanges | None = None) -> PushReport:
        """Nothing is sent (there is no endpoint): every change stays queued on this station."""
        return PushReport([PushResult(c.guest_id, PushOutcome.RETRY_LATER, message=STATION_ONLY) for c in changes],
                          None)

    async def logout(self) -> None:
        return None

    async def aclose(self) -> None:
        await self._client.aclose()

    # --- HTTP

    async def _app(self) -> dict[str, Any]:
        doc = await self._get("/app", "app settings")
        app = doc.get("data")
        if not isinstance(app, dict):
            raise ProtocolError("Conferences i/o's app settings have no 'data' object.")
        return app

    async def _get(self, path: str, what: str) -> dict[str, Any]:
        """One GET; a 429 is waited out once (Retry-After) and retried once, never looped on."""
        for attempt in (1, 2):
            sent = datetime.now(UTC)
            try:
                response = await self._client.get(self.base_url + path)
            except httpx.HTTPError as exc:
                raise transport_failure(exc, "Conferences i/o", what, self._timeout) from None
            sample = clock_from_date(sent, response)
            if sample is not None:
                self._clock = sample
            try:
                return self._read(response, what)
            except RetryLater as err:
                if response.status_code != 429:
                    raise
                wait = err.retry_after if err.retry_after is not None else DEFAULT_WAIT_S
                if attempt == 2 or wait > self._max_wait_s:
                    raise
                log.info("Conferences i/o asked to wait %g s (HTTP 429) on the %s; waiting once", wait, what)
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    def _read(self, response: httpx.Response, what: str) -> dict[str, Any]:
        status = response.status_code
        raw = response.content[: MAX_ANSWER_BYTES + 1]
        if len(raw) > MAX_ANSWER_BYTES:
            raise ProtocolError(f"Conferences i/o's answer to the {what} is larger than {MAX_ANSWER_BYTES} bytes.")
        doc = _json_object(raw)
        # The envelope's own verdict counts too: an error envelope is an error whatever the HTTP status.
        if 200 <= status < 300 and doc is not None and doc.get("status") != "error":
            return doc
        if 200 <= status < 300:
            if doc is None:
                raise RetryLater(f"Conferences i/o's answer to the {what} was cut off or is not JSON.")
            status = _envelope_code(doc) or 500
        message = self._error_line(doc, status)
        if status in (408, 429) or status >= 500:
            raise RetryLater(f"Conferences i/o is busy or failing (HTTP {status}) on the {what}: {message}",
                             retry_after(response.headers.get("Retry-After")))
        if status in (401, 403):
            raise AuthRefused(f"Conferences i/o refused the API key ({message}): check the key, and that API "
                              "access is switched on for this app.", status)
        if status == 404:
            raise Misconfigured(f"Conferences i/o has no such address for the {what} ({message}): check the "
                                "server address (https://SUBDOMAIN.cnf.io/api/v2) and the session id.")
        if 300 <= status < 400:
            raise Misconfigured(f"Conferences i/o answered the {what} with a redirect (HTTP {status}): check the "
                                "address (the app's URI may have changed).")
        raise ProtocolError(f"Conferences i/o answered the {what} with HTTP {status}: {message}", status)

    def _error_line(self, doc: dict[str, Any] | None, status: int) -> str:
        """The error envelope's `message` as one line, else the status."""
        found = doc.get("message") if doc is not None else None
        line = found.strip() if isinstance(found, str) and found.strip() else f"HTTP {status}"
        return terminal_safe(" ".join(line.replace(self._api_key, "***").split()))[:300]


def _choices(sessions: list[dict[str, Any]]) -> str:
    """The sessions as one line: `id (date start_time, name, location[, check-out required])`, in the
    server's order."""
    if not sessions:
        return "none (the app has no sessions yet)."
    shown = [f"{s['id']} ({what})" if (what := _label(s)) else s["id"] for s in sessions[:MAX_LISTED_SESSIONS]]
    more = len(sessions) - len(shown)
    return terminal_safe("; ".join(shown) + (f"; and {more} more" if more > 0 else "") + ".")


def _session_choices(sessions: list[dict[str, Any]]) -> list[Choice]:
    return [Choice(s["id"], terminal_safe(_label(s))) for s in sessions]


def _label(session: Mapping[str, Any]) -> str:
    """When, what and where: `date start_time, name, location[, check-out required]` (parts it lacks left out)."""
    when = " ".join(p for p in (mapper.text_of(session.get("date")), _hhmm(session.get("start_time"))) if p)
    # A session that wants check-outs says so: the station's check-out mode is for it (kept here too).
    out = "check-out required" if session.get("checkout_required") is True else None
    return ", ".join(p for p in (when, mapper.text_of(session.get("name")), mapper.text_of(session.get("location")),
                                 out) if p)


def _hhmm(value: object) -> str | None:
    text = mapper.text_of(value)
    # "08:30:00" as 08:30; anything else (the API accepts "8pm" on input) as given.
    return text[:5] if text and len(text) == 8 and text[2] == ":" and text[5] == ":" else text


def _envelope_code(doc: Mapping[str, Any]) -> int | None:
    code = doc.get("code")
    try:
        value = int(code) if isinstance(code, str | int) and not isinstance(code, bool) else None
    except ValueError:
        return None
    return value if value is not None and 100 <= value <= 599 else None


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return doc if isinstance(doc, dict) else None


