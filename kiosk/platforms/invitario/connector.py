"""The connector for the Invitario check-in API v1.0 (contract: docs/platforms/invitario.md).

What the document says: POST /api/v1/login with eventId, apiKey and stationName answers a
sessionToken and the event; /api/v1/guest/list/all and /api/v1/guest/list/recent (sinceDateTime)
answer {status, count, dateTime, guests}, deleted guests included; /api/v1/logout ends the session.
The token expires 24 hours after its last use. Errors come as {"status": "error", "errors":
[{code, message}]}: 10 invalid JSON, 20 parameter missing, 30 invalid session token, and on login
1000 event unknown, 1010 API key incorrect.

What it leaves out, and the choices made here:

- Upload. The document covers reading only. Check-ins go up through POST /api/v1/guest/update as
  docs/platforms/invitario.md describes: at most 500 {id, checkInDateTime, checkOutDateTime, clientUpdateDateTime}
  a request, times with offsets (sent in UTC), one {id, outcome, guest, error} result per change,
  in request order. The server answers each change with the guest as stored once the whole request is
  through, so a request carries one change per guest (the oldest): with two, a first one that lost to
  another station would come back showing this station's own second change, look like a resend, and
  its conflict would go unseen. The later ones are answered RETRY_LATER and go up in the next request.
  "superseded" is a CONFLICT unless the stored guest is this station's own later change (a resend
  after a lost answer, or another process of this station was quicker): then ALREADY_RECORDED, found
  with the `own` lookup the caller passes. Results of the wrong length or order, or an unknown outcome, are a
  ProtocolError; a stored guest that does not parse is dropped (guest None) with a warning, and an
  answer without dateTime still delivers its results (server_time None). `client_update` is sent
  as given: correcting it for clock drift is the caller's job, with `last_clock_sample`.
- HTTP status codes. The document names none. 200 is read as JSON; an error envelope is honoured
  under any 4xx as well. Timeouts, broken connections, 408, 429 and 5xx are RetryLater (429 and
  503 carry retry_after from a numeric Retry-After). A redirect (not followed) or a 404 is
  Misconfigured: the address is probably wrong. Other statuses are a ProtocolError. Proxy settings from the
  environment are ignored (trust_env=False): a kiosk talks to the server it was configured for.
- Envelope codes: 30 logs in again and retries the request once, silently; 30 again is
  SessionExpired. 1000 and 1010 are AuthRefused with one line naming the problem (never the key).
  10, 20, unknown codes and any shape the document does not describe are a ProtocolError, logged
  at error level. An untrusted TLS certificate is Misconfigured: it will not heal by itself; a
  self-signed server is trusted by giving its CA file (`verify` as a path).
- The cursor is the previous list response's dateTime (the server's clock, never the station's), as
  ISO-8601 with the server's offset; sinceDateTime sends it back so. Stations before platforms stored
  it in UTC, which reads the same. A stored cursor that is not such a time is a ProtocolError rather
  than a silent full download, or worse, a skipped stretch of changes.
- Lists are streamed: a byte-level splitter (json_spans) finds each guest record in pieces of at
  most 64 KiB as they arrive, orjson parses each record, and pages of `page_size` records are handed
  out while the rest is still arriving. dateTime may come before or after "guests", so the final
  page (last=True, server_time, expected_count) waits for the document's end. A document that is not
  an object, lacks status "success", a "guests" list or a dateTime with offset, or has bytes after
  its end, is a ProtocolError (the cursor must not move). A body cut off or not JSON at all is
  RetryLater. A count that differs from the records received is logged as a warning only: the
  records are what counts.
- Malformed guest records (see invitario_guest.parse_guest: id not a non-empty string, times not
  ISO-8601 with offset, fields not an object, unknown registrationState, companions not a list,
  access codes over 1024 characters, records over ~1 MB or nested over 32 deep) are skipped,
  reported in PullPage.malformed as "guest <id or #position>: <reason>" and logged without
  personal data; the rest of the page lands. An unrecognised registrationState refuses the
  record rather than read it as "unknown", which would admit a guest the server may mean to keep
  out. Unknown members are ignored; a bad
  highlightColor or companion entry is dropped, not the guest; duplicate ids pass through.

Callers that stop reading `pull` early should close it (contextlib.aclosing) so the response closes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar

import httpx

from kiosk.domain.models import Change, Guest, PushOutcome, PushResult
from kiosk.domain.timeutil import parse_time, utcnow
from kiosk.platforms.base import (
    ClockSample,
    EventInfo,
    OwnChanges,
    ProtocolError,
    PullPage,
    PushReport,
    RemoteError,
    RetryLater,
    SessionExpired,
    first_per_attendee,
)
from kiosk.platforms.invitario import transport as http
from kiosk.platforms.invitario import wire
from kiosk.platforms.invitario.listing import MalformedLog, check_list, expected_count
from kiosk.platforms.invitario.mapper import parse_wire_time
from kiosk.platforms.invitario.stream import CutOff, GuestListParser, ShapeError
from kiosk.platforms.invitario.transport import Context, SessionRefused
from kiosk.platforms.web import checked_base_url, station_client

log = logging.getLogger(__name__)

LOGIN = "/api/v1/login"
LIST_ALL = "/api/v1/guest/list/all"
LIST_RECENT = "/api/v1/guest/list/recent"
UPDATE = "/api/v1/guest/update"
LOGOUT = "/api/v1/logout"

_T = TypeVar("_T")


class InvitarioConnector:
    """Connector for the Invitario v1 guest API (see the module docstring for the contract)."""

    max_batch = 500

    def __init__(
        self,
        base_url: str,
        event_id: str,
        api_key: str,
        station_name: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
        verify: bool | str = True,
        page_size: int = 1000,
    ) -> None:
        url = checked_base_url(base_url)
        if not event_id.strip():
            raise ValueError("The event ID is empty.")
        if not api_key:
            raise ValueError("The API key is empty.")
        if page_size < 1:
            raise ValueError("page_size must be at least 1.")
        self.base_url = url
        self.event_id = event_id.strip()
        self.station_name = station_name
        self.page_size = page_size
        self._api_key = api_key
        self._timeout = timeout
        self._token: str | None = None
        self._login_lock = asyncio.Lock()
        self._clock: ClockSample | None = None
        self._client = station_client(transport=transport, timeout=timeout, verify=verify)

    @property
    def last_clock_sample(self) -> ClockSample | None:
        return self._clock

    async def login(self) -> EventInfo:
        """Open a new session; AuthRefused if the server refuses the event or the key."""
        async with self._login_lock:
            return await self._logged(self._login())

    async def pull(self, cursor: str | None) -> AsyncIterator[PullPage]:
        """All guests (cursor None) or those changed since the cursor, in pages; the last has the next one."""
        if cursor is None:
            path, extra = LIST_ALL, {}
        else:
            path, extra = LIST_RECENT, {"sinceDateTime": since_date_time(cursor)}
        try:
            for attempt in (1, 2):
                token = await self._session_token()
                try:
                    async for page in self._pull_once(path, {"sessionToken": token, **extra}):
                        yield page
                    return
                except SessionRefused:
                    self._forget(token)
                    log.info("Invitario session token refused; logging in again (attempt %d)", attempt)
            raise SessionExpired("The server refused a fresh session token; try again later.")
        except ProtocolError as exc:
            log.error("Invitario guest list: %s", exc)
            raise

    async def push(self, changes: Sequence[Change], own: OwnChanges | None = None) -> PushReport:
        """Upload up to `max_batch` changes, the oldest of each guest; one answer per change, in order."""
        if len(changes) > self.max_batch:
            raise ValueError(f"At most {self.max_batch} changes per upload, not {len(changes)}.")
        send = first_per_attendee(changes)
        if not send:
            return PushReport([], None)
        body = {"guests": [wire.change_item(change) for change in send]}
        doc, sent, received = await self._logged(self._call(UPDATE, "upload", body))
        server_time = self._server_time(doc, sent, received, required=False)
        try:
            results = wire.parse_results(doc.get("results"), send)
        except wire.WireError as exc:
            error = ProtocolError(f"The upload answer does not match the upload: {exc}.")
            log.error("Invitario upload: %s", error)
            raise error from None
        answered: dict[str, PushResult] = {}
        for change, result in zip(send, results, strict=True):
            if result.outcome is PushOutcome.CONFLICT and await _own_later_change(change, result.guest, own):
                result = replace(result, outcome=PushOutcome.ALREADY_RECORDED)
            answered[change.change_id] = result
        waiting = "Waits for the answer to an earlier change of the same guest."
        return PushReport(
            [answered.get(c.change_id) or PushResult(c.guest_id, PushOutcome.RETRY_LATER, message=waiting)
             for c in changes],
            server_time,
        )

    async def logout(self) -> None:
        """End the session if there is one; best effort, since the token expires by itself anyway."""
        token, self._token = self._token, None
        if token is None:
            return
        try:
            await self._post(LOGOUT, "logout", {"sessionToken": token})
        except (RemoteError, SessionRefused) as exc:
            log.debug("Invitario logout failed (harmless): %s", exc)

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- sessions -------------------------------------------------------------------------------

    async def _login(self) -> EventInfo:
        body = {"eventId": self.event_id, "apiKey": self._api_key, "stationName": self.station_name}
        try:
            doc, _, _ = await self._post(LOGIN, "login", body)
        except SessionRefused:
            raise ProtocolError(
                "The server answered a login with code 30 (invalid session token).", 30
            ) from None
        try:
            self._token, info = wire.login_answer(doc, self.event_id, self.station_name)
        except wire.WireError as exc:
            raise ProtocolError(f"The login answer is not in the documented shape: {exc}.") from None
        return info

    async def _session_token(self) -> str:
        async with self._login_lock:
            if self._token is None:
                await self._login()
            assert self._token is not None, "a successful login always sets the token"
            return self._token

    def _forget(self, token: str) -> None:
        # Only drop the token that failed: another task may already have logged in afresh.
        if self._token == token:
            self._token = None

    async def _call(
        self, path: str, what: str, extra: dict[str, Any]
    ) -> tuple[dict[str, Any], datetime, datetime]:
        """A request that needs a session: log in if needed, and once more if the token is refused."""
        for attempt in (1, 2):
            token = await self._session_token()
            try:
                return await self._post(path, what, {"sessionToken": token, **extra})
            except SessionRefused:
                self._forget(token)
                log.info("Invitario session token refused; logging in again (attempt %d)", attempt)
        raise SessionExpired("The server refused a fresh session token; try again later.")

    async def _logged(self, call: Awaitable[_T]) -> _T:
        """Await `call`, logging a ProtocolError loudly on its way out: it means a bug on one side."""
        try:
            return await call
        except ProtocolError as exc:
            log.error("Invitario: %s", exc)
            raise

    # -- requests -------------------------------------------------------------------------------

    async def _post(
        self, path: str, what: str, body: dict[str, Any]
    ) -> tuple[dict[str, Any], datetime, datetime]:
        """POST a small request and read a small answer: (document, sent, received)."""
        ctx = self._context(what)
        sent = received = utcnow()
        answered = False
        try:
            async with self._client.stream("POST", self.base_url + path, json=body) as response:
                received, answered = utcnow(), True
                if response.status_code != 200:
                    await http.refuse(response, ctx)
                raw = await http.read_capped(response, http.MAX_ANSWER_BYTES, ctx)
        except httpx.HTTPError as exc:
            raise http.transport_failure(exc, ctx, answered) from None
        return http.decode_answer(raw, ctx), sent, received

    def _context(self, what: str) -> Context:
        return Context(what, self.event_id, self._api_key, self._timeout)

    async def _pull_once(self, path: str, body: dict[str, Any]) -> AsyncIterator[PullPage]:
        ctx = self._context("guest list")
        sent = received = utcnow()
        answered = handed_out = False
        skipped = MalformedLog()
        try:
            async with self._client.stream("POST", self.base_url + path, json=body) as response:
                received, answered = utcnow(), True
                if response.status_code != 200:
                    await http.refuse(response, ctx)
                parser = GuestListParser(self.page_size)
                async for data in response.aiter_bytes():
                    for page in parser.feed(data):
                        skipped.report(page.malformed)
                        handed_out = True
                        yield page
                    # Give the event loop (and with it the Qt window) a turn between pieces of the body.
                    await asyncio.sleep(0)
                pages, doc = parser.finish()
        except httpx.HTTPError as exc:
            raise http.transport_failure(exc, ctx, answered) from None
        except CutOff as exc:
            raise RetryLater(f"The guest list from the server was cut off or is not JSON ({exc}).") from None
        except ShapeError as exc:
            raise ProtocolError(
                f"The guest list from the server is not in the documented shape: {exc}."
            ) from None
        final = pages.pop()
        for page in pages:
            skipped.report(page.malformed)
            handed_out = True
            yield page
        check_list(doc, ctx, handed_out)
        final.last = True
        final.server_time = server_time = self._server_time(doc.meta, sent, received, required=True)
        assert server_time is not None  # required=True raised otherwise
        final.cursor = server_time.isoformat()
        final.expected_count = expected_count(doc)
        skipped.report(final.malformed)
        skipped.close()
        yield final

    def _server_time(
        self, doc: dict[str, Any], sent: datetime, received: datetime, *, required: bool
    ) -> datetime | None:
        """The answer's dateTime, recorded as a clock sample; ProtocolError if required and unusable."""
        try:
            server_time = parse_wire_time(doc.get("dateTime"), "dateTime")
        except ValueError as exc:
            server_time, problem = None, str(exc)
        else:
            problem = "dateTime is missing"
        if server_time is None:
            if required:
                raise ProtocolError(f"The server's answer cannot move the cursor: {problem}.")
            log.warning("Invitario answer without a usable server time: %s", problem)
            return None
        self._clock = ClockSample(sent, received, server_time)
        return server_time


async def _own_later_change(change: Change, winner: Guest | None, own: OwnChanges | None) -> bool:
    """Whether the guest as stored is this station's own change: the same client time, from this station."""
    if own is None or winner is None or winner.client_update is None:
        return False
    mine = await own(change.guest_id)
    return any(c.client_update == winner.client_update and c.station == change.station for c in mine)


def since_date_time(cursor: str) -> str:
    """The sinceDateTime for a cursor this connector made (an ISO-8601 server time with its offset)."""
    try:
        since = parse_time(cursor)
    except ValueError as exc:
        raise ProtocolError(f"The stored sync cursor {cursor[:40]!r} is not a server time ({exc}).") from None
    assert since is not None
    return since.isoformat()
