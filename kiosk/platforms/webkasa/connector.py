"""The Webkasa connector: registrations over HTTP, paced under the rate limit (the only code that knows its API)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from kiosk.domain.models import Change, PushOutcome, PushResult
from kiosk.domain.safe_text import terminal_safe
from kiosk.domain.timeutil import format_time
from kiosk.platforms.base import (
    AuthRefused,
    ClockSample,
    EventInfo,
    Misconfigured,
    OwnChanges,
    ProtocolError,
    PullPage,
    PushReport,
    RemoteError,
    RetryLater,
)
from kiosk.platforms.web import (
    checked_base_url,
    clock_from_date,
    retry_after,
    station_client,
    transport_failure,
)
from kiosk.platforms.webkasa import mapper

log = logging.getLogger(__name__)

# Asked for on every page. The document names no largest `limit`: a server that honours less says so in
# `meta.limit`, and the next offset follows the rows actually received.
PAGE_LIMIT = 1000
# At most this many requests in any window of that many seconds: below the 100 a minute (the
# document itself names no limit), whether or not GETs have the larger budget of 300.
PACE = (90, 60.0)
# A 429 whose wait is longer than this is not waited out inside a listing: the round ends (RetryLater).
MAX_WAIT_S = 60.0
MAX_ANSWER_BYTES = 64 * 1024 * 1024
STATION_ONLY = "Webkasa takes no check-ins: they are kept on this station."


class Pacer:
    """Keeps requests under `most` per `window_s` (a sliding window), and holds them all after a 429.

    A request is counted from when its answer came (`done`), not from when it was sent: the server saw it
    arrive before that, so `most` requests never reach the server within one window, whatever the network
    delayed. One request at a time (the connector's), so the next waits for the previous one's answer.
    """

    def __init__(self, most: int, window_s: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        if most < 1 or window_s <= 0:
            raise ValueError(f"A pace is at least one request per positive window, not {most} per {window_s} s.")
        self.most, self.window_s = most, window_s
        self._clock, self._sleep = clock, sleep
        self._done: deque[float] = deque()
        self._not_before = 0.0

    async def wait(self) -> None:
        """Returns when one more request may go out."""
        while True:
            now = self._clock()
            while self._done and now - self._done[0] >= self.window_s:
                self._done.popleft()
            delay = self._not_before - now
            if len(self._done) >= self.most:
                delay = max(delay, self._done[0] + self.window_s - now)
            if delay <= 0:
                return
            await self._sleep(delay)

    def done(self) -> None:
        """The request that `wait` let out is over (answered, failed or timed out): it counts from now."""
        self._done.append(self._clock())

    def hold(self, seconds: float) -> None:
        """The server said wait: nothing goes out for `seconds`."""
        self._not_before = max(self._not_before, self._clock() + seconds)


class WebkasaConnector:
    """Connector for Webkasa (see the package docstring for the contract and the choices made)."""

    # Webkasa has no way to take a check-in: sync asks for no queued change (LIMIT 0), so every check-in
    # stays queued on this station, and the mirror keeps its presence over every listing.
    max_batch = 0

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
        page_limit: int = PAGE_LIMIT,
        pace: tuple[int, float] = PACE,
        max_wait_s: float = MAX_WAIT_S,
    ) -> None:
        url = checked_base_url(base_url)
        if not event_id.strip():
            raise ValueError("The event id is empty.")
        if not api_key:
            raise ValueError("The API key is empty.")
        if page_limit < 2:  # each page after the first repeats one row (see pull)
            raise ValueError(f"The page limit must be at least 2, not {page_limit}.")
        self.base_url = url
        self.event_id = event_id.strip()
        self.station_name = station_name
        self.page_limit = page_limit
        self.pacer = Pacer(*pace)
        self._api_key = api_key
        self._timeout = timeout
        self._max_wait_s = max_wait_s
        self._clock: ClockSample | None = None
        self._path = f"/api/v1/events/{quote(self.event_id, safe='')}/registrations"
        self._client = station_client(transport=transport, timeout=timeout, verify=verify,
                                      headers={"Authorization": f"Bearer {api_key}"})

    @property
    def last_clock_sample(self) -> ClockSample | None:
        return self._clock

    # --- the protocol

    async def login(self) -> EventInfo:
        """No session in Webkasa: a one-row listing tells a wrong key (401) or event id (404) apart."""
        await self._get({"limit": "1", "offset": "0"}, "login check")
        return EventInfo(event_id=self.event_id, name="")

    async def pull(self, cursor: str | None) -> AsyncIterator[PullPage]:
        """Every registration, page by page (the cursor is only the time of the last completed listing:
        the document has no "changed since"; Capabilities.listing is FULL, so sync sweeps).

        Offsets move when registrations come or go during a listing: repeats are folded by id, and a
        listing whose `meta.total` changed on the way, or whose pages no longer overlap by the one row
        each repeats, ends the round (RetryLater) before its last page, so it removes nobody.
        """
        offset, total = 0, None  # offset: the rows read so far
        seen: set[str] = set()
        # Each page after the first starts one row early: that row must be the previous page's last, or
        # rows moved under the offsets (a removal before them) and one may have been skipped.
        overlap: str | None = None
        while True:
            start = offset - 1 if overlap is not None else offset
            doc = await self._get({"limit": str(self.page_limit), "offset": str(start)}, "registration list")
            data, meta = doc.get("data"), doc.get("meta")
            if not isinstance(data, list) or not isinstance(meta, Mapping):
                raise ProtocolError("Webkasa's registration list has no 'data' list and 'meta' object.")
            has_more, now_total = meta.get("hasMore"), meta.get("total")
            if not isinstance(has_more, bool) or isinstance(now_total, bool) or not isinstance(now_total, int):
                raise ProtocolError("Webkasa's registration list has no 'meta.hasMore' or 'meta.total'.")
            if total is None:
                total = now_total
            elif now_total != total:
                raise RetryLater(f"Webkasa's registrations changed during the download ({total} then "
                                 f"{now_total}): the whole list is read again at the next sync.")
            if overlap is not None:
                if not data or _raw_id(data[0]) != overlap:
                    raise RetryLater("Webkasa's registrations moved during the download (one was removed): "
                                     "the whole list is read again at the next sync.")
                data = data[1:]
            if has_more and not data:
                raise ProtocolError(f"Webkasa said more registrations follow offset {offset} but sent none.")
            guests, malformed = mapper.listing_from(data)
            fresh = []
            for guest in guests:
                if guest.id not in seen:
                    seen.add(guest.id)
                    fresh.append(guest)
            offset += len(data)
            # A last row without an id cannot be checked; its listing removes nobody anyway (malformed).
            overlap = _raw_id(data[-1]) if data else None
            if has_more:
                yield PullPage(guests=fresh, malformed=malformed, expected_count=total)
                continue
            server_time = self._clock.server_time if self._clock is not None else datetime.now(UTC)
            yield PullPage(guests=fresh, malformed=malformed, last=True, cursor=format_time(server_time),
                           server_time=server_time, expected_count=total)
            return

    async def push(self, changes: Sequence[Change], own: OwnChanges | None = None) -> PushReport:
        """Nothing is sent (there is no endpoint): every change stays queued on this station."""
        return PushReport([PushResult(c.guest_id, PushOutcome.RETRY_LATER, message=STATION_ONLY) for c in changes],
                          None)

    async def logout(self) -> None:
        return None

    async def aclose(self) -> None:
        await self._client.aclose()

    # --- HTTP

    async def _get(self, params: Mapping[str, str], what: str) -> dict[str, Any]:
        """One paced GET; a 429 is waited out once (Retry-After) and retried once, never looped on."""
        for attempt in (1, 2):
            await self.pacer.wait()
            sent = datetime.now(UTC)
            try:
                response = await self._client.get(self.base_url + self._path, params=params)
            except httpx.HTTPError as exc:
                raise self._transport_failure(exc, what) from None
            finally:
                self.pacer.done()
            self._note_clock(sent, response)
            try:
                return self._read(response, what)
            except RetryLater as err:
                if response.status_code != 429:
                    raise
                wait = err.retry_after if err.retry_after is not None else self.pacer.window_s
                self.pacer.hold(wait)
                if attempt == 2 or wait > self._max_wait_s:
                    raise
                log.info("Webkasa asked to wait %g s (HTTP 429) on the %s; waiting once", wait, what)
        raise AssertionError("unreachable")

    def _read(self, response: httpx.Response, what: str) -> dict[str, Any]:
        status = response.status_code
        raw = response.content[: MAX_ANSWER_BYTES + 1]
        if len(raw) > MAX_ANSWER_BYTES:
            raise ProtocolError(f"Webkasa's answer to the {what} is larger than {MAX_ANSWER_BYTES} bytes.")
        doc = _json_object(raw)
        if 200 <= status < 300:
            if doc is None:
                raise RetryLater(f"Webkasa's answer to the {what} was cut off or is not JSON.")
            return doc
        message = self._error_line(doc, status)
        if status in (408, 429) or status >= 500:
            after = retry_after(response.headers.get("Retry-After"))
            if after is None and doc is not None:
                after = retry_after(doc.get("retry_after"))
            raise RetryLater(f"Webkasa is busy or failing (HTTP {status}) on the {what}: {message}", after)
        if status in (401, 403):
            raise AuthRefused(f"Webkasa refused the API key ({message}); check the key.", status)
        if status == 404:
            raise Misconfigured(f"Webkasa does not know the event {terminal_safe(self.event_id)} ({message}); "
                                "check the event id and the server address.")
        if 300 <= status < 400:
            raise Misconfigured(f"Webkasa answered the {what} with a redirect (HTTP {status}); check the address.")
        raise ProtocolError(f"Webkasa answered the {what} with HTTP {status}: {message}", status)

    def _error_line(self, doc: dict[str, Any] | None, status: int) -> str:
        """An error body as one line: its `message`, `error` or `code` member, else the status."""
        found = None if doc is None else next(
            (doc[k] for k in ("message", "error", "code") if isinstance(doc.get(k), str) and doc[k].strip()), None)
        line = found or f"HTTP {status}"
        return terminal_safe(line.replace(self._api_key, "***"))[:300]

    def _transport_failure(self, exc: httpx.HTTPError, what: str) -> RemoteError:
        return transport_failure(exc, "Webkasa", what, self._timeout)

    def _note_clock(self, sent: datetime, response: httpx.Response) -> None:
        sample = clock_from_date(sent, response)
        if sample is not None:
            self._clock = sample


def _raw_id(record: object) -> str | None:
    value = record.get("id") if isinstance(record, Mapping) else None
    return value if isinstance(value, str) and value else None


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return doc if isinstance(doc, dict) else None

