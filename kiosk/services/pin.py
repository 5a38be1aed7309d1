"""The staff PIN: stored as a salted scrypt hash, with growing waits after wrong tries."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.domain.text import QT_TRANSLATE_NOOP
from kiosk.storage.config import read_private_json, write_private_json

PIN_FILE = "staff-pin.json"
FREE_TRIES = 3
MAX_WAIT_SECONDS = 300.0

LOCKED = QT_TRANSLATE_NOOP("Pin", "Too many wrong PINs. Try again in {seconds} s.")


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    # Seconds to wait before the next try is even looked at (0 when a try is allowed now).
    wait_seconds: float = 0.0
    message: str = ""


def pin_problem(pin: str) -> str | None:
    """Why `pin` cannot be the staff PIN, in words for staff; None when it can."""
    if not (4 <= len(pin) <= 12 and pin.isascii() and pin.isdigit()):
        return QT_TRANSLATE_NOOP("Pin", "The PIN must be 4 to 12 digits.")
    return None


def _hash(pin: str, salt: bytes) -> str:
    # scrypt makes each guess costly even for someone who copied the file off the kiosk.
    return hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32).hex()


class PinGuard:
    """Checks the staff PIN; failed tries and the lock-out survive a restart of the app."""

    def __init__(self, data_dir: Path, clock: Callable[[], float] = time.time) -> None:
        self._dir = data_dir
        self._clock = clock

    def _state(self) -> dict[str, object]:
        return read_private_json(self._dir, PIN_FILE) or {}

    def is_set(self) -> bool:
        return "hash" in self._state()

    def set_pin(self, pin: str) -> None:
        problem = pin_problem(pin)
        if problem:
            raise ValueError(problem)
        salt = secrets.token_bytes(16)
        write_private_json(self._dir, PIN_FILE, {"salt": salt.hex(), "hash": _hash(pin, salt), "failures": 0,
                                                  "locked_until": 0.0})

    def check(self, pin: str) -> PinCheck:
        state = self._state()
        if "hash" not in state:
            return PinCheck(True)
        now = self._clock()
        try:
            salt = bytes.fromhex(str(state["salt"]))
            failures = int(state.get("failures", 0))  # type: ignore[call-overload]
            locked_until = float(state.get("locked_until", 0.0))  # type: ignore[arg-type]
            stored = str(state["hash"])
            if not stored.isascii():
                raise ValueError("hash is not hex")
        except (TypeError, ValueError):
            # Refuse rather than open up: deleting the file is the deliberate way to drop the PIN.
            return PinCheck(
                False,
                0.0,
                QT_TRANSLATE_NOOP(
                    "Pin",
                    "The stored staff PIN cannot be read ({file} in the "
                    "data folder). Delete that file and set a new PIN.",
                ).format(file=PIN_FILE),
            )
        if locked_until - now > MAX_WAIT_SECONDS:
            # The clock was set back after a lock-out; without this the wait would last as long as the jump.
            locked_until = now + MAX_WAIT_SECONDS
            write_private_json(self._dir, PIN_FILE, {**state, "locked_until": locked_until})
        if now < locked_until:
            wait = locked_until - now
            return PinCheck(False, wait, LOCKED.format(seconds=math.ceil(wait)))
        if hmac.compare_digest(_hash(pin, salt), stored):
            write_private_json(self._dir, PIN_FILE, {**state, "failures": 0, "locked_until": 0.0})
            return PinCheck(True)
        failures += 1
        # The exponent is capped so that a long siege cannot overflow the float.
        doublings = min(failures - FREE_TRIES, 32)
        wait = 0.0 if failures < FREE_TRIES else min(MAX_WAIT_SECONDS, 5.0 * 2**doublings)
        write_private_json(self._dir, PIN_FILE, {**state, "failures": failures, "locked_until": now + wait})
        message = (
            QT_TRANSLATE_NOOP("Pin", "Wrong PIN. Try again in {seconds} s.").format(seconds=f"{wait:.0f}")
            if wait
            else QT_TRANSLATE_NOOP("Pin", "Wrong PIN.")
        )
        return PinCheck(False, wait, message)
