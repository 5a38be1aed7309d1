"""`kiosk demo` as a real process on a real X server (Xvfb), scanned with real X key events at scanner speed.

xdotool types a sample code 5 ms per key and presses Return, as a keyboard-wedge scanner would; the
verdict must land in the demo's scan log and paint the window green. Skips when Xvfb or xdotool is not
installed. Everything it starts is stopped at the end; the demo gets SIGTERM and must exit cleanly.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.storage import Store

ROOT = Path(__file__).resolve().parents[2]
GREEN = "#17803d"  # kiosk.ui.theme.SCHEMES["green"].background, read by pixel from the X screen
GRAB_PIXEL = (
    "import sys\n"
    "from PySide6.QtGui import QGuiApplication\n"
    "app = QGuiApplication(sys.argv[:1])\n"
    "image = app.primaryScreen().grabWindow(0).toImage()\n"
    "print(image.pixelColor(int(sys.argv[1]), int(sys.argv[2])).name())\n"
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(90),
    pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed (apt-get install xvfb)"),
    pytest.mark.skipif(shutil.which("xdotool") is None, reason="xdotool is not installed (apt-get install xdotool)"),
]


def read_line(stream: int, timeout: float) -> str:
    """One line from a raw file descriptor, or '' when none came in time."""
    deadline = time.monotonic() + timeout
    data = b""
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([stream], [], [], remaining)[0]:
            return ""
        chunk = os.read(stream, 1)
        if not chunk:
            return data.decode()
        data += chunk
    return data.decode()


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, wait: float = 15) -> int | None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


@pytest.fixture()
def display(tmp_path: Path) -> Iterator[str]:
    """A fresh Xvfb on a display number it picks itself (-displayfd), so parallel runs never collide."""
    read_end, write_end = os.pipe()
    log = (tmp_path / "xvfb.log").open("wb")
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24",
                             "-nolisten", "tcp"], pass_fds=(write_end,), stdout=log, stderr=subprocess.STDOUT)
    os.close(write_end)
    try:
        number = read_line(read_end, 20).strip()
        if not number.isdigit():
            pytest.fail(f"Xvfb did not start: {(tmp_path / 'xvfb.log').read_text()[-500:]}")
        yield f":{number}"
    finally:
        os.close(read_end)
        stop(xvfb, signal.SIGTERM, 10)
        log.close()


def x_env(display: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", PYTHONUNBUFFERED="1", KIOSK_SOUND="off")
    return env


def focus_window(display: str, name: str, timeout: float = 20) -> str:
    """Find the visible window called `name` and give it the keyboard focus; its id.

    A window can be found a moment before the X server maps it, and focusing it then fails with
    BadMatch: so only mapped windows are searched, and the focus is asked again until it is taken.
    """
    window = xdotool(display, "search", "--sync", "--onlyvisible", "--name", name).split()[0]
    deadline = time.monotonic() + timeout
    while True:
        result = subprocess.run(["xdotool", "windowfocus", "--sync", window], capture_output=True, text=True,
                                timeout=timeout, env=x_env(display))
        if result.returncode == 0:
            return window
        assert time.monotonic() < deadline, f"xdotool windowfocus {window}: {result.stderr}"
        time.sleep(0.2)


def xdotool(display: str, *args: str, timeout: float = 20) -> str:
    result = subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=timeout,
                            env=x_env(display))
    assert result.returncode == 0, f"xdotool {' '.join(args)}: {result.stderr}"
    return result.stdout


def pixel(display: str, x: int, y: int) -> str:
    result = subprocess.run([sys.executable, "-c", GRAB_PIXEL, str(x), str(y)], capture_output=True,
                            text=True, timeout=20, env=x_env(display))
    return result.stdout.strip()


def admitted_scans(data_dir: Path, code: str) -> list[str]:
    mirror = data_dir / "kiosk.sqlite3"
    if not mirror.exists():
        return []
    with Store.open(mirror) as store:
        return [s.verdict for s in store.recent_scans(20) if s.code == code.casefold()]


def test_a_scanner_speed_burst_on_a_real_x_display_admits_the_guest(display: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    started = time.monotonic()
    errors = (tmp_path / "demo.err").open("wb")
    # --quit-after bounds the demo even if this test dies before its clean-up.
    demo = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "demo", "--data-dir", str(data_dir), "--guests", "200",
         "--quit-after", "75"],
        stdout=subprocess.PIPE, stderr=errors, env=x_env(display), cwd=ROOT)
    try:
        assert demo.stdout is not None
        line = read_line(demo.stdout.fileno(), 40)
        match = re.fullmatch(r"Sample codes: (\S+) (\S+) (\S+)\n", line)
        assert match is not None, f"{line!r}; stderr: {(tmp_path / 'demo.err').read_text()[-1500:]}"
        code = match.group(1)

        focus_window(display, "Check-in")
        time.sleep(0.3)  # the window has mapped; let Qt settle its first layout before the burst
        xdotool(display, "type", "--delay", "5", code)
        xdotool(display, "key", "Return")

        deadline = time.monotonic() + 15
        while "admitted" not in admitted_scans(data_dir, code) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert admitted_scans(data_dir, code) == ["admitted"], (tmp_path / "demo.err").read_text()[-1500:]
        # The verdict stays four seconds: the screen must be green now (top-left, inside the window).
        assert pixel(display, 20, 20) == GREEN
    finally:
        code_at_exit = stop(demo)
        errors.close()
        if demo.stdout is not None:
            demo.stdout.close()
    assert code_at_exit == 0, (tmp_path / "demo.err").read_text()[-1500:]
    assert time.monotonic() - started < 60
