"""The station's configuration and secrets on disk: a private data dir, a JSON file, a 0600 key file."""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from kiosk.storage import secrets
from kiosk.storage.dbfiles import MARKER_SUFFIX

CONFIG_NAME = "config.json"
MIRROR_NAME = "kiosk.sqlite3"
# Seconds between pulls: below the minimum a station floods the server (16 requests a second at 0),
# above the maximum the door would miss other doors' check-ins for too long.
PULL_INTERVAL_MIN_S, PULL_INTERVAL_MAX_S = 1.0, 3600.0


class ConfigError(Exception):
    """The configuration is missing or unreadable; the message says what to do."""


@dataclass(frozen=True)
class StationConfig:
    server_url: str
    event_id: str
    station: str
    event_name: str = ""
    # The event's IANA time zone as the platform reported it at configure time ("" when it says none:
    # export and statistics then use this computer's zone).
    event_time_zone: str = ""
    badge_field: str = "externalId"
    # Which guest fields the verdict screen shows besides name and company.
    display_fields: tuple[str, ...] = ("notes", "customField1")
    pull_interval_s: float = 15.0
    mode: str = "check-in"
    # An extra CA bundle (path) for a server with a self-signed certificate; None trusts the system CAs.
    ca_bundle: str | None = None
    # Seconds without staff input after which the staff area closes (and needs the PIN again); 0: never.
    staff_lock_s: float = 120.0
    # Which event platform the server is (kiosk.platforms); a config.json from before platforms had none.
    platform: str = "invitario"
    # The session a door serves, for platforms that track attendance per session (Conferences i/o); a
    # config.json from before sessions has none.
    session: str = ""
    # The check-in list a door serves, for platforms that have them (pretix: its id); "" lets the
    # connector take the event's only list.
    checkin_list: str = ""
    # Badges (kiosk.badges): the OS print queue ("" is the system's default printer), the label size
    # (kiosk.badges.sizes), whether the door prints a badge on a guest's first admission (off unless staff
    # turn it on: a station without a printer must not raise a notice on every scan), and a badge
    # station, which prints on a scan and checks no one in. A config.json from before has none of them.
    printer: str = ""
    badge_size: str = "62x100mm"
    auto_print: bool = False
    badge_station: bool = False
    # The window's language ("de" or "en"; "" follows the system locale), a staff setting.
    language: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def default_data_dir() -> Path:
    """`KIOSK_DATA_DIR` if set, else the platform's per-user data dir."""
    env = os.environ.get("KIOSK_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("kiosk", appauthor=False))


def check_pull_interval(value: object) -> float:
    """The pull interval in seconds if it is sane; ConfigError with one line otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not PULL_INTERVAL_MIN_S <= value <= PULL_INTERVAL_MAX_S:
        raise ConfigError(f"The pull interval must be a number of seconds from {PULL_INTERVAL_MIN_S:g} to "
                          f"{PULL_INTERVAL_MAX_S:g}, not {value!r}.")
    return float(value)


def check_data_dir(path: Path) -> None:
    """ConfigError with one line unless `path` is, or can become, a data dir this user may write to."""
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"The data dir {path} cannot be used: {existing} is a file, not a directory.")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"The data dir {path} cannot be used: {existing} is read-only for this user.")


def ensure_private_dir(path: Path) -> Path:
    """Create the data dir readable by this user only (it holds guest data and a secret)."""
    check_data_dir(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ConfigError(f"The data dir {path} cannot be created: {err.strerror or err}.") from None
    with contextlib.suppress(PermissionError):
        path.chmod(0o700)
    return path


def _write_private(path: Path, text: str) -> None:
    """Write atomically with mode 0600 from the start, so the secret is never briefly world-readable."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def save_config(data_dir: Path, config: StationConfig, api_key: str | None = None) -> None:
    ensure_private_dir(data_dir)
    payload = asdict(config)
    payload["display_fields"] = list(config.display_fields)
    try:
        _write_private(data_dir / CONFIG_NAME, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        if api_key is not None:
            secrets.store_api_key(data_dir, api_key, _write_private)
    except OSError as err:
        raise ConfigError(f"The settings cannot be saved in {data_dir}: {err.strerror or err}.") from None


def load_config(data_dir: Path) -> StationConfig:
    path = data_dir / CONFIG_NAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"No station is configured in {data_dir}: run `kiosk configure` first.") from None
    except (OSError, ValueError) as err:
        raise ConfigError(f"The station configuration {path} cannot be read: {err}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"The station configuration {path} is not a JSON object.")
    known = {f.name for f in fields(StationConfig)}
    values = {k: v for k, v in raw.items() if k in known}
    try:
        if "display_fields" in values:
            values["display_fields"] = tuple(values["display_fields"])
        config = StationConfig(**values)
    except TypeError as err:
        raise ConfigError(f"The station configuration {path} is incomplete: {err}") from None
    interval = config.pull_interval_s
    # A hand-edited number out of range is still usable (the sync loop keeps it within bounds); text is not.
    if isinstance(interval, bool) or not isinstance(interval, int | float):
        raise ConfigError(f"The station configuration {path} has no number for pull_interval_s: {interval!r}.")
    return config


def load_api_key(data_dir: Path) -> str:
    try:
        return secrets.load_api_key(data_dir)
    except secrets.SecretError as err:
        raise ConfigError(str(err)) from None


def mirror_path(data_dir: Path) -> Path:
    return data_dir / MIRROR_NAME


def read_private_json(data_dir: Path, name: str) -> dict[str, Any] | None:
    """A small private state file (e.g. the staff PIN hash and its failed tries); None if absent/bad."""
    try:
        value = json.loads((data_dir / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def write_private_json(data_dir: Path, name: str, value: dict[str, Any]) -> None:
    ensure_private_dir(data_dir)
    _write_private(data_dir / name, json.dumps(value))


# Everything a station keeps about an event; `wipe_station_files` removes exactly these.
_EVENT_FILES = (CONFIG_NAME, MIRROR_NAME, MIRROR_NAME + "-wal", MIRROR_NAME + "-shm", MIRROR_NAME + "-journal",
                MIRROR_NAME + MARKER_SUFFIX, "staff-pin.json", "kiosk.log")


def wipe_station_files(data_dir: Path) -> list[str]:
    """Delete the station's guest data, queue, configuration, PIN and API key; returns what was removed.

    Everything that could stop the wipe is checked first, so a refused wipe (ConfigError) has removed
    nothing and the station still works.
    """
    if not data_dir.exists():
        with contextlib.suppress(OSError):
            secrets.delete_api_key(data_dir)  # a keyring entry may outlive a data dir removed by hand
        return []
    check_data_dir(data_dir)
    names = (*_EVENT_FILES, secrets.KEY_FILE, secrets.KEYRING_MARKER)
    present = [data_dir / name for name in names if (data_dir / name).exists()]
    for path in present:
        if path.is_dir() and not path.is_symlink():
            raise ConfigError(f"Nothing was wiped: {path} is a directory, not a file kiosk wrote.")
    removed = []
    try:
        for path in present:
            if path.name in _EVENT_FILES:
                path.unlink()
                removed.append(path.name)
        secrets.delete_api_key(data_dir)
    except OSError as err:
        done = f"; removed so far: {', '.join(removed)}" if removed else "; nothing was removed"
        raise ConfigError(f"The wipe of {data_dir} stopped: {err.strerror or err} ({err.filename}){done}.") from None
    return removed
