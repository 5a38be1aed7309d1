"""What every connector's HTTP starts from: a checked base URL and a station's httpx client."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from kiosk.remote.invitario_http import tls_context


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
