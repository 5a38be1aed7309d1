"""What every connector's HTTP starts from: a checked base URL, a station's httpx client, TLS checks,
the server's clock from its Date header, and a failed request as one line of kiosk's error tree."""

from __future__ import annotations

import math
import ssl
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from kiosk.platforms.base import ClockSample, Misconfigured, RemoteError, RetryLater


def checked_base_url(base_url: str) -> str:
    """`base_url` without a trailing slash; ValueError unless it is an http(s) URL with a host."""
    try:
        url = httpx.URL(base_url.strip())
    except httpx.InvalidURL:
        url = httpx.URL("")
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"The server address must be an http:// or https:// URL, not {base_url!r}.")
    return str(url).rstrip("/")


def station_client(
    *,
    transport: httpx.AsyncBaseTransport | None,
    timeout: float,
    verify: bool | str,
    headers: Mapping[str, str] | None = None,
) -> httpx.AsyncClient:
    """A client as a door station needs it: no proxies from the environment, no redirects, HTTP/1.1."""
    return httpx.AsyncClient(
        transport=transport,
        timeout=timeout,
        verify=tls_context(verify),
        trust_env=False,
        http1=True,
        http2=False,
        # A redirect would carry the API key to wherever it points; the connectors refuse one instead.
        follow_redirects=False,
        headers={"Accept": "application/json", "User-Agent": "kiosk-check-in", **(headers or {})},
    )


def certificate_problem(exc: BaseException) -> bool:
    """Whether a failure is, somewhere down its chain of causes, a TLS certificate the station refused."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def tls_context(verify: bool | str) -> bool | ssl.SSLContext:
    """httpx's verify: True, False, or a context trusting the CA bundle at the given path."""
    if not isinstance(verify, str):
        return verify
    try:
        return ssl.create_default_context(cafile=verify)
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"Cannot use the CA certificate file {verify!r}: {exc}") from None


def clock_from_date(sent: datetime, response: httpx.Response) -> ClockSample | None:
    """The server's clock as its HTTP Date header gives it (to the second), or None without a usable one."""
    date = response.headers.get("Date")
    if not date:
        return None
    try:
        server_time = parsedate_to_datetime(date)
    except (TypeError, ValueError):
        return None
    if server_time.tzinfo is None:
        return None
    return ClockSample(sent=sent, received=datetime.now(UTC), server_time=server_time)


def transport_failure(exc: httpx.HTTPError, platform: str, what: str, timeout: float) -> RemoteError:
    """A request that got no answer, as staff should read it: an untrusted certificate will not heal by
    itself (Misconfigured); a timeout or a broken connection will (RetryLater)."""
    if certificate_problem(exc):
        return Misconfigured(f"{platform}'s TLS certificate is not trusted; install its CA certificate "
                             "or correct the server address.")
    if isinstance(exc, httpx.TimeoutException):
        return RetryLater(f"{platform} did not answer the {what} within {timeout:g} s.")
    return RetryLater(f"Could not reach {platform} for the {what} ({type(exc).__name__}).")


def retry_after(value: object) -> float | None:
    """Seconds from a `Retry-After` header (or a body's `retry_after`); None unless a sane number of seconds
    (0 to an hour: an HTTP date, NaN or a bool is not)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return seconds if math.isfinite(seconds) and 0 <= seconds <= 3600 else None
