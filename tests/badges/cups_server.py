"""A private CUPS for tests: cupsd on a socket and 127.0.0.1, with a cups-pdf queue writing into a temp dir.

It runs as root (cupsd and the cups-pdf backend need it) and leaves nothing behind: its directories live
in one temp dir under /tmp (not pytest's tmp_path: CUPS's filters run as user lp, who cannot enter
pytest's 0700 directories), and cups-pdf's per-queue config, the one file cups-pdf reads only from
/etc/cups, is removed when the server stops.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")


def need_cups() -> None:
    """Skip with one line unless a private CUPS with cups-pdf can run here."""
    if shutil.which("cupsd") is None or not CUPS_PDF_BACKEND.exists() or not CUPS_PDF_PPD.exists():
        pytest.skip("cups and printer-driver-cups-pdf are not installed: bash .ci/setup installs them")
    if os.geteuid() != 0:
        pytest.skip("a private cupsd with the cups-pdf backend needs root")


class Cups:
    def __init__(self, root: Path, port: int, tag: str) -> None:
        self.root = root
        self.port = port
        self.tag = tag
        self.out = root / "out"
        self.socket = root / "cups.sock"
        self.env = {**os.environ, "CUPS_SERVER": str(self.socket)}
        self.proc: subprocess.Popen[bytes] | None = None
        self._confs: list[Path] = []

    def run(self, *cmd: str) -> str:
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, check=True, timeout=30).stdout

    def add_pdf_queue(self, name: str) -> None:
        """A cups-pdf queue `name` whose PDFs land in self.out (cups-pdf-<tag><name>.conf in /etc/cups)."""
        conf = Path(f"/etc/cups/cups-pdf-{self.tag}{name}.conf")
        conf.write_text(f"Out {self.out}\nSpool {self.root / 'pdfspool'}\nUserUMask 0000\nLabel 2\n")
        self._confs.append(conf)
        self.run("lpadmin", "-p", name, "-E", "-v", f"cups-pdf:/{self.tag}{name}", "-P", str(CUPS_PDF_PPD))

    def printed(self) -> list[Path]:
        return sorted(self.out.glob("*.pdf"), key=lambda p: p.stat().st_mtime_ns)

    def wait_printed(self, count: int, timeout: float = 30.0) -> list[Path]:
        """The first `count` PDFs cups-pdf wrote, once it has (and has finished writing them)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = self.printed()
            if len(done) >= count and "is idle" in self.run("lpstat", "-p"):
                return done
            time.sleep(0.1)
        raise AssertionError(f"cups-pdf wrote {len(self.printed())} PDFs, not {count}, within {timeout} s: "
                             f"{self.run('lpstat', '-W', 'all', '-o')}")

    def stop(self) -> None:
        for conf in self._confs:
            with contextlib.suppress(FileNotFoundError):
                conf.unlink()
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def private_cups() -> Iterator[Cups]:
    need_cups()
    root = Path(tempfile.mkdtemp(prefix="kiosk-cups-"))
    root.chmod(0o755)
    cups = Cups(root, _free_port(), f"kiosktest{os.getpid()}")
    try:
        for sub in ("conf/ppd", "spool", "cache", "state", "log", "out", "pdfspool"):
            (root / sub).mkdir(parents=True)
        tmp = root / "tmp"
        tmp.mkdir()
        shutil.chown(tmp, group="lp")
        tmp.chmod(0o770)  # the filters (user lp) write their temp files here
        (root / "conf/cupsd.conf").write_text(
            f"Listen 127.0.0.1:{cups.port}\nListen {cups.socket}\nLogLevel info\nWebInterface No\nBrowsing No\n"
            "DefaultAuthType None\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    Order deny,allow\n    Allow all\n  </Limit>\n</Policy>\n")
        (root / "conf/cups-files.conf").write_text(
            f"ServerRoot {root}/conf\nRequestRoot {root}/spool\nCacheDir {root}/cache\nStateDir {root}/state\n"
            f"TempDir {tmp}\nAccessLog {root}/log/access_log\nErrorLog {root}/log/error_log\n"
            f"PageLog {root}/log/page_log\nSandboxing Relaxed\n")
        cups.proc = subprocess.Popen(["cupsd", "-f", "-c", f"{root}/conf/cupsd.conf", "-s",
                                      f"{root}/conf/cups-files.conf"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while subprocess.run(["lpstat", "-r"], env=cups.env, capture_output=True, text=True).stdout.strip() \
                != "scheduler is running":
            if time.monotonic() > deadline or cups.proc.poll() is not None:
                raise AssertionError(f"the private cupsd did not start: {(root / 'log/error_log').read_text()}")
            time.sleep(0.1)
        yield cups
    finally:
        cups.stop()
