"""Which server addresses a station may talk to: https anywhere, plain http only on loopback or a private LAN."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from kiosk.platforms.base import Misconfigured


def check_server_url(url: str, *, resolve: bool = True) -> str | None:
    """Refuse an address that would send the API key and guest data in clear over the internet.

    Returns a warning for staff when plain http goes over a private LAN, else None (https, loopback).
    Raises Misconfigured with one line that says what to change.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Misconfigured(f"{url!r} is not a server address: it must look like https://checkin.example.org")
    if parts.scheme == "https":
        return None
    if _is_loopback(parts.hostname):
        return None  # never leaves this machine
    if not _is_local(parts.hostname, resolve):
        raise Misconfigured(
            f"Plain http to {parts.hostname} would send the API key and guest data unencrypted over the "
            "internet; use https (plain http is accepted only for loopback and private LAN addresses)."
        )
    return (f"The connection to {parts.hostname} is not encrypted (plain http); "
            "that is acceptable only on a trusted local network.")


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_local(host: str, resolve: bool) -> bool:
    try:
        return _private(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not resolve:
        return False
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        # A name that does not resolve now cannot be shown to be local: refuse rather than guess.
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(_private(ipaddress.ip_address(str(a).split("%")[0])) for a in addresses)


def _private(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_loopback or address.is_private or address.is_link_local
