"""A real pretix for the tests: installed and migrated once into a cache, reset per test from a pristine copy.

Layout of the cache (`$KIOSK_PRETIX_CACHE`, else ~/.cache/kiosk-pretix), one directory per key:

    <pretix version>-py<major.minor>-<hash of seed.py and BUILD>/
        venv/                     pretix from PyPI, in a venv of its own (pretix needs Python >= 3.11)
        pristine.sqlite3          migrated (302 migrations on 2026.8.0) and seeded with the base (seed.py base)
        base.json                 what the base seed made (token, list id, product ids)
        ready                     written last: a directory without it is rebuilt

A change to the pinned version, the interpreter, the seeding or BUILD (the steps below) makes a new key, so
a stale cache is never used. Building takes a lock, so two test processes never build at once.

Each test copies `pristine.sqlite3` into its own tmp dir and starts `python -m pretix runserver
--nothreading --noreload` on 127.0.0.1: the threaded dev server on SQLite answers "database is locked".
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

PRETIX_VERSION = os.environ.get("KIOSK_PRETIX_VERSION", "2026.8.0")
HERE = Path(__file__).resolve().parent
SEED = HERE / "seed.py"
# Raise it when the build steps (_build, _config) change what a cached install holds.
BUILD = "1"
INSTALL_TIMEOUT_S = 900
MIGRATE_TIMEOUT_S = 900


class PretixUnavailable(RuntimeError):
    """pretix could not be installed or started here; one line naming why."""


def _python() -> str:
    """An interpreter for pretix's venv: Debian's 3.11 where there is one, else the one running the tests."""
    for candidate in ("/usr/bin/python3.11", "/usr/bin/python3"):
        if Path(candidate).exists():
            return candidate
    return sys.executable


def _python_version(python: str) -> str:
    out = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def cache_root() -> Path:
    return Path(os.environ.get("KIOSK_PRETIX_CACHE") or Path.home() / ".cache" / "kiosk-pretix")


def _config(datadir: Path, port: int) -> str:
    return (
        "[pretix]\ninstance_name=kiosk-test\n"
        f"url=http://127.0.0.1:{port}\ndatadir={datadir}\n"
        "[database]\nbackend=sqlite3\n"
        f"name={datadir / 'db.sqlite3'}\n"
        "[django]\ndebug=false\nsecret=kiosk-test-secret-not-for-production\n"
        "[mail]\nfrom=kiosk-test@example.invalid\n"
    )


@dataclass(frozen=True)
class Install:
    """A usable pretix install: its venv's python, the pristine database and what the base seed made."""

    directory: Path
    python: Path
    base: dict[str, Any]

    @property
    def pristine(self) -> Path:
        return self.directory / "pristine.sqlite3"


def _run(args: list[str], what: str, timeout: float, env: dict[str, str] | None = None) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PretixUnavailable(f"{what} failed: {exc}") from None
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise PretixUnavailable(f"{what} failed (exit {done.returncode}): {tail[0][:300]}")
    return done.stdout


