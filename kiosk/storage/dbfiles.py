"""The database's files seen from outside SQLite: private modes set by path, and the "had a mirror" marker.

Nothing here opens the database, its -wal or its -shm: on Linux, closing any descriptor of a file drops
every POSIX lock the process holds on it, and SQLite's locks are how another process's connection knows
that this one still has the database open (it would otherwise checkpoint and delete the WAL under it).
Modes are set with chmod by path and a umask around creation, which open no descriptor.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

from kiosk.domain.timeutil import format_time, utcnow
from kiosk.storage.records import StoreError

log = logging.getLogger(__name__)

# Beside the database: written once its schema is committed, removed only by `kiosk wipe`. A database
# that is missing or empty while this exists was lost (a file-system crash, a bad copy), not never made.
MARKER_SUFFIX = ".created"
_SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")
_umask_lock = threading.Lock()


class NoDatabaseYet(StoreError):
    """There is no database at the path and none was ever made there (only when not asked to create one)."""


def marker_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + MARKER_SUFFIX)


def had_database(db_path: Path) -> bool:
    return marker_path(db_path).exists()


def lost_database_error(db_path: Path, how: str) -> StoreError:
    return StoreError(
        f"the local database {db_path} is {how}, but this station had one: its guest list and any check-ins "
        f"not uploaded are gone from it. Nothing was changed. Restore {db_path.name} from a backup, or run "
        "`kiosk wipe` and then `kiosk configure` to start this station again."
    )


@contextlib.contextmanager
def private_creation() -> Iterator[None]:
    """Files created meanwhile are the owner's alone (0600), whatever the process umask.

    The umask is per process, so the swap is serialised; another thread creating a file at that moment
    only gets a stricter mode. SQLite gives -wal and -shm the mode of the database file.
    """
    with _umask_lock:
        previous = os.umask(0o077)
        try:
            yield
        finally:
            os.umask(previous)


def tighten_modes(db_path: Path) -> None:
    """Take group and other bits off the database files that exist (e.g. copied in with a wider mode)."""
    for suffix in _SQLITE_SUFFIXES:
        path = db_path.with_name(db_path.name + suffix)
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                os.chmod(path, mode & 0o700)
        except FileNotFoundError:
            continue
        except PermissionError as err:  # another user's file: usable, but not ours to change
            log.warning("cannot make %s private: %s", path.name, err)


def write_marker(db_path: Path) -> None:
    """Record that this path holds a kiosk database; a marker already there (another process) is kept."""
    marker = marker_path(db_path)
    try:
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as err:  # a read-only dir still serves a usable database; only the warning is lost
        log.warning("cannot write %s: %s", marker.name, err)
        return
    try:
        note = (
            f"{db_path.name} was created here at {format_time(utcnow())}. kiosk refuses to start "
            "empty when it goes missing; `kiosk wipe` removes both.\n"
        )
        os.write(fd, note.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    _sync_dir(marker.parent)


def _sync_dir(path: Path) -> None:
    """Make the marker's directory entry durable (a descriptor on the directory, not on the database)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
