"""The pretix connector: orders, check-in lists and the check-in RPC, the only code that knows pretix's HTTP API."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from kiosk.domain.models import Change, ChangeKind, Guest, PushOutcome, PushResult
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
    first_per_attendee,
)
from kiosk.platforms.pretix import mapper
from kiosk.platforms.records import MalformedRecord
from kiosk.platforms.web import checked_base_url, clock_from_date, retry_after, station_client, transport_failure

log = logging.getLogger(__name__)

# pretix's largest page (api/pagination.py: max_page_size = 50).
PAGE_SIZE = 50
# Checkin.nonce is a CharField(max_length=190); kiosk's change ids are uuid4s (36), far below.
NONCE_MAX = 190
MAX_ANSWER_BYTES = 64 * 1024 * 1024
# Refusals of a redeem that mean another door already let this ticket in (no re-entry on this list).
ALREADY_IN = "already_redeemed"


class PretixConnector:
    """Connector for pretix (see the package docstring for the contract and the choices made)."""

    # One redeem (or annul) per change; a batch is a station's queue after a short outage.
    max_batch = 50

    def __init__(
        self,
        base_url: str,
        event_id: str,
        api_key: str,
        station_name: str,
        *,
        checkin_list: str = "",
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
        verify: bool | str = True,
    ) -> None:
        url = checked_base_url(base_url)
        organizer, slash, event = event_id.strip().partition("/")
        if not slash or not organizer.strip() or not event.strip() or "/" in event:
            raise ValueError(f"A pretix event is ORGANIZER/EVENT (the two short names in its address), "
                             f"not {event_id!r}.")
        if not api_key:
            raise ValueError("The API key is empty.")
        self.base_url = url
        self.organizer, self.event = organizer.strip(), event.strip()
        self.station_name = station_name
        self.checkin_list = checkin_list.strip()
        self._api_key = api_key
        self._timeout = timeout
        self._clock: ClockSample | None = None
        self._client = station_client(transport=transport, timeout=timeout, verify=verify,
                                      headers={"Authorization": f"Token {api_key}"})
        self._list: mapper.CheckinList | None = None
        self._products: dict[int, str] = {}
        # Position id -> secret, from every listing: redeem takes the secret, the mirror keys guests by id.
        self._secrets: dict[int, str] = {}

    @property
    def last_clock_sample(self) -> ClockSample | None:
        return self._clock

    @property
    def _org(self) -> str:
        return f"/api/v1/organizers/{self.organizer}"

    @property
    def _ev(self) -> str:
        return f"{self._org}/events/{self.event}"

    # --- the protocol

    async def login(self) -> EventInfo:
        """pretix has no session: read the event (a wrong token or event is told apart here), then its
        check-in lists, and settle on the station's list (ChoiceNeeded naming them when it is unclear)."""
        event = await self._request("GET", f"{self._ev}/", "event")
        await self._settle_list()
        assert self._list is not None
        name = mapper.i18n(event.get("name"))
        return EventInfo(event_id=f"{self.organizer}/{self.event}", name=f"{name} ({self._list.name})" if name
                         else self._list.name, station_name=self.station_name)

    async def pull(self, cursor: str | None) -> AsyncIterator[PullPage]:
        """Orders changed since the cursor (all of them without one), 50 a page, following `next`.

        The cursor is the X-Page-Generated header of the first page: pretix's clock before it read the
        orders, so an order changed while the pages are read is listed again next time, never missed.
        """
        await self._settle_list()
        assert self._list is not None
        params: dict[str, str] = {"page_size": str(PAGE_SIZE), "include_canceled_positions": "true",
                                  "ordering": "datetime"}
        if cursor:
            params["modified_since"] = cursor
        url: str | None = self.base_url + f"{self._ev}/orders/"
        generated: str | None = None
        first = True
        while url is not None:
            response = await self._get(url, "order list", params if first else None)
            if first:
                generated = response.headers.get("X-Page-Generated")
                first = False
            doc = _json_object(response.content)
            if doc is None or not isinstance(doc.get("results"), list):
                raise ProtocolError("pretix's order list has no 'results' list.")
            guests, malformed = mapper.guests_of_orders(doc["results"], self._list, self._products)
            for guest in guests:
                if guest.access_code:
                    self._secrets[int(guest.id)] = guest.access_code
            url = self._next_url(doc.get("next"))
            last = url is None
            server_time = self._clock.server_time if self._clock else datetime.now(UTC)
            yield PullPage(guests=guests, malformed=malformed, last=last,
                           cursor=(generated or format_time(server_time)) if last else None,
                           server_time=server_time if last else None,
                           expected_count=doc.get("count") if isinstance(doc.get("count"), int) else None)

    async def push(self, changes: Sequence[Change], own: OwnChanges | None = None) -> PushReport:
        """Each change as one redeem (check-in, check-out) or annul (undo), its change id the nonce.

        pretix stores a redeem whose nonce it has seen before only once (it answers `ok` again), so a
        resend after a lost answer is harmless. One change per attendee a batch (the oldest).
        """
        if len(changes) > self.max_batch:
            raise ValueError(f"At most {self.max_batch} changes per upload, not {len(changes)}.")
        send = first_per_attendee(changes)
        if not send:
            return PushReport([], None)
        await self._settle_list()
        answered: dict[str, PushResult] = {}
        for change in send:
            answered[change.change_id] = await self._push_one(change, own)
        waiting = "Waits for the answer to an earlier change of the same attendee."
        results = [answered.get(c.change_id) or PushResult(c.guest_id, PushOutcome.RETRY_LATER, message=waiting)
                   for c in changes]
        return PushReport(results, self._clock.server_time if self._clock else None)

    async def logout(self) -> None:
        return None

    async def aclose(self) -> None:
        await self._client.aclose()

    async def list_status(self) -> tuple[int, int]:
        """(inside, positions) as pretix counts them for the station's list (`checkinlists/{id}/status/`).

        pretix counts positions (paid ones, and pending ones on a list that includes them), not check-ins.
        """
        await self._settle_list()
        assert self._list is not None
        doc = await self._request("GET", f"{self._ev}/checkinlists/{self._list.id}/status/", "list status")
        inside, total = doc.get("inside_count"), doc.get("position_count")
        if not isinstance(inside, int) or not isinstance(total, int):
            raise ProtocolError("pretix's list status has no inside_count and position_count.")
        return inside, total

    async def admissible_count(self) -> int:
        """How many may enter at this door: the list's positions as pretix counts them (base.CountsAdmissible)."""
        return (await self.list_status())[1]

    # --- the list and the products

    async def _settle_list(self) -> None:
        if self._list is not None:
            return
        lists = [mapper.checkin_list(raw) for raw in await self._all(f"{self._ev}/checkinlists/", "check-in lists")]
        offered = "; ".join(f"{lst.id} ({terminal_safe(lst.name)})" for lst in lists)
        if self.checkin_list:
            chosen = [lst for lst in lists if str(lst.id) == self.checkin_list]
            if not chosen:
                raise ChoiceNeeded(f"pretix's event {self.organizer}/{self.event} has no check-in list "
                                   f"{terminal_safe(self.checkin_list)}; choose one with --checkin-list: {offered}.",
                                   _list_choices(lists))
        elif len(lists) == 1:
            chosen = lists
        elif not lists:
            raise Misconfigured(f"pretix's event {self.organizer}/{self.event} has no check-in list; "
                                "create one in pretix first.")
        else:
            raise ChoiceNeeded(f"pretix's event {self.organizer}/{self.event} has {len(lists)} check-in lists; "
                               f"choose one with --checkin-list: {offered}.", _list_choices(lists))
        items = await self._all(f"{self._ev}/items/", "product list")
        self._products = {raw["id"]: mapper.i18n(raw.get("name")) for raw in items
                          if isinstance(raw, Mapping) and isinstance(raw.get("id"), int)}
        self._list = chosen[0]

    async def _all(self, path: str, what: str) -> list[Any]:
        """Every result of a paged list endpoint."""
        found: list[Any] = []
        url: str | None = self.base_url + path
        params: dict[str, str] | None = {"page_size": str(PAGE_SIZE)}
        while url is not None:
            doc = _json_object((await self._get(url, what, params)).content)
            if doc is None or not isinstance(doc.get("results"), list):
                raise ProtocolError(f"pretix's {what} has no 'results' list.")
            found.extend(doc["results"])
            url, params = self._next_url(doc.get("next")), None
        return found

    def _next_url(self, link: object) -> str | None:
        """pretix's `next` link, only if it points at the same server (a link elsewhere would carry the token)."""
        if not link:
            return None
        if not isinstance(link, str):
            raise ProtocolError("pretix's 'next' link is not a string.")
        target, ours = httpx.URL(link), httpx.URL(self.base_url)
        if (target.scheme, target.host, target.port) != (ours.scheme, ours.host, ours.port):
            # pretix builds the link from its configured URL; behind a proxy it may name another host.
            target = ours.copy_with(path=target.path, query=target.query)
        return str(target)

    # --- one change

    async def _push_one(self, change: Change, own: OwnChanges | None) -> PushResult:
        try:
            position = int(change.guest_id)
        except ValueError:
            return PushResult(change.guest_id, PushOutcome.REFUSED, message="Not a pretix position id.")
        if len(change.change_id) > NONCE_MAX:
            return PushResult(change.guest_id, PushOutcome.REFUSED, message="The change id is too long for a nonce.")
        if change.kind is ChangeKind.UNDO:
            return await self._annul(change, own)
        secret = await self._secret_of(position)
        if secret is None:
            return PushResult(change.guest_id, PushOutcome.REFUSED, message="pretix does not know this ticket.")
        wants_in = change.check_in is not None and (change.check_out is None or change.check_out < change.check_in)
        when = change.check_in if wants_in else change.check_out
        return await self._redeem(change, secret, "entry" if wants_in else "exit", when or change.client_update)

    async def _redeem(self, change: Change, secret: str, kind: str, when: datetime) -> PushResult:
        assert self._list is not None
        body: dict[str, Any] = {
            "secret": secret, "lists": [self._list.id], "type": kind, "datetime": format_time(when),
            # The change id: pretix keeps one check-in per nonce, so a resend after a lost answer is answered
            # `ok` and stores nothing new (checked against pretix 2026.8.0, forced or not).
            "nonce": change.change_id,
            "source_type": "barcode", "questions_supported": False,
        }
        doc = await self._request("POST", f"{self._org}/checkinrpc/redeem/", "check-in upload", json_body=body,
                                  refusals=(400, 404))
        status, reason = doc.get("status"), str(doc.get("reason") or "")
        if status == "ok":
            return PushResult(change.guest_id, PushOutcome.ACCEPTED)
        if reason == ALREADY_IN:
            # Another door (or pretixSCAN) let this ticket in first, and the list allows no second entry:
            # shown to staff, nothing stored.
            winner = await self._winner(doc.get("position"), change.guest_id)
            return PushResult(change.guest_id, PushOutcome.CONFLICT, guest=winner,
                              message="pretix has this ticket checked in already (another device).")
        if reason == "invalid" or status not in ("error", "incomplete"):
            return PushResult(change.guest_id, PushOutcome.REFUSED, message=self._reason_line(doc))
        # pretix refuses what this door decided from its copy (unpaid, canceled, product, rules...): the
        # person went in or out on that decision, so it is recorded forced, as pretixSCAN does with scans
        # decided offline. The door itself never queues a scan it refused, so nothing it refused is forced.
        body["force"] = True
        forced = await self._request("POST", f"{self._org}/checkinrpc/redeem/", "check-in upload",
                                     json_body=body, refusals=(400, 404))
        if forced.get("status") == "ok":
            log.warning("pretix refused %s of position %s (%s); recorded forced, as decided at the door",
                        kind, change.guest_id, reason)
            return PushResult(change.guest_id, PushOutcome.ACCEPTED, message=f"Recorded forced: {reason}.")
        return PushResult(change.guest_id, PushOutcome.REFUSED, message=self._reason_line(forced))

    async def _annul(self, change: Change, own: OwnChanges | None) -> PushResult:
        """Undo: annul the check-in (or check-out) this station uploaded last for the attendee, by its nonce."""
        assert self._list is not None
        earlier = [c for c in (await own(change.guest_id) if own is not None else [])
                   if c.kind is not ChangeKind.UNDO and c.client_update < change.client_update]
        if not earlier:
            return PushResult(change.guest_id, PushOutcome.REFUSED,
                              message="No check-in of this station to take back in pretix.")
        body = {"nonce": earlier[-1].change_id, "lists": [self._list.id], "datetime": format_time(change.client_update)}
        doc = await self._request("POST", f"{self._org}/checkinrpc/annul/", "undo", json_body=body, refusals=(400, 404))
        if doc.get("status") == "ok":
            return PushResult(change.guest_id, PushOutcome.ACCEPTED)
        line = self._reason_line(doc)
        if "unsuccessful" in line:
            # Annulled already: an earlier send of this undo landed and its answer was lost.
            return PushResult(change.guest_id, PushOutcome.ALREADY_RECORDED)
        return PushResult(change.guest_id, PushOutcome.REFUSED, message=line)

    async def _secret_of(self, position: int) -> str | None:
        """The secret of a position: from the last listing, else asked (a station's first push after a
        restart comes before its first pull)."""
        known = self._secrets.get(position)
        if known is not None:
            return known
        doc = await self._request("GET", f"{self._ev}/orderpositions/{position}/", "ticket",
                                  params={"include_canceled_positions": "true"}, refusals=(404,))
        secret = doc.get("secret")
        if not isinstance(secret, str) or not secret:
            return None
        self._secrets[position] = secret
        return secret

    async def _winner(self, raw: object, guest_id: str) -> Guest | None:
        """The attendee as pretix has them: the redeem answer's position (with its order's status), and its
        check-ins read back (the answer's `checkins` are empty on 2026.8.0)."""
        assert self._list is not None
        if not isinstance(raw, Mapping):
            return None
        stored = await self._request("GET", f"{self._ev}/orderpositions/{guest_id}/", "ticket", refusals=(404,))
        try:
            guest = mapper.guest_from({**raw, "checkins": stored.get("checkins", [])}, {}, self._list,
                                      self._products)
        except MalformedRecord:
            return None
        return guest if guest.id == guest_id else None

    # --- HTTP

    async def _get(self, url: str, what: str, params: Mapping[str, str] | None) -> httpx.Response:
        sent = datetime.now(UTC)
        try:
            response = await self._client.get(url, params=params)
        except httpx.HTTPError as exc:
            raise transport_failure(exc, "pretix", what, self._timeout) from None
        self._note_clock(sent, response)
        if response.status_code != 200:
            self._raise_for(response, what, _json_object(response.content))
        if len(response.content) > MAX_ANSWER_BYTES:
            raise ProtocolError(f"pretix's answer to the {what} is larger than {MAX_ANSWER_BYTES} bytes.")
        return response

    async def _request(
        self,
        method: str,
        path: str,
        what: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Mapping[str, Any] | None = None,
        refusals: tuple[int, ...] = (),
    ) -> dict[str, Any]:
        """A JSON object from pretix; an answer with a status in `refusals` is returned for the caller to read."""
        sent = datetime.now(UTC)
        try:
            response = await self._client.request(method, self.base_url + path, params=params, json=json_body)
        except httpx.HTTPError as exc:
            raise transport_failure(exc, "pretix", what, self._timeout) from None
        self._note_clock(sent, response)
        doc = _json_object(response.content[: MAX_ANSWER_BYTES + 1])
        status = response.status_code
        if 200 <= status < 300 or status in refusals:
            if doc is None:
                if status in refusals:
                    return {"status": "error", "reason": "invalid", "detail": f"HTTP {status}"}
                raise RetryLater(f"pretix's answer to the {what} was cut off or is not JSON.")
            return doc
        self._raise_for(response, what, doc)
        raise AssertionError("unreachable")

    def _raise_for(self, response: httpx.Response, what: str, doc: dict[str, Any] | None) -> None:
        status = response.status_code
        line = self._reason_line(doc) if doc is not None else f"HTTP {status}"
        if status in (408, 409, 423, 429) or status >= 500:
            raise RetryLater(f"pretix is busy or failing (HTTP {status}) on the {what}: {line}",
                             retry_after(response.headers.get("Retry-After")))
        if status in (403, 404) and what in ("event", "check-in lists"):
            # pretix answers 403, not 404, for an event it does not have (the permission check comes first).
            raise AuthRefused(f"pretix does not know the event {terminal_safe(self.organizer)}/"
                              f"{terminal_safe(self.event)}, or the token's team may not see it ({line}).")
        if status in (401, 403):
            raise AuthRefused(f"pretix refused the API token ({line}); check it and its team's permissions "
                              "for this event (orders, check-in).")
        if 300 <= status < 400:
            raise Misconfigured(f"pretix answered the {what} with a redirect (HTTP {status}); check the address.")
        if status == 404:
            raise Misconfigured(f"pretix answered the {what} with 404; check the server address.")
        raise ProtocolError(f"pretix answered the {what} with HTTP {status}: {line}")

    def _reason_line(self, doc: Mapping[str, Any]) -> str:
        """An answer's reason as one line: `reason` and `reason_explanation`, `detail`, or the first field error."""
        parts = [str(doc[k]) for k in ("reason", "reason_explanation", "detail") if doc.get(k)]
        if not parts:
            for key, value in doc.items():
                if key in ("status", "position", "list", "checkin_texts", "require_attention"):
                    continue
                first = value[0] if isinstance(value, list) and value else value
                parts.append(f"{key}: {first}")
                break
        line = " — ".join(parts) or "no reason given"
        return terminal_safe(line.replace(self._api_key, "***"))[:300]

    def _note_clock(self, sent: datetime, response: httpx.Response) -> None:
        sample = clock_from_date(sent, response)
        if sample is not None:
            self._clock = sample


def _json_object(raw: bytes) -> dict[str, Any] | None:
    """A JSON object; a bare list of messages (how pretix answers a ValidationError raised without a field,
    e.g. "Cannot annul an unsuccessful checkin") as {"non_field_errors": [...]}."""
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if isinstance(doc, list) and all(isinstance(m, str) for m in doc):
        return {"non_field_errors": doc}
    return doc if isinstance(doc, dict) else None



def _list_choices(lists: Sequence[mapper.CheckinList]) -> list[Choice]:
    """The event's check-in lists for staff to pick from (the setup dialog)."""
    return [Choice(str(lst.id), terminal_safe(lst.name) or str(lst.id)) for lst in lists]
