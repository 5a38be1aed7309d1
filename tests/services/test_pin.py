"""PinGuard on a real data dir: a salted hash on disk, private file, growing waits that survive a restart."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from kiosk.services.pin import FREE_TRIES, MAX_WAIT_SECONDS, PIN_FILE, PinGuard, pin_problem


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def guard(tmp_path: Path, clock: Clock) -> PinGuard:
    return PinGuard(tmp_path / "data", clock=clock)


def test_no_pin_set_lets_anyone_in(tmp_path: Path, clock: Clock) -> None:
    g = guard(tmp_path, clock)
    assert not g.is_set()
    assert g.check("0000").ok
    assert not (tmp_path / "data" / PIN_FILE).exists()


def test_file_holds_a_salted_hash_not_the_pin_and_is_private(tmp_path: Path, clock: Clock) -> None:
    g = guard(tmp_path, clock)
    g.set_pin("482913")
    path = tmp_path / "data" / PIN_FILE
    text = path.read_text()
    assert "482913" not in text
    state = json.loads(text)
    assert len(bytes.fromhex(state["salt"])) == 16 and len(state["hash"]) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # Same PIN, new salt: the hash differs, so equal PINs on two kiosks do not show.
    g.set_pin("482913")
    assert json.loads(path.read_text())["hash"] != state["hash"]
    assert g.is_set() and g.check("482913").ok


@pytest.mark.parametrize("bad", ["123", "1234567890123", "12a4", "", "１２３４", "²²²²"])
def test_only_4_to_12_ascii_digits_make_a_pin(tmp_path: Path, clock: Clock, bad: str) -> None:
    g = guard(tmp_path, clock)
    assert pin_problem(bad) == "The PIN must be 4 to 12 digits."
    with pytest.raises(ValueError, match="4 to 12 digits"):
        g.set_pin(bad)
    assert not g.is_set()


def test_wrong_tries_wait_grows_and_is_capped(tmp_path: Path, clock: Clock) -> None:
    g = guard(tmp_path, clock)
    g.set_pin("2468")
    for _ in range(FREE_TRIES - 1):
        result = g.check("1111")
        assert (result.ok, result.wait_seconds, result.message) == (False, 0.0, "Wrong PIN.")
    waits = []
    for _ in range(10):
        result = g.check("1111")
        assert not result.ok
        waits.append(result.wait_seconds)
        clock.now += result.wait_seconds
    assert waits[:4] == [5.0, 10.0, 20.0, 40.0]
    assert waits == sorted(waits) and max(waits) == MAX_WAIT_SECONDS


def test_tries_during_a_lock_out_are_refused_even_when_right(tmp_path: Path, clock: Clock) -> None:
    g = guard(tmp_path, clock)
    g.set_pin("2468")
    for _ in range(FREE_TRIES):
        g.check("1111")
    clock.now += 2
    locked = g.check("2468")
    assert not locked.ok and locked.wait_seconds == pytest.approx(3.0)
    assert locked.message == "Too many wrong PINs. Try again in 3 s."
    # A refused try during the wait does not count as another failure.
    clock.now += 3
    assert g.check("2468").ok
    assert g.check("1111").wait_seconds == 0.0  # a right PIN resets the count


def test_lock_out_survives_a_new_guard_instance(tmp_path: Path, clock: Clock) -> None:
    guard(tmp_path, clock).set_pin("2468")
    for _ in range(FREE_TRIES):
        guard(tmp_path, clock).check("9999")
    restarted = guard(tmp_path, clock)
    result = restarted.check("2468")
    assert not result.ok and result.wait_seconds == pytest.approx(5.0)
    clock.now += 5
    assert guard(tmp_path, clock).check("2468").ok


def test_clock_set_back_after_a_lock_out_waits_at_most_the_cap(tmp_path: Path, clock: Clock) -> None:
    g = guard(tmp_path, clock)
    g.set_pin("2468")
    for _ in range(FREE_TRIES):
        g.check("9999")
    clock.now -= 86_400  # a day back, e.g. a wrong clock corrected
    result = g.check("2468")
    assert not result.ok and result.wait_seconds == pytest.approx(MAX_WAIT_SECONDS)
    clock.now += MAX_WAIT_SECONDS
    assert g.check("2468").ok


def test_damaged_pin_file_refuses_with_a_message(tmp_path: Path, clock: Clock) -> None:
    g = guard(tmp_path, clock)
    g.set_pin("2468")
    path = tmp_path / "data" / PIN_FILE
    state = json.loads(path.read_text())
    path.write_text(json.dumps({**state, "salt": "not hex", "failures": "many"}))
    result = g.check("2468")
    assert not result.ok
    assert "cannot be read" in result.message and PIN_FILE in result.message


def test_a_very_long_siege_does_not_overflow(tmp_path: Path, clock: Clock) -> None:
    g = guard(tmp_path, clock)
    g.set_pin("2468")
    path = tmp_path / "data" / PIN_FILE
    path.write_text(json.dumps({**json.loads(path.read_text()), "failures": 5000}))
    result = g.check("1111")
    assert not result.ok and result.wait_seconds == MAX_WAIT_SECONDS
