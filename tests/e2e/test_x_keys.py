"""Real X key events (xdotool on Xvfb) into the kiosk's scan filter and PIN dialogs, in a real process.

A scanner's GS (Ctrl+]) inside a burst must not split the code; Enter in the PIN dialogs must submit
once. The program under test is tests/e2e/x_harness.py; skips when Xvfb or xdotool is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.services.pin import PinGuard
from tests.e2e.test_demo_xvfb import display, focus_window, read_line, stop, x_env, xdotool

ROOT = Path(__file__).resolve().parents[2]
HUMAN_DELAY_MS = "150"  # a person at the keypad: far slower than the scan filter's 40 ms burst gap
SCANNER_DELAY_MS = "5"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(90),
    pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed (apt-get install xvfb)"),
    pytest.mark.skipif(shutil.which("xdotool") is None, reason="xdotool is not installed (apt-get install xdotool)"),
]
__all__ = ["display"]  # the Xvfb fixture, shared with the demo's X test


class Harness:
    """x_harness.py on the X display; `lines()` collects what it printed so far."""

    def __init__(self, display: str, *args: str) -> None:
        self.display = display
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.x_harness", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=x_env(display),
        )
        assert self.proc.stdout is not None
        self.seen: list[tuple[str, object]] = []
        first = self._next(30)
        assert first == ("READY", ""), self.errors()
        focus_window(display, "x-harness")
        time.sleep(0.3)  # let Qt take the focus before the first key

    def _next(self, timeout: float) -> tuple[str, object] | None:
        assert self.proc.stdout is not None
        line = read_line(self.proc.stdout.fileno(), timeout)
        if not line:
            return None
        kind, _, value = line.strip().partition(" ")
        return kind, json.loads(value)

    def until(self, kind: str, timeout: float = 10) -> list[tuple[str, object]]:
        """Everything printed until a line of `kind` (included), or what came when time ran out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            item = self._next(deadline - time.monotonic())
            if item is None:
                break
            self.seen.append(item)
            if item[0] == kind:
                break
        return self.seen

    def errors(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        assert self.proc.stderr is not None
        return self.proc.stderr.read().decode(errors="replace")[-1500:]

    def close(self) -> None:
        stop(self.proc, wait=10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture()
def harness(display: str) -> Iterator[list[Harness]]:
    made: list[Harness] = []
    yield made
    for one in made:
        one.close()


def test_a_gs_inside_a_scanner_burst_keeps_the_code_whole(display: str, harness: list[Harness]) -> None:
    app = Harness(display, "scan")
    harness.append(app)
    # One xdotool run, so the keys keep the scanner's 5 ms rhythm across the Ctrl+].
    xdotool(display, "key", "--delay", SCANNER_DELAY_MS, *"9PA3", "ctrl+bracketright", *"6W5U", "Return")
    seen = app.until("SCANNED")
    assert seen == [("SCANNED", "9PA36W5U")]
    xdotool(display, "type", "--delay", HUMAN_DELAY_MS, "abc")
    time.sleep(0.2)
    xdotool(display, "key", "Return")
    assert app.until("TYPED")[-1] == ("TYPED", "abc")  # typing still reaches the field
    assert [kind for kind, _ in app.seen] == ["SCANNED", "TYPED"]


def test_enter_sets_the_staff_pin_typed_twice(display: str, harness: list[Harness], tmp_path: Path) -> None:
    app = Harness(display, "set-pin", str(tmp_path))
    harness.append(app)
    for _ in range(2):
        xdotool(display, "type", "--delay", HUMAN_DELAY_MS, "1234")
        time.sleep(0.2)
        xdotool(display, "key", "Return")
    seen = app.until("FINISHED")
    assert seen == [("MESSAGE", ""), ("FINISHED", 1)], app.errors()
    assert PinGuard(tmp_path).check("1234").ok


def test_enter_after_a_wrong_pin_says_wrong_pin(display: str, harness: list[Harness], tmp_path: Path) -> None:
    PinGuard(tmp_path).set_pin("2468")
    app = Harness(display, "ask-pin", str(tmp_path))
    harness.append(app)
    xdotool(display, "type", "--delay", HUMAN_DELAY_MS, "1111")
    time.sleep(0.2)
    xdotool(display, "key", "Return")
    assert app.until("MESSAGE", timeout=5) == [("MESSAGE", "Wrong PIN.")]
    time.sleep(0.5)  # a second submit (the old double Enter) would have printed by now
    xdotool(display, "type", "--delay", HUMAN_DELAY_MS, "2468")
    time.sleep(0.2)
    xdotool(display, "key", "Return")
    assert app.until("FINISHED") == [("MESSAGE", "Wrong PIN."), ("FINISHED", 1)], app.errors()
