"""Tell a keyboard-wedge scanner's key bursts from a person's typing: pure timing logic, no Qt.

A scanner types a whole code in a few milliseconds and usually ends it with Enter; a person leaves
80-250 ms between keys. `BurstDetector` holds every printable key until it knows which of the two it
is looking at, then says so in a `Decision`:

- `release`: held keys that turned out to be typing, to hand back to the widget in this order;
- `consume`: swallow the key that just arrived (it is held, part of a scan, or in `release`);
- `code`: a completed scan, with `duplicate` set when the same code came within `debounce_s`.

Timing rules. Keys less than `max_key_gap_ms` apart form one burst; a control key (Ctrl+], GS) inside a
burst is one of its keys (see `takes_control`). A burst ends with Enter/Tab, the
configured suffix, the next key after a longer gap, or `idle_end_ms` of silence (noticed by `poll`).
It is a scan when it has at least `min_length` keys, starts with the prefix (if one is set) and leaves a
non-empty code once the prefix, suffix and control characters are stripped; otherwise it is typing.
A burst that cannot be a scan is released as soon as the gap is over, so typing is never delayed by
more than `max_key_gap_ms`; one that can waits for `idle_end_ms` in case the terminator comes late.
"""

from __future__ import annotations

import math
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from kiosk.domain.codes import normalise_code

TERMINATORS = ("enter", "tab")


@dataclass(frozen=True)
class ScannerSettings:
    """How to recognise the station's scanner; changeable at run time (see `BurstDetector.settings`)."""

    max_key_gap_ms: float = 40.0  # keys closer than this belong to one burst
    min_length: int = 3  # shorter bursts are typing, not scans
    idle_end_ms: float = 80.0  # a burst with no terminator ends after this much silence
    prefix: str = ""  # optional configured prefix (stripped; required when set)
    suffix: str = ""  # optional configured suffix (ends the burst, stripped)
    end_on_enter: bool = True
    end_on_tab: bool = True
    debounce_s: float = 2.0  # the same code again within this window counts once

    def __post_init__(self) -> None:
        problems = []
        if not (math.isfinite(self.max_key_gap_ms) and self.max_key_gap_ms > 0):
            problems.append(f"max_key_gap_ms must be a positive number, not {self.max_key_gap_ms!r}")
        if not (math.isfinite(self.idle_end_ms) and self.idle_end_ms > 0):
            problems.append(f"idle_end_ms must be a positive number, not {self.idle_end_ms!r}")
        if self.min_length < 1:
            problems.append(f"min_length must be at least 1, not {self.min_length!r}")
        if not (math.isfinite(self.debounce_s) and self.debounce_s >= 0):
            problems.append(f"debounce_s must be zero or more seconds, not {self.debounce_s!r}")
        if problems:
            raise ValueError("scanner settings: " + "; ".join(problems))


@dataclass(frozen=True)
class HeldKey:
    """One key held back by the detector: its text, when it arrived, and the caller's own record of it."""

    text: str
    at: float
    payload: Any = None


@dataclass(frozen=True)
class Decision:
    """What to do now. Apply in this order: replay `release`, swallow the key if `consume`, report `code`."""

    consume: bool = False
    release: tuple[HeldKey, ...] = ()
    code: str | None = None
    duplicate: bool = False

    @property
    def typed(self) -> str:
        """The released keys as text, as the widget will receive them."""
        return "".join(key.text for key in self.release)


def strip_controls(text: str) -> str:
    """Drop control and format characters (category C*): what a scanner adds but a code never holds."""
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))


def _merge(first: Decision, second: Decision) -> Decision:
    # Only the older burst can complete as a scan here: the newer one has a single key (see feed_char).
    assert first.code is None or second.code is None
    return Decision(
        consume=first.consume or second.consume,
        release=first.release + second.release,
        code=first.code if first.code is not None else second.code,
        duplicate=first.duplicate or second.duplicate,
    )


