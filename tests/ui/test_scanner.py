"""BurstDetector on a fake clock: scans, typing, prefix/suffix, idle end and debounce, without Qt."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.ui.scanner import BurstDetector, Decision, ScannerSettings

SCANNER_GAP_MS = 5
HUMAN_GAP_MS = 150


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms / 1000


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make(clock: FakeClock, **overrides: object) -> BurstDetector:
    return BurstDetector(ScannerSettings(**overrides), clock)  # type: ignore[arg-type]


def type_keys(det: BurstDetector, clock: FakeClock, text: str, gap_ms: float) -> list[Decision]:
    decisions = []
    for i, ch in enumerate(text):
        if i:
            clock.advance(gap_ms)
        decisions.append(det.feed_char(ch))
    return decisions


def scan(det: BurstDetector, clock: FakeClock, text: str, terminator: str | None = "enter") -> Decision:
    decisions = type_keys(det, clock, text, SCANNER_GAP_MS)
    assert all(d.consume and not d.release and d.code is None for d in decisions[:-1])
    if terminator is None:
        return decisions[-1]
    clock.advance(SCANNER_GAP_MS)
    return det.feed_terminator(terminator)


# --- scans -------------------------------------------------------------------------------------


def test_scanner_burst_with_enter_is_one_scan_and_the_enter_is_consumed(clock: FakeClock) -> None:
    det = make(clock)
    decision = scan(det, clock, "ABC123")
    assert decision == Decision(consume=True, code="ABC123")
    assert not det.pending


def test_scanner_burst_with_tab(clock: FakeClock) -> None:
    det = make(clock)
    assert scan(det, clock, "ZX-99", "tab") == Decision(consume=True, code="ZX-99")


def test_tab_that_is_not_a_terminator_lets_the_burst_end_but_passes(clock: FakeClock) -> None:
    det = make(clock, end_on_tab=False)
    decision = scan(det, clock, "ZX-99", "tab")
    assert decision.code == "ZX-99"
    assert not decision.consume


def test_suffix_ends_the_burst_and_is_stripped(clock: FakeClock) -> None:
    det = make(clock, suffix="#")
    last = scan(det, clock, "ABC123#", terminator=None)
    assert last == Decision(consume=True, code="ABC123")


def test_terminator_right_behind_a_suffix_belongs_to_the_scan(clock: FakeClock) -> None:
    det = make(clock, suffix="#")
    scan(det, clock, "ABC123#", terminator=None)
    clock.advance(SCANNER_GAP_MS)
    assert det.feed_terminator("enter") == Decision(consume=True)
    # Only one: a second Enter is the person's.
    clock.advance(SCANNER_GAP_MS)
    assert det.feed_terminator("enter") == Decision(consume=False)


def test_terminator_long_after_a_scan_passes(clock: FakeClock) -> None:
    det = make(clock, suffix="#")
    scan(det, clock, "ABC123#", terminator=None)
    clock.advance(500)
    assert det.feed_terminator("enter") == Decision(consume=False)


def test_burst_without_terminator_ends_after_idle(clock: FakeClock) -> None:
    det = make(clock)
    scan(det, clock, "ABC123", terminator=None)
    assert det.poll_due_in() == pytest.approx(0.080)
    clock.advance(60)  # past the key gap, but a late Enter may still come
    assert det.poll() == Decision()
    assert det.pending
    clock.advance(20)
    assert det.poll() == Decision(code="ABC123")
    assert det.poll_due_in() is None


def test_late_enter_within_idle_still_ends_the_scan(clock: FakeClock) -> None:
    det = make(clock)
    scan(det, clock, "ABC123", terminator=None)
    clock.advance(60)
    assert det.feed_terminator("enter") == Decision(consume=True, code="ABC123")


def test_next_key_after_a_gap_ends_a_scan_without_terminator(clock: FakeClock) -> None:
    det = make(clock)
    scan(det, clock, "ABC123", terminator=None)
    clock.advance(50)
    decision = det.feed_char("x")
    assert decision == Decision(consume=True, code="ABC123")
    assert [k.text for k in det.held] == ["x"]


def test_prefix_is_required_and_stripped(clock: FakeClock) -> None:
    det = make(clock, prefix="$$")
    assert scan(det, clock, "$$ABC123").code == "ABC123"
    clock.advance(HUMAN_GAP_MS)
    decision = scan(det, clock, "ABC123")
    assert decision.code is None
    assert decision.typed == "ABC123"
    assert not decision.consume  # the Enter goes to the widget after the released text


def test_control_characters_are_stripped(clock: FakeClock) -> None:
    det = make(clock)
    assert scan(det, clock, "\x02ABC\u200b123\x03").code == "ABC123"


def test_a_burst_of_only_control_characters_is_never_an_empty_code(clock: FakeClock) -> None:
    det = make(clock)
    decision = scan(det, clock, "\x02\x03\x04  ")
    assert decision.code is None
    assert decision.typed == "\x02\x03\x04  "


def test_suffix_on_a_too_short_burst_releases_it(clock: FakeClock) -> None:
    det = make(clock, suffix="#")
    decisions = type_keys(det, clock, "A#", SCANNER_GAP_MS)
    assert decisions[-1] == Decision(consume=True, release=decisions[-1].release)
    assert decisions[-1].typed == "A#"


# --- typing ------------------------------------------------------------------------------------


def test_human_typing_is_released_key_by_key_in_order(clock: FakeClock) -> None:
    det = make(clock)
    decisions = type_keys(det, clock, "hello", HUMAN_GAP_MS)
    assert all(d.consume and d.code is None for d in decisions)
    assert "".join(d.typed for d in decisions) == "hell"
    assert det.poll_due_in() == pytest.approx(0.040)
    clock.advance(39)
    assert det.poll() == Decision()
    clock.advance(1)
    last = det.poll()
    assert last.typed == "o"
    assert last.code is None


def test_human_enter_passes_after_the_held_key(clock: FakeClock) -> None:
    det = make(clock)
    type_keys(det, clock, "ok", HUMAN_GAP_MS)
    clock.advance(HUMAN_GAP_MS)
    decision = det.feed_terminator("enter")
    assert decision.typed == "k"
    assert not decision.consume
    assert decision.code is None


def test_enter_with_nothing_held_passes(clock: FakeClock) -> None:
    assert make(clock).feed_terminator("enter") == Decision(consume=False)


def test_fast_burst_shorter_than_min_length_is_typing(clock: FakeClock) -> None:
    det = make(clock)
    type_keys(det, clock, "ab", SCANNER_GAP_MS)
    clock.advance(40)
    assert det.poll().typed == "ab"
    type_keys(det, clock, "cd", SCANNER_GAP_MS)
    clock.advance(SCANNER_GAP_MS)
    decision = det.feed_terminator("enter")
    assert (decision.typed, decision.consume, decision.code) == ("cd", False, None)


def test_person_types_two_keys_then_a_scan_arrives(clock: FakeClock) -> None:
    det = make(clock)
    first = type_keys(det, clock, "xy", HUMAN_GAP_MS)
    clock.advance(HUMAN_GAP_MS)
    scan_start = det.feed_char("A")
    assert "".join(d.typed for d in [*first, scan_start]) == "xy"
    rest = scan(det, clock, "BC123")
    assert rest == Decision(consume=True, code="ABC123")


def test_end_burst_judges_what_is_held(clock: FakeClock) -> None:
    det = make(clock)
    scan(det, clock, "ABC", terminator=None)
    assert det.end_burst() == Decision(code="ABC")
    det.feed_char("q")
    assert det.end_burst().typed == "q"
    assert det.end_burst() == Decision()


# --- debounce ----------------------------------------------------------------------------------


def test_debounce_same_code_once_within_window_then_again_after(clock: FakeClock) -> None:
    det = make(clock)
    assert scan(det, clock, "ABC123") == Decision(consume=True, code="ABC123")
    clock.advance(1000)
    assert scan(det, clock, "ABC123") == Decision(consume=True, code="ABC123", duplicate=True)
    clock.advance(300)
    assert scan(det, clock, "abc123").duplicate  # the same code as the guest list compares it
    clock.advance(1000)  # 2.3 s after the scan that counted
    assert scan(det, clock, "ABC123") == Decision(consume=True, code="ABC123")


def test_debounce_lets_a_different_code_through_at_once(clock: FakeClock) -> None:
    det = make(clock)
    scan(det, clock, "ABC123")
    clock.advance(100)
    assert scan(det, clock, "XYZ789") == Decision(consume=True, code="XYZ789")


# --- settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("max_key_gap_ms", 0), ("idle_end_ms", -1), ("min_length", 0), ("debounce_s", float("nan"))],
)
def test_bad_settings_are_refused_with_a_clear_message(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        ScannerSettings(**{field: value})  # type: ignore[arg-type]


def test_settings_change_at_run_time(clock: FakeClock) -> None:
    det = make(clock)
    det.settings = ScannerSettings(min_length=8)
    assert scan(det, clock, "ABC123").code is None
    clock.advance(HUMAN_GAP_MS)
    assert scan(det, clock, "ABCD1234").code == "ABCD1234"


# --- nothing is lost ---------------------------------------------------------------------------

_steps = st.lists(
    st.one_of(
        st.tuples(st.just("char"), st.sampled_from([1, 5, 39, 40, 60, 80, 150]), st.sampled_from("ab1#$ ")),
        st.tuples(st.just("enter"), st.sampled_from([1, 5, 60, 150]), st.just("")),
        st.tuples(st.just("poll"), st.sampled_from([1, 20, 45, 90]), st.just("")),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(steps=_steps, prefix=st.sampled_from(["", "$"]), suffix=st.sampled_from(["", "#"]))
def test_every_key_is_released_once_in_order_or_scanned(
    steps: list[tuple[str, int, str]], prefix: str, suffix: str
) -> None:
    clock = FakeClock()
    det = make(clock, prefix=prefix, suffix=suffix)
    released: list[int] = []
    scanned_keys = 0
    fed = 0
    for kind, gap, ch in [*steps, ("end", 0, "")]:
        clock.advance(gap)
        held_before = len(det.held)
        if kind == "char":
            decision = det.feed_char(ch, payload=fed)
            fed += 1
            assert decision.consume
        elif kind == "enter":
            decision = det.feed_terminator("enter")
        elif kind == "poll":
            decision = det.poll()
        else:
            decision = det.end_burst()
        released += [k.payload for k in decision.release]
        if decision.code is not None:
            assert decision.code.strip()
            scanned_keys += held_before + (kind == "char") - len(decision.release) - len(det.held)
    assert not det.pending
    assert released == sorted(set(released))
    assert len(released) + scanned_keys == fed


def test_a_control_key_belongs_to_a_burst_in_progress_or_to_a_control_prefix(clock: FakeClock) -> None:
    det = make(clock)
    assert not det.takes_control("\x1d")  # nothing held: a person's Ctrl shortcut
    type_keys(det, clock, "9PA3", SCANNER_GAP_MS)
    clock.advance(SCANNER_GAP_MS)
    assert det.takes_control("\x1d")
    clock.advance(60)
    assert not det.takes_control("\x1d")  # the burst is over: a shortcut again
    assert make(clock, prefix="\x02AB").takes_control("\x02")
    assert not make(clock, prefix="\x02AB").takes_control("\x03")
