"""Fixtures for the tests against a real pretix: the cached install (built once), and a server per test.

Where pretix cannot be installed (no network to PyPI, no Python 3.11+), the tests skip with the reason on
one line; with KIOSK_REQUIRE_PRETIX=1 (CI sets it) that is a failure instead, so CI never passes without
having run them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pretix_server import Install, PretixServer, PretixUnavailable, install


@pytest.fixture(scope="session")
def pretix_build() -> Install | str:
    """The install, or why there is none: tried once a session (a failed pip install is not repeated per test)."""
    try:
        return install(lambda line: print(line, file=sys.stderr))
    except PretixUnavailable as exc:
        return str(exc)


@pytest.fixture()
def pretix_install(pretix_build: Install | str) -> Install:
    if isinstance(pretix_build, Install):
        return pretix_build
    if os.environ.get("KIOSK_REQUIRE_PRETIX") == "1":
        pytest.fail(f"pretix is required here (KIOSK_REQUIRE_PRETIX=1) but unavailable: {pretix_build}")
    pytest.skip(f"pretix unavailable: {pretix_build}")


@pytest.fixture()
def pretix(pretix_install: Install, tmp_path: Path) -> Iterator[PretixServer]:
    """A pretix of this test's own, from the pristine database, started."""
    server = PretixServer(pretix_install, tmp_path / "pretix")
    server.start()
    try:
        yield server
    finally:
        server.stop()
