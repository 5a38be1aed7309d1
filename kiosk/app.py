"""The composition root: builds a station (config, mirror, connector, services) from its data dir."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk.platforms import PLATFORMS, UnknownPlatform, platform_named
from kiosk.platforms.base import Connector, EventInfo, Uploads
from kiosk.platforms.urls import check_server_url
from kiosk.services.checkin import CheckIn
from kiosk.services.desk import Desk
from kiosk.services.station import Station
from kiosk.storage import Store, StoreError
from kiosk.storage.config import (
    ConfigError,
    StationConfig,
    check_data_dir,
    check_pull_interval,
    ensure_private_dir,
    load_api_key,
    load_config,
    mirror_path,
    save_config,
    wipe_station_files,
)

log = logging.getLogger(__name__)

_ADDRESS_EXAMPLE = "it must look like https://checkin.example.org or http://192.168.1.20:8000"


def check_server_address(url: str) -> None:
    """ConfigError with one line unless `url` is an http(s) address with a host and a port from 1 to 65535."""
    try:
        parts = urlsplit(url)
    except ValueError as err:  # e.g. an unclosed IPv6 bracket
        raise ConfigError(f"{url!r} is not a server address ({err}): {_ADDRESS_EXAMPLE}.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(ch.isspace() for ch in url):
        raise ConfigError(f"{url!r} is not a server address: {_ADDRESS_EXAMPLE}.")
    try:
        port = parts.port
    except ValueError:
        port = 0  # not a number, or beyond 65535
    if port == 0:
        raise ConfigError(f"The port in {url!r} must be a number from 1 to 65535.")


def check_platform(name: str) -> None:
    """ConfigError with one line (naming the platforms kiosk can talk to) unless kiosk can use `name`."""
    try:
        platform_named(name)
    except UnknownPlatform as err:
        raise ConfigError(str(err)) from None


def make_connector(config: StationConfig, api_key: str, **options: Any) -> Connector:
    """The connector for the configured platform and server; refuses plain http beyond the local network."""
    check_platform(config.platform)
    check_server_address(config.server_url)
    warning = check_server_url(config.server_url)
    if warning:
        log.warning("%s", warning)
    verify: bool | str = config.ca_bundle or True
    platform = platform_named(config.platform)
    factory = platform.connector
    assert factory is not None  # platform_named returns usable platforms only
    if platform.needs_session:
        options.setdefault("session", config.session)
    if platform.needs_checkin_list:
        options.setdefault("checkin_list", config.checkin_list)
    return factory(config.server_url, config.event_id, api_key, config.station, verify=verify, **options)


def open_station(data_dir: Path, *, create_mirror: bool = True, **connector_options: Any) -> Station:
    """Open a configured station; raises ConfigError with a message for staff when there is none.

    Without `create_mirror` (read-only commands) a station that has no mirror yet raises NoDatabaseYet.
    """
    config = _within_platform_budget(load_config(data_dir))
    api_key = load_api_key(data_dir)
    store = Store.open(mirror_path(data_dir), badge_field=config.badge_field, create=create_mirror)
    connector = make_connector(config, api_key, **connector_options)
    return Station(data_dir, config, store, connector, CheckIn(store, config.station), Desk(store, config.station))


def _within_platform_budget(config: StationConfig) -> StationConfig:
    """The config with its pull interval raised to what the platform's request budget allows."""
    platform = PLATFORMS.get(config.platform)
    if platform is None or config.pull_interval_s >= platform.min_pull_interval_s:
        return config
    log.info("pulling every %g s, not %g s: %s allows no more", platform.min_pull_interval_s,
             config.pull_interval_s, platform.title)
    return replace(config, pull_interval_s=platform.min_pull_interval_s)


async def configure_station(data_dir: Path, config: StationConfig, api_key: str) -> EventInfo:
    """Log in to check the settings, then save them; nothing is saved when the server refuses them."""
    # Settings that can never work are refused before the login, each in one line (ConfigError).
    check_platform(config.platform)
    check_pull_interval(config.pull_interval_s)
    check_data_dir(data_dir)
    if not api_key.strip():
        raise ConfigError("The API key is empty.")
    connector = make_connector(config, api_key)
    try:
        info = await connector.login()
        await connector.logout()
    finally:
        await connector.aclose()
    ensure_private_dir(data_dir)
    previous = _previous_config(data_dir)
    # Another session of the same event keeps the mirror and the queue: a platform that tracks sessions
    # gives each session's attendees their own ids, so the next listing sweeps the old session's.
    if previous is not None and (previous.platform, previous.server_url, previous.event_id) != (
        config.platform, config.server_url, config.event_id
    ):
        _forget_previous_event(data_dir, previous)
    if not config.event_name and info.name:
        config = replace(config, event_name=info.name)
    if info.time_zone:
        config = replace(config, event_time_zone=info.time_zone)
    save_config(data_dir, config, api_key)
    return info


async def switch_session(data_dir: Path, session: str) -> EventInfo:
    """Serve another session of the same event: checked with the server and saved as `kiosk configure
    --session` would; the mirror and the queue stay (the next listing sweeps the old session's attendees)."""
    config = load_config(data_dir)
    # The event name names the session ("App: Session"): the login gives the new one.
    return await configure_station(data_dir, replace(config, session=session.strip(), event_name=""),
                                   load_api_key(data_dir))


def _forget_previous_event(data_dir: Path, previous: StationConfig) -> None:
    """Another event or server: the old mirror and cursor would mix two guest lists, so they go;
    but never while check-ins of the old event still wait for upload."""
    store = Store.open(mirror_path(data_dir), badge_field=previous.badge_field)
    try:
        queued = store.queued_count()
        platform = PLATFORMS.get(previous.platform)
        if queued and platform is not None and platform.capabilities.uploads is Uploads.STATION_ONLY:
            # Sync never uploads these: advising it would send staff round in circles.
            raise ConfigError(
                f"{queued} check-ins of event {previous.event_id} are kept on this station only "
                f"({platform.title} takes no check-ins): `kiosk wipe` discards them."
            )
        if queued:
            raise ConfigError(
                f"{queued} check-ins of event {previous.event_id} are not uploaded yet: run `kiosk sync "
                "--once` against its server first, or `kiosk wipe` to discard them."
            )
        store.wipe()
    finally:
        store.close()


def _previous_config(data_dir: Path) -> StationConfig | None:
    try:
        return load_config(data_dir)
    except ConfigError:
        return None


def wipe_summary(data_dir: Path) -> tuple[str | None, int]:
    """The event a wipe would remove and how many of its changes are still queued."""
    event = None
    config = _previous_config(data_dir)
    if config is not None:
        event = config.event_id
    queued = 0
    if mirror_path(data_dir).exists():
        try:
            with Store.open(mirror_path(data_dir)) as store:
                queued = store.queued_count()
        except StoreError:
            queued = 0  # an unreadable mirror is wiped all the same
    return event, queued


def wipe_station(data_dir: Path) -> list[str]:
    return wipe_station_files(data_dir)


def station_identity(data_dir: Path) -> tuple[str, str, str, str, str, int, int] | None:
    """What makes the station in `data_dir` the one a running process opened: its server, event, session
    and name, and the mirror file. None when no station is there (wiped); a new value when it was reconfigured."""
    try:
        config = load_config(data_dir)
        mirror = mirror_path(data_dir).stat()
    except (ConfigError, OSError):
        return None
    return (config.platform, config.server_url, config.event_id, config.session, config.station, mirror.st_dev,
            mirror.st_ino)
