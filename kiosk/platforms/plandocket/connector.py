"""The PlanDocket connector: participants and check-ins over HTTP, the only code that knows PlanDocket's API."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from kiosk.domain.models import Change, ChangeKind, PushOutcome, PushResult
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
    first_per_attendee,
)
from kiosk.platforms.plandocket import mapper
from kiosk.platforms.web import (
    checked_base_url,
    clock_from_date,
    retry_after,
    station_client,
    transport_failure,
)

log = logging.getLogger(__name__)

PARTICIPANTS = "/api/v1/participants"
CHECK_INS = "/api/v1/check-ins"
STATS = "/api/v1/check-ins/stats"
# The documents list a whole event in one answer; a cap keeps a broken server from exhausting memory.
MAX_ANSWER_BYTES = 256 * 1024 * 1024
# Pulled guests are handed to the mirror in pages of this many, like the Invitario connector's pages.
PAGE_SIZE = 1000


class PlanDocketConnector:
    """Connector for PlanDocket (see the package docstring for the contract and the choices made)."""

    # Each change is one POST or DELETE; a batch is read back once before it is sent.
    max_batch = 50

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
    ) -> None:
        url = checked_base_url(base_url)
        if not event_id.strip():
            raise ValueError("The event key is empty.")
        if not api_key:
            raise ValueError("The API key is empty.")
        self.base_url = url
        self.event_key = event_id.strip()
        self.station_name = station_name
        self._api_key = api_key
        self._timeout = timeout
        self._clock: ClockSample | None = None
        self._client = station_client(transport=transport, timeout=timeout, verify=verify,
                                      headers={"Authorization": f"Bearer {api_key}"})

    @property
    def last_clock_sample(self) -> ClockSample | None:
        return self._clock

    # --- the protocol

    async def login(self) -> EventInfo:
        """No session in PlanDocket: one small authenticated read tells a wrong key or event key apart."""
        await self._request("GET", STATS, "login check", params={"event_key": self.event_key})
        return EventInfo(event_id=self.event_key, name="")

    async def pull(self, cursor: str | None) -> AsyncIterator[PullPage]:
        """The whole event every time: the documents have no "changed since", so the cursor is only the
        time of the last completed listing (a mirror with a cursor has been downloaded once)."""
        participants = await self._list(PARTICIPANTS, "participant list", {"include": "contact"})
        records = await self._list(CHECK_INS, "check-in list", {})
        guests, malformed, late = mapper.listing_from(participants, records)  # sync logs the malformed ones
        server_time = self._clock.server_time if self._clock is not None else datetime.now(UTC)
        for start in range(0, max(1, len(guests)), PAGE_SIZE):
            last = start + PAGE_SIZE >= len(guests)
            yield PullPage(
                guests=guests[start : start + PAGE_SIZE],
                malformed=malformed if last else [],
                late_conflicts=late if last else [],
                last=last,
                cursor=format_time(server_time) if last else None,
                server_time=server_time if last else None,
                expected_count=len(guests),
            )

    async def push(self, changes: Sequence[Change], own: OwnChanges | None = None) -> PushReport:
        """Each change as a POST (check-in, check-out) or DELETE (undo), after reading back what is there.

        The POST is not idempotent: a change whose earlier POST landed (its answer lost) is found in the
        check-in list by the change id kiosk wrote into the record's notes, and adopted, not sent again.
        One change per participant a batch (the oldest): the read-back is what the next one is decided on.
        """
        if len(changes) > self.max_batch:
            raise ValueError(f"At most {self.max_batch} changes per upload, not {len(changes)}.")
        send = first_per_attendee(changes)
        if not send:
            return PushReport([], None)
        # An unreadable record cannot name a kiosk change: reading the rest is enough to adopt or not.
        records, _ = mapper.usable_records(await self._list(CHECK_INS, "check-in list", {}))
        presence = mapper.presence_by_participant(records)
        by_change = {r.change_id: r for r in records if r.change_id}
        answered = {c.change_id: await self._push_one(c, presence, by_change) for c in send}
        waiting = "Waits for the answer to an earlier change of the same participant."
        results = [answered.get(c.change_id) or PushResult(c.guest_id, PushOutcome.RETRY_LATER, message=waiting)
                   for c in changes]
        return PushReport(results, self._clock.server_time if self._clock else None)

    async def logout(self) -> None:
        return None

    async def aclose(self) -> None:
        await self._client.aclose()

    # --- one change

    async def _push_one(
        self, change: Change, presence: dict[int, mapper.Presence], by_change: dict[str, mapper.CheckInRecord]
    ) -> PushResult:
        try:
            participant = int(change.guest_id)
        except ValueError:
            return PushResult(change.guest_id, PushOutcome.REFUSED, message="Not a PlanDocket participant id.")
        if change.change_id in by_change:
            return PushResult(change.guest_id, PushOutcome.ALREADY_RECORDED)  # an earlier send landed: adopt it
        here = presence.get(participant, mapper.Presence())
        open_record = here.open_record()
        wants_in = change.check_in is not None and (change.check_out is None or change.check_out < change.check_in)
        if change.kind is ChangeKind.UNDO and not wants_in:
            return await self._undo_check_in(change, open_record)
        if wants_in:
            if open_record is not None:
                # Checked in already, at another station or desk: two doors let the same guest in.
                return await self._conflict(change, here)
            return await self._post(change, participant, "check_in")
        if open_record is None:
            return PushResult(change.guest_id, PushOutcome.ALREADY_RECORDED)  # out already: nothing to record
        return await self._post(change, participant, "check_out")

    async def _post(self, change: Change, participant: int, action: str) -> PushResult:
        body = {
            "event_key": self.event_key,
            "participant_id": participant,
            "action": action,
            "check_in_type": "manual" if change.manual else "scan",
            "station": self.station_name,
            "notes": f"{mapper.NOTE_PREFIX}{change.change_id}",
        }
        try:
            await self._request("POST", CHECK_INS, "check-in upload", json_body=body)
        except _Refused as refused:
            return PushResult(change.guest_id, PushOutcome.REFUSED, message=refused.message)
        return PushResult(change.guest_id, PushOutcome.ACCEPTED)

    async def _undo_check_in(self, change: Change, open_record: mapper.CheckInRecord | None) -> PushResult:
        # Only a check-in kiosk made can be taken back (its notes name a kiosk change); another desk's stays.
        if open_record is None or open_record.change_id is None:
            return PushResult(change.guest_id, PushOutcome.ALREADY_RECORDED)
        try:
            await self._request("DELETE", f"{CHECK_INS}/{open_record.id}", "undo")
        except _Refused as refused:
            if refused.status != 404:  # gone already: the undo is done
                return PushResult(change.guest_id, PushOutcome.REFUSED, message=refused.message)
        return PushResult(change.guest_id, PushOutcome.ACCEPTED)

    async def _conflict(self, change: Change, here: mapper.Presence) -> PushResult:
        try:
            doc = await self._request("GET", f"{PARTICIPANTS}/{change.guest_id}", "participant",
                                      params={"include": "contact"})
        except _Refused as refused:
            return PushResult(change.guest_id, PushOutcome.REFUSED, message=refused.message)
        try:
            winner = mapper.guest_from(doc.get("data"), here)
        except mapper.MalformedRecord as err:
            what = f"PlanDocket's participant {change.guest_id}"
            raise ProtocolError(f"{what} is not the documented shape: {err}") from None
        return PushResult(change.guest_id, PushOutcome.CONFLICT, guest=winner)

    # --- HTTP

    async def _list(self, path: str, what: str, params: dict[str, str]) -> list[Any]:
        doc = await self._request("GET", path, what, params={"event_key": self.event_key, **params})
        data = doc.get("data")
        if not isinstance(data, list):
            raise ProtocolError(f"PlanDocket's {what} has no list under 'data'.")
        return data

    async def _request(
        self,
        method: str,
        path: str,
        what: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        sent = datetime.now(UTC)
        try:
            response = await self._client.request(method, self.base_url + path, params=params, json=json_body)
        except httpx.HTTPError as exc:
            raise self._transport_failure(exc, what) from None
        self._note_clock(sent, response)
        status = response.status_code
        if status == 204:
            return {}
        raw = response.content[: MAX_ANSWER_BYTES + 1]
        if len(raw) > MAX_ANSWER_BYTES:
            raise ProtocolError(f"PlanDocket's answer to the {what} is larger than {MAX_ANSWER_BYTES} bytes.")
        doc = _json_object(raw)
        if 200 <= status < 300:
            if doc is None:
                raise RetryLater(f"PlanDocket's answer to the {what} was cut off or is not JSON.")
            return doc
        message = self._error_line(doc, status)
        if status in (408, 429) or status >= 500:
            raise RetryLater(f"PlanDocket is busy or failing (HTTP {status}) on the {what}: {message}",
                             retry_after(response.headers.get("Retry-After")))
        if status in (401, 403):
            raise AuthRefused(f"PlanDocket refused the API key ({message}); check it and its scopes "
                              "(participants, checkins).")
        if status == 404 and method == "GET" and path in (STATS, PARTICIPANTS, CHECK_INS):
            raise AuthRefused(f"PlanDocket does not know the event key {terminal_safe(self.event_key)} ({message}).")
        if 300 <= status < 400:
            raise Misconfigured(f"PlanDocket answered the {what} with a redirect (HTTP {status}); check the address.")
        if status in (404, 422):
            raise _Refused(status, message)
        raise ProtocolError(f"PlanDocket answered the {what} with HTTP {status}: {message}")

    def _error_line(self, doc: dict[str, Any] | None, status: int) -> str:
        """A 4xx/5xx body as one line: `error`, and for a 422 the first field named with its message."""
        if doc is None:
            return f"HTTP {status}"
        line = str(doc.get("error") or f"HTTP {status}")
        errors = doc.get("errors")
        if isinstance(errors, Mapping) and errors:
            field, messages = next(iter(errors.items()))
            first = messages[0] if isinstance(messages, list) and messages else messages
            line = f"{line} {field}: {first}"
        return terminal_safe(line.replace(self._api_key, "***"))[:300]

    def _transport_failure(self, exc: httpx.HTTPError, what: str) -> RemoteError:
        return transport_failure(exc, "PlanDocket", what, self._timeout)

    def _note_clock(self, sent: datetime, response: httpx.Response) -> None:
        sample = clock_from_date(sent, response)
        if sample is not None:
            self._clock = sample


class _Refused(Exception):
    """A 404 or 422 for one change: that change cannot be recorded (e.g. the participant is gone)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return doc if isinstance(doc, dict) else None