def _pretix_env(config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRETIX_", "DJANGO_"))}
    env["PRETIX_CONFIG_FILE"] = str(config)
    env["DJANGO_SETTINGS_MODULE"] = "pretix.settings"
    return env


def install(log: Any = None) -> Install:
    """The cached install for this key, built first if needed (pip install, migrate, base seed)."""
    python = _python()
    digest = hashlib.sha256(SEED.read_bytes() + BUILD.encode()).hexdigest()[:10]
    key = f"{PRETIX_VERSION}-py{_python_version(python)}-{digest}"
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    directory = root / key
    with open(root / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (directory / "ready").exists():
            _build(directory, python, log or (lambda line: None))
    base = json.loads((directory / "base.json").read_text())
    return Install(directory, directory / "venv" / "bin" / "python", base)


def _build(directory: Path, python: str, log: Any) -> None:
    shutil.rmtree(directory, ignore_errors=True)
    building = directory.with_name(directory.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    venv = building / "venv"
    started = time.monotonic()
    _run([python, "-m", "venv", str(venv)], "creating pretix's venv", 120)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
          f"pretix=={PRETIX_VERSION}"], f"pip install pretix=={PRETIX_VERSION}", INSTALL_TIMEOUT_S)
    log(f"pretix {PRETIX_VERSION}: installed in {time.monotonic() - started:.0f} s")
    data = building / "data"
    data.mkdir()
    config = building / "pretix.cfg"
    config.write_text(_config(data, 8000))
    started = time.monotonic()
    env = _pretix_env(config)
    _run([str(venv / "bin" / "python"), "-m", "pretix", "migrate", "--noinput"], "pretix migrate", MIGRATE_TIMEOUT_S,
         env)
    log(f"pretix {PRETIX_VERSION}: migrated in {time.monotonic() - started:.0f} s")
    base = _run([str(venv / "bin" / "python"), str(SEED), "base"], "seeding pretix", 300, env)
    (building / "base.json").write_text(base.strip().splitlines()[-1])
    (data / "db.sqlite3").rename(building / "pristine.sqlite3")
    shutil.rmtree(data)
    config.unlink()
    # The venv's scripts name the directory they were made in; the venv is used only through its python
    # (`-m pip`, `-m pretix`), whose site-packages are found relative to it, so the rename is safe.
    building.rename(directory)
    (directory / "ready").write_text(PRETIX_VERSION + "\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PretixServer:
    """One test's pretix: its own copy of the pristine database, its own port, started and stopped at will."""

    def __init__(self, setup: Install, workdir: Path) -> None:
        self.setup = setup
        self.workdir = workdir
        self.data = workdir / "data"
        self.data.mkdir(parents=True)
        started = time.monotonic()
        shutil.copyfile(setup.pristine, self.data / "db.sqlite3")
        self.reset_seconds = time.monotonic() - started
        self.port = _free_port()
        self.config = workdir / "pretix.cfg"
        self.config.write_text(_config(self.data, self.port))
        self.url = f"http://127.0.0.1:{self.port}"
        self.organizer = str(setup.base["organizer"])
        self.event = str(setup.base["event"])
        self.token = str(setup.base["token"])
        self.list_id = int(setup.base["list"])
        self.items: dict[str, int] = dict(setup.base["items"])
        self._process: subprocess.Popen[bytes] | None = None
        self.start_seconds = 0.0

    @property
    def event_id(self) -> str:
        return f"{self.organizer}/{self.event}"

    # --- seeding (through pretix's own models, with the server running or not)

    @property
    def standard(self) -> list[dict[str, Any]]:
        """The orders in the pristine database: order code, position id, secret, name, status, product."""
        return list(self.setup.base["orders"])

    def seed_orders(self, start: int, *groups: tuple[int, str, str]) -> list[dict[str, Any]]:
        """More orders (count, status p|n|c, product ticket|workshop), guests numbered from `start`."""
        specs = [f"{count}:{status}:{product}" for count, status, product in groups]
        out = _run([str(self.setup.python), str(SEED), "orders", str(start), *specs], "seeding orders", 600,
                   _pretix_env(self.config))
        return list(json.loads(out.strip().splitlines()[-1])["orders"])

    # --- the process

    def start(self) -> None:
        started = time.monotonic()
        log = open(self.workdir / "server.log", "ab")  # noqa: SIM115 (the child keeps it)
        self._process = subprocess.Popen(
            [str(self.setup.python), "-m", "pretix", "runserver", "--nothreading", "--noreload",
             f"127.0.0.1:{self.port}"],
            stdout=log, stderr=subprocess.STDOUT, env=_pretix_env(self.config), cwd=self.workdir,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise PretixUnavailable(f"pretix exited at start ({self._process.returncode}); see {self.workdir}")
            try:
                httpx.get(self.url + "/api/v1/", timeout=2, trust_env=False)
            except httpx.HTTPError:
                time.sleep(0.2)
                continue
            self.start_seconds = time.monotonic() - started
            return
        raise PretixUnavailable("pretix did not answer within 60 s of its start")

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(10)
        self._process = None

    # --- pretix's API, as another device or the back office would use it

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        with httpx.Client(base_url=f"{self.url}/api/v1/organizers/{self.organizer}", trust_env=False,
                          headers={"Authorization": f"Token {self.token}"}, timeout=30) as client:
            return client.request(method, path, **kwargs)

    def checkins(self, position: int, *, list_id: int | None = None) -> list[dict[str, Any]]:
        """The successful check-ins pretix holds for a position (entries and exits), oldest first."""
        answer = self.api("GET", f"/events/{self.event}/orderpositions/{position}/")
        answer.raise_for_status()
        wanted = self.list_id if list_id is None else list_id
        found = [c for c in answer.json()["checkins"] if c["list"] == wanted]
        return sorted(found, key=lambda c: c["datetime"])


@contextlib.contextmanager
def running(setup: Install, workdir: Path) -> Iterator[PretixServer]:
    server = PretixServer(setup, workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def main() -> int:
    """`python tests/platforms/pretix/pretix_server.py install`: build the cached install now (CI starts it
    beside the suite, whose pretix tests then wait on the cache's lock instead of building it themselves)."""
    if sys.argv[1:] != ["install"]:
        print("usage: pretix_server.py install", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        made = install(lambda line: print(line, flush=True))
    except PretixUnavailable as exc:
        print(f"pretix unavailable: {exc}", flush=True)
        return 1
    print(f"pretix ready in {made.directory} after {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
