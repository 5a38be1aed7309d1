"""The v1 wire format besides guest objects: error envelopes, the upload body and its results, Retry-After."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.domain.models import Change, PushOutcome, PushResult
from kiosk.domain.timeutil import format_time
from kiosk.platforms.base import EventInfo
from kiosk.platforms.invitario.mapper import json_kind, parse_guest

log = logging.getLogger(__name__)

CODE_INVALID_JSON = 10
CODE_MISSING_PARAMETER = 20
CODE_INVALID_SESSION = 30
CODE_EVENT_UNKNOWN = 1000
CODE_API_KEY_INCORRECT = 1010
CODE_GUEST_UNKNOWN = 2000

MAX_MESSAGE_CHARS = 200
MAX_TOKEN_CHARS = 4096


class WireError(ValueError):
    """A response that is JSON but not the documented shape; the text says what was wrong."""


@dataclass(frozen=True)
class ApiError:
    """One entry of an error envelope's "errors" list."""

    code: int | None
    message: str


def envelope_errors(doc: dict[str, Any], secret: str = "") -> list[ApiError]:
    """The usable entries of an error envelope; entries that are not {code, message} objects are skipped."""
    errors = doc.get("errors")
    found: list[ApiError] = []
    if not isinstance(errors, list):
        return found
    for entry in errors:
        if not isinstance(entry, dict):
            continue
        code = entry.get("code")
        if isinstance(code, bool) or not isinstance(code, int):
            code = None
        found.append(ApiError(code, one_line(entry.get("message"), secret)))
    return found


def one_line(text: object, secret: str = "") -> str:
    """A server-supplied message made safe to show: one short line, without the secret if it echoes it."""
    if not isinstance(text, str):
        return ""
    if secret:
        text = text.replace(secret, "***")
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in text[: MAX_MESSAGE_CHARS * 4]).split())
    return flat if len(flat) <= MAX_MESSAGE_CHARS else flat[: MAX_MESSAGE_CHARS - 1] + "…"


def describe(error: ApiError | None) -> str:
    """'code 20: Required parameter(s) missing: x' for messages; the code alone if no message."""
    if error is None:
        return "no error code given"
    code = "no code" if error.code is None else f"code {error.code}"
    return f"{code}: {error.message}" if error.message else code


def login_answer(doc: dict[str, Any], event_id: str, station_name: str) -> tuple[str, EventInfo]:
    """The session token and the event from a successful login; the event's parts are optional."""
    token = doc.get("sessionToken")
    if not isinstance(token, str) or not token.strip() or len(token) > MAX_TOKEN_CHARS:
        raise WireError("no usable sessionToken")
    event = doc.get("event")
    if not isinstance(event, dict):
        event = {}
    station = doc.get("stationName")
    info = EventInfo(
        event_id=_text(event.get("id")) or event_id,
        name=_text(event.get("name")),
        company=_text(event.get("company")),
        station_name=one_line(station) if isinstance(station, str) else station_name,
    )
    return token, info


def _text(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return one_line(value)


def change_item(change: Change) -> dict[str, str | None]:
    """One entry of the upload body: the guest's whole presence state and when the station set it."""
    return {
        "id": change.guest_id,
        "checkInDateTime": format_time(change.check_in),
        "checkOutDateTime": format_time(change.check_out),
        "clientUpdateDateTime": format_time(change.client_update),
    }


# guest/update's outcomes (docs/platforms/invitario.md): "superseded" means the stored guest has a newer
# clientUpdateDateTime, which is another station's change unless the connector finds it is this station's own.
OUTCOMES = {"applied": PushOutcome.ACCEPTED, "superseded": PushOutcome.CONFLICT, "unknown": PushOutcome.REFUSED}


def parse_results(results: object, changes: Sequence[Change]) -> list[PushResult]:
    """Pair the server's results with the pushed changes; WireError unless one per change, in order."""
    if not isinstance(results, list):
        raise WireError(f"the upload answer's results is {json_kind(results)}, not a list")
    if len(results) != len(changes):
        raise WireError(f"the upload answer has {len(results)} results for {len(changes)} changes")
    pairs = zip(results, changes, strict=True)
    return [_result(position, entry, change) for position, (entry, change) in enumerate(pairs)]


def _result(position: int, entry: object, change: Change) -> PushResult:
    if not isinstance(entry, dict):
        raise WireError(f"upload result {position + 1} is {json_kind(entry)}, not an object")
    if entry.get("id") != change.guest_id:
        raise WireError(
            f"upload result {position + 1} is not for guest {change.guest_id}: results out of order"
        )
    outcome = OUTCOMES.get(str(entry.get("outcome")))
    if outcome is None:
        raise WireError(f"upload result {position + 1} has an unknown outcome")
    guest = None
    if entry.get("guest") is not None:
        try:
            guest = parse_guest(entry["guest"])
        except ValueError as exc:
            log.warning("upload result for guest %s: stored guest skipped: %s", change.guest_id, exc)
    return PushResult(change.guest_id, outcome, guest, _result_message(outcome, entry.get("error")))


def _result_message(outcome: PushOutcome, error: object) -> str:
    detail = envelope_errors({"errors": [error]})
    if detail:
        return describe(detail[0])
    if outcome is PushOutcome.REFUSED:
        return f"code {CODE_GUEST_UNKNOWN}: Guest not known."
    return ""


def retry_after(header: str | None) -> float | None:
    """Seconds from a numeric Retry-After header; None when absent or not a sane number."""
    if header is None:
        return None
    try:
        seconds = float(header.strip())
    except ValueError:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds
