"""The station's API key: in the OS keyring where one works, otherwise in a 0600 file in the data dir."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

import keyring
import keyring.errors

log = logging.getLogger(__name__)

KEYRING_SERVICE = "kiosk"
KEY_FILE = "api-key"
# Says "the key is in the keyring" without holding anything secret itself.
KEYRING_MARKER = "api-key.in-keyring"


class SecretError(Exception):
    """The key is missing or cannot be read; the message says what to do."""


def _account(data_dir: Path) -> str:
    # One entry per data dir, so two stations on one laptop (two data dirs) never share a key.
    return str(data_dir.resolve())


def keyring_available() -> bool:
    """A real OS keyring (not keyring's 'fail' or 'null' fallbacks); KIOSK_NO_KEYRING=1 turns it off."""
    if os.environ.get("KIOSK_NO_KEYRING"):
        return False
    try:
        backend = keyring.get_keyring()
        return float(backend.priority) > 0 and type(backend).__module__.split(".")[-1] not in ("fail", "null")
    except Exception:  # any backend discovery failure means: no usable keyring
        return False


def store_api_key(data_dir: Path, api_key: str, write_file: Callable[[Path, str], None]) -> str:
    """Keep the key; returns where it went ("keyring" or "file")."""
    if keyring_available():
        try:
            keyring.set_password(KEYRING_SERVICE, _account(data_dir), api_key)
        except keyring.errors.KeyringError as err:
            log.warning("the OS keyring refused the API key (%s); keeping it in a private file", type(err).__name__)
        else:
            write_file(data_dir / KEYRING_MARKER, "")
            with contextlib.suppress(FileNotFoundError):
                (data_dir / KEY_FILE).unlink()
            return "keyring"
    write_file(data_dir / KEY_FILE, api_key)
    with contextlib.suppress(FileNotFoundError):
        (data_dir / KEYRING_MARKER).unlink()
    return "file"


def load_api_key(data_dir: Path) -> str:
    if (data_dir / KEYRING_MARKER).exists():
        try:
            value = keyring.get_password(KEYRING_SERVICE, _account(data_dir))
        except keyring.errors.KeyringError as err:
            raise SecretError(f"The OS keyring cannot be read ({type(err).__name__}): unlock it, or run "
                              "`kiosk configure` again.") from None
        if value:
            return value
        raise SecretError("The API key is missing from the OS keyring: run `kiosk configure` again.")
    try:
        return (data_dir / KEY_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise SecretError(f"No API key is stored for {data_dir}: run `kiosk configure` again.") from None


def delete_api_key(data_dir: Path) -> None:
    """Remove the key from wherever it is; nothing left behind is not an error."""
    with contextlib.suppress(Exception):
        keyring.delete_password(KEYRING_SERVICE, _account(data_dir))
    for name in (KEY_FILE, KEYRING_MARKER):
        with contextlib.suppress(FileNotFoundError):
            (data_dir / name).unlink()
