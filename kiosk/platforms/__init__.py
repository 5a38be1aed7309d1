"""One package per event platform: its connector, its mapper, its emulator, and its contract.

This module is the registry: which platforms kiosk knows, what each can do (`Capabilities`), and which of
them kiosk can already talk to. The composition root (`kiosk.app`) asks it for a station's connector; the
command line asks it which names are valid. Each platform's own package (or, for Invitario today,
`kiosk.platforms.invitario`) is the only code that knows that platform's HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.platforms.base import Capabilities, Connector, Listing, Uploads

DEFAULT_PLATFORM = "invitario"

# Builds a connector: (server URL, event id, API key, station name, TLS verify, connector options).
ConnectorFactory = Callable[..., Connector]


class UnknownPlatform(ValueError):
    """A platform name kiosk does not know, or one it has no connector for yet; one line for people."""


@dataclass(frozen=True)
class Platform:
    name: str
    title: str
    # The platform's API document, as restated in docs/platforms/.
    document: str
    capabilities: Capabilities
    # None: the contract is written down (docs/platforms/) but kiosk cannot talk to it yet.
    connector: ConnectorFactory | None = None
    # The shortest pull interval that keeps a station within the platform's request budget.
    min_pull_interval_s: float = 1.0
    # The guest field a badge's code is looked up in, unless the station says otherwise.
    badge_field: str = "externalId"
    # A station serves one of the event's sessions (StationConfig.session, `kiosk configure --session`).
    needs_session: bool = False
    # A station serves one of the event's check-in lists (StationConfig.checkin_list, `--checkin-list`).
    needs_checkin_list: bool = False
    # The guest fields the verdict screen shows, unless the station says otherwise (None: the station's default).
    display_fields: tuple[str, ...] | None = None

    @property
    def usable(self) -> bool:
        return self.connector is not None


def _invitario(server_url: str, event_id: str, api_key: str, station: str, **options: Any) -> Connector:
    from kiosk.platforms.invitario.connector import InvitarioConnector

    return InvitarioConnector(server_url, event_id, api_key, station, **options)


def _plandocket(server_url: str, event_id: str, api_key: str, station: str, **options: Any) -> Connector:
    from kiosk.platforms.plandocket.connector import PlanDocketConnector

    return PlanDocketConnector(server_url, event_id, api_key, station, **options)


def _webkasa(server_url: str, event_id: str, api_key: str, station: str, **options: Any) -> Connector:
    from kiosk.platforms.webkasa.connector import WebkasaConnector

    return WebkasaConnector(server_url, event_id, api_key, station, **options)


def _conferences_io(server_url: str, event_id: str, api_key: str, station: str, **options: Any) -> Connector:
    from kiosk.platforms.conferences_io.connector import ConferencesIoConnector

    return ConferencesIoConnector(server_url, event_id, api_key, station, **options)


def _pretix(server_url: str, event_id: str, api_key: str, station: str, **options: Any) -> Connector:
    from kiosk.platforms.pretix.connector import PretixConnector

    return PretixConnector(server_url, event_id, api_key, station, **options)


PLATFORMS: dict[str, Platform] = {
    p.name: p
    for p in (
        Platform(
            "invitario",
            "Invitario (v1 guest API)",
            "docs/platforms/invitario.md",
            Capabilities(Listing.INCREMENTAL, Uploads.SERVER, check_out=True, undo=True),
            _invitario,
        ),
        Platform(
            "plandocket",
            "PlanDocket",
            "docs/platforms/plandocket.md",
            Capabilities(Listing.FULL, Uploads.SERVER, check_out=True, undo=True),
            _plandocket,
            min_pull_interval_s=30.0,
            badge_field="customerNumber",
        ),
        Platform(
            "webkasa",
            "Webkasa",
            "docs/platforms/webkasa.md",
            Capabilities(Listing.FULL, Uploads.STATION_ONLY, check_out=False, undo=False),
            _webkasa,
            # Every pull is the whole event (a request per page): the connector's pacer keeps any pull under
            # the rate limit; a pull every 30 s keeps a big event's listings from following each other
            # back to back.
            min_pull_interval_s=30.0,
        ),
        Platform(
            "conferences-io",
            "Conferences i/o",
            "docs/platforms/conferences-io.md",
            # No endpoint records a check-in or a check-out: both stay on the station (the package docstring).
            Capabilities(Listing.FULL, Uploads.STATION_ONLY, check_out=False, undo=False),
            _conferences_io,
            # Every pull is the whole session in one answer (plus the app's labels): every 30 s at most.
            min_pull_interval_s=30.0,
            needs_session=True,
        ),
        Platform(
            "pretix",
            "pretix",
            "kiosk/platforms/pretix/__init__.py",
            # Orders changed since the cursor; redeem/annul through the check-in RPC (the package docstring).
            Capabilities(Listing.INCREMENTAL, Uploads.SERVER, check_out=True, undo=True),
            _pretix,
            min_pull_interval_s=5.0,
            needs_checkin_list=True,
            # The product: a ticket for another product is refused with its name on the screen.
            display_fields=("product",),
        ),
    )
}


def usable_names() -> list[str]:
    """The platforms a station can be configured for today."""
    return [name for name, p in PLATFORMS.items() if p.usable]


def platform_named(name: str) -> Platform:
    """The usable platform called `name`; UnknownPlatform with one line naming the usable ones otherwise."""
    known = ", ".join(usable_names())
    platform = PLATFORMS.get(name)
    if platform is None:
        raise UnknownPlatform(f"kiosk does not know the platform {name!r}; it knows: {known}.")
    if not platform.usable:
        raise UnknownPlatform(
            f"kiosk has no connector for {platform.title} yet (its contract: {platform.document}); "
            f"it can talk to: {known}."
        )
    return platform
