"""HTTP plumbing of the Invitario connector: answers, statuses and transport failures into typed errors."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, NoReturn

import httpx

from kiosk.platforms.base import AuthRefused, Misconfigured, ProtocolError, RemoteError, RetryLater
from kiosk.platforms.invitario import wire
from kiosk.platforms.web import certificate_problem

# A 500-guest upload answer is well under a megabyte; error pages are smaller still.
MAX_ANSWER_BYTES = 64 * 1024 * 1024
MAX_ERROR_BYTES = 1024 * 1024
# "\ud800" alone is valid JSON but not Unicode: neither SQLite nor httpx can encode what json.loads
# makes of it. Where this finds nothing (nearly always), there is nothing to mend.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class SessionRefused(Exception):
    """Code 30: the connector's signal to log in again; callers see SessionExpired only if that fails too."""


@dataclass(frozen=True)
class Context:
    """What error messages may name about the request: never the API key itself."""

    what: str
    event_id: str
    api_key: str
    timeout: float


def decode_answer(raw: bytes, ctx: Context) -> dict[str, Any]:
    """A 200 answer of a small request: the document if its status is success, else the mapped error."""
    try:
        doc = json.loads(raw)
        if _SURROGATE_ESCAPE.search(raw):
            doc = _mend_surrogates(doc)
    except ValueError:
        raise RetryLater(
            f"The server's answer to the {ctx.what} request was cut off or is not JSON."
        ) from None
    except RecursionError:
        raise ProtocolError(f"The server's answer to the {ctx.what} request is nested too deeply.") from None
    if not isinstance(doc, dict):
        raise ProtocolError(f"The server's answer to the {ctx.what} request is not a JSON object.")
    status = doc.get("status")
    if status == "success":
        return doc
    if status == "error":
        raise envelope_failure(doc, ctx)
    raise ProtocolError(f"The server's answer to the {ctx.what} request has no status 'success' or 'error'.")


def _mend_surrogates(value: Any) -> Any:
    """The value with every lone surrogate read as '?', as the streaming guest-list parser reads it."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_mend_surrogates(k): _mend_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mend_surrogates(v) for v in value]
    return value


async def refuse(response: httpx.Response, ctx: Context) -> NoReturn:
    """Raise the error a non-200 answer means."""
    status = response.status_code
    if status in (408, 429) or status >= 500:
        retry = wire.retry_after(response.headers.get("Retry-After")) if status in (429, 503) else None
        raise RetryLater(f"The server is busy or failing (HTTP {status}) on the {ctx.what} request.", retry)
    if 400 <= status < 500:
        raw = await read_capped(response, MAX_ERROR_BYTES, ctx)
        try:
            doc = json.loads(raw)
        except (ValueError, RecursionError):
            doc = None
        if isinstance(doc, dict) and doc.get("status") == "error" and wire.envelope_errors(doc):
            raise envelope_failure(doc, ctx)
    where = f" to {wire.one_line(response.headers.get('Location'))}" if 300 <= status < 400 else ""
    # A redirect or "not found" means the address is wrong, not that the server misbehaves.
    error = Misconfigured if 300 <= status < 400 or status == 404 else ProtocolError
    raise error(
        f"The server answered the {ctx.what} request with HTTP {status}{where}; check the server address."
    )


def envelope_failure(doc: dict[str, Any], ctx: Context) -> Exception:
    """The error an {"status": "error", "errors": [...]} envelope means (SessionRefused for code 30)."""
    errors = wire.envelope_errors(doc, ctx.api_key)
    if any(error.code == wire.CODE_INVALID_SESSION for error in errors):
        return SessionRefused()
    event = wire.one_line(ctx.event_id, ctx.api_key)
    for error in errors:
        if error.code == wire.CODE_EVENT_UNKNOWN:
            return AuthRefused(f"The server does not know event {event} ({wire.describe(error)})", error.code)
        if error.code == wire.CODE_API_KEY_INCORRECT:
            return AuthRefused(
                f"The server refused the API key for event {event} ({wire.describe(error)})", error.code
            )
    first = errors[0] if errors else None
    return ProtocolError(
        f"The server rejected the {ctx.what} request ({wire.describe(first)})", first.code if first else None
    )


def transport_failure(exc: httpx.HTTPError, ctx: Context, answered: bool) -> RemoteError:
    """The error an httpx failure means; `answered` once the response headers had arrived."""
    detail = wire.one_line(str(exc), ctx.api_key)
    if certificate_problem(exc):
        return Misconfigured(
            f"The server's TLS certificate is not trusted ({detail}); "
            "install its CA certificate or correct the server address."
        )
    if isinstance(exc, httpx.TimeoutException):
        return RetryLater(f"The server did not answer the {ctx.what} request within {ctx.timeout:g} s.")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
        return ProtocolError(f"The {ctx.what} request could not be sent: {detail}")
    if answered:
        return RetryLater(
            f"The server's answer to the {ctx.what} request was cut off ({type(exc).__name__})."
        )
    return RetryLater(
        f"Could not reach the server for the {ctx.what} request ({type(exc).__name__}: {detail})."
    )


async def read_capped(response: httpx.Response, limit: int, ctx: Context) -> bytes:
    """The whole body of a small answer; ProtocolError rather than unbounded memory if it is not small."""
    body = bytearray()
    async for data in response.aiter_bytes():
        body += data
        if len(body) > limit:
            raise ProtocolError(
                f"The server's answer to the {ctx.what} request is larger than {limit} bytes."
            )
    return bytes(body)