class BurstDetector:
    """Collects keys into bursts and decides scan or typing; `clock` returns seconds (monotonic)."""

    def __init__(
        self,
        settings: ScannerSettings = ScannerSettings(),  # frozen, so one shared default is safe
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._held: list[HeldKey] = []
        self._last_code: str | None = None
        self._last_code_at = -math.inf
        # When a scan ended by Enter/Tab or its suffix; a second terminator right behind it is the
        # scanner's too (suffix plus Enter, CR plus LF) and must not reach the widget.
        self._scan_ended_at: float | None = None

    @property
    def settings(self) -> ScannerSettings:
        return self._settings

    @settings.setter
    def settings(self, value: ScannerSettings) -> None:
        self._settings = value

    @property
    def held(self) -> tuple[HeldKey, ...]:
        return tuple(self._held)

    @property
    def pending(self) -> bool:
        """True while keys are held back; a terminator now would be taken."""
        return bool(self._held)

    def feed_char(self, ch: str, payload: Any = None) -> Decision:
        """A printable key arrived now. The key is always consumed: held, scanned or released."""
        now = self._clock()
        self._scan_ended_at = None
        before = Decision()
        if self._held and self._gap_ms(now) >= self._settings.max_key_gap_ms:
            before = self._finish(now)
        self._held.append(HeldKey(ch, now, payload))
        after = Decision(consume=True)
        suffix = self._settings.suffix
        # A burst needs a key besides the suffix, so a one-key burst never ends here.
        if suffix and len(self._held) > 1 and self._text().endswith(suffix):
            after = replace(self._finish(now, by_suffix=True, remember_end=True), consume=True)
        return _merge(before, after)

    def takes_control(self, ch: str) -> bool:
        """Whether a control character typed now (Ctrl+] is GS) belongs to a scan rather than a shortcut.

        Scanners put GS between the fields of a GS1 code and can be set up to send Ctrl-key prefixes:
        inside a burst such a key is part of the code, and so is the first character of a configured
        prefix. Anywhere else it is a person's shortcut and passes.
        """
        if self._held:
            return self._gap_ms(self._clock()) < self._settings.max_key_gap_ms
        return bool(self._settings.prefix) and self._settings.prefix[0] == ch

    def feed_terminator(self, key: str) -> Decision:
        """Enter or Tab arrived now. Consumed only when it ends a scan; else it passes after `release`."""
        s = self._settings
        enabled = (key == "enter" and s.end_on_enter) or (key == "tab" and s.end_on_tab)
        if not enabled:
            return self.end_burst()
        now = self._clock()
        if not self._held:
            ended, self._scan_ended_at = self._scan_ended_at, None
            trailing = ended is not None and (now - ended) * 1000 < s.max_key_gap_ms
            return Decision(consume=trailing)
        if self._gap_ms(now) >= s.idle_end_ms:
            # Too late to belong to the burst: it ended by silence before this key came.
            return self._finish(now)
        decision = self._finish(now, remember_end=True)
        return replace(decision, consume=decision.code is not None)

    def poll(self) -> Decision:
        """Called by a timer: release a finished typing burst, or end a scan that has no terminator."""
        if not self._held:
            return Decision()
        now = self._clock()
        gap = self._gap_ms(now)
        limit = self._settings.idle_end_ms if self._candidate() else self._settings.max_key_gap_ms
        return self._finish(now) if gap >= limit else Decision()

    def poll_due_in(self) -> float | None:
        """Seconds until `poll` has something to do; None when nothing is held."""
        if not self._held:
            return None
        s = self._settings
        limit_ms = s.idle_end_ms if self._candidate() else s.max_key_gap_ms
        return max(0.0, self._held[-1].at + limit_ms / 1000 - self._clock())

    def end_burst(self) -> Decision:
        """Another key (or a settings change) interrupts: judge the held keys now, scan or typing."""
        self._scan_ended_at = None
        if not self._held:
            return Decision()
        return self._finish(self._clock())

    def _gap_ms(self, now: float) -> float:
        # Rounded to a nanosecond, so float noise does not put a gap of exactly the limit under it.
        return round((now - self._held[-1].at) * 1000, 6)

    def _text(self) -> str:
        return "".join(key.text for key in self._held)

    def _candidate(self) -> bool:
        return self._code_of(self._held, by_suffix=False) is not None

    def _code_of(self, held: list[HeldKey], *, by_suffix: bool) -> str | None:
        s = self._settings
        if len(held) < s.min_length:
            return None
        raw = "".join(key.text for key in held)
        if by_suffix:
            raw = raw[: -len(s.suffix)]
        if s.prefix:
            if not raw.startswith(s.prefix):
                return None
            raw = raw[len(s.prefix) :]
        code = strip_controls(raw).strip()
        return code or None

    def _finish(self, now: float, *, by_suffix: bool = False, remember_end: bool = False) -> Decision:
        held, self._held = self._held, []
        code = self._code_of(held, by_suffix=by_suffix)
        if code is None:
            return Decision(release=tuple(held))
        if remember_end:
            self._scan_ended_at = now
        return Decision(code=code, duplicate=self._is_duplicate(code, now))

    def _is_duplicate(self, code: str, now: float) -> bool:
        # Compare as the guest list will, so case or an AIM prefix does not make a repeat look new.
        key = normalise_code(code) or code
        if key == self._last_code and now - self._last_code_at < self._settings.debounce_s:
            return True
        # The window counts from the scan that counted, so a badge left under the scanner counts again
        # every debounce_s rather than never.
        self._last_code, self._last_code_at = key, now
        return False
