"""The scan path under any input: CheckIn.scan on a real store, and BurstDetector under any key timing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk.domain import Mode, VerdictKind, normalise_code
from kiosk.domain.codes import MAX_CODE_LENGTH
from kiosk.domain.models import Admission, Guest
from kiosk.services.checkin import CheckIn
from kiosk.ui.scanner import BurstDetector, Decision, ScannerSettings, strip_controls
from tests.fuzz.support import FUZZ, SEEDS, STATION, fresh_store, seed_ids, snapshot

# --- CheckIn.scan ---------------------------------------------------------------------------------

_CODES = ["SEED-1", "Ünïcödé-Σ", "DUP-1", "GONE-5", "B-0001", "42", "b-0006", "seed-2", "SEED-6"]
_NOISE = st.sampled_from(["", " ", "\t", "\r\n", "\x00", "\u200b", "\ufeff", "\x1b[", "]C1", "]Q3", "\u2028"])


def _decorated(code: str, before: str, after: str, upper: bool, wide: bool) -> str:
    """A real code as a scanner might deliver it: case changed, full-width, wrapped in noise."""
    text = code.upper() if upper else code
    if wide:
        # NFKC folds full-width forms back, so these must still match.
        text = "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)
    return before + text + after


real_codes = st.builds(_decorated, st.sampled_from(_CODES), _NOISE, _NOISE, st.booleans(), st.booleans())
control_text = st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs", "Co", "Cn"]), max_size=30)
huge_text = st.builds(lambda unit, n: unit * n, st.text(min_size=1, max_size=6), st.integers(20, 40_000))
raw_bytes = st.binary(max_size=300).map(lambda b: b.decode("utf-8", errors="replace"))
scans = st.one_of(
    st.text(max_size=200),
    control_text,
    huge_text,
    raw_bytes,
    real_codes,
    st.none(),
    st.integers(),
    st.binary(max_size=20),
)


def expected_guest(raw: object) -> Guest | None:
    """Which seeded guest a scan names: access code, then badge, then id; a live guest beats a deleted one."""
    code = normalise_code(raw)
    if not code:
        return None
    steps = [
        [g for g in SEEDS if g.access_code is not None and normalise_code(g.access_code) == code],
        [g for g in SEEDS if normalise_code(str(g.fields.get("externalId", ""))) == code],
        [g for g in SEEDS if g.id.lower() == code],  # ids are ASCII: SQLite's NOCASE folds only ASCII
    ]
    matches = [g for step in steps for g in step]
    live = [g for step in steps for g in step if g.deleted is None]
    return live[0] if live else (matches[0] if matches else None)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scan-fuzz")


@FUZZ
@given(raws=st.lists(scans, min_size=1, max_size=4), mode=st.sampled_from(list(Mode)))
@example(raws=["]C1seed-1\r\n", "ＳＥＥＤ－１", "dup-1", "\x00" * 600 + "SEED-1"], mode=Mode.CHECK_IN)
def test_any_scan_gets_a_verdict_and_a_log_row_and_touches_only_its_guest(
    base: Path, raws: list[object], mode: Mode
) -> None:
    with fresh_store(base) as store:
        checkin = CheckIn(store, STATION)
        for raw in raws:
            before, counts = snapshot(store, seed_ids()), store.counts()
            outcome = checkin.scan(raw, mode)
            target = expected_guest(raw)
            after = snapshot(store, seed_ids())
            if target is None:
                assert outcome.kind is VerdictKind.UNKNOWN and outcome.verdict.guest is None
                assert outcome.change is None
            else:
                assert outcome.verdict.guest is not None and outcome.verdict.guest.id == target.id
                if target.deleted is not None:
                    assert outcome.kind is VerdictKind.DELETED
                elif target.admission is Admission.DEREGISTERED:
                    assert outcome.kind is VerdictKind.DEREGISTERED
            changed = {gid for gid in after if after[gid] != before[gid]}
            if outcome.change is None:
                assert changed == set(), "a scan that changes nobody's presence must leave the mirror alone"
            else:
                assert target is not None and changed <= {target.id}
            now = store.counts()
            assert now["scans"] == counts["scans"] + 1
            assert now["queued"] == counts["queued"] + (outcome.change is not None)
            assert now["guests"] == counts["guests"]
            (row,) = store.recent_scans(1)
            assert row.code == outcome.code and len(row.code) <= MAX_CODE_LENGTH
            assert row.verdict == outcome.kind.value
            assert row.guest_id == (target.id if target is not None else None)
            assert row.change_id == (outcome.change.change_id if outcome.change else None)
        assert store.integrity_check() == "ok"


# --- BurstDetector --------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


keys = st.one_of(
    st.sampled_from(list("ab1 #$~]C")),
    # What str.isprintable accepts: no control, format, unassigned or private characters, no separators
    # but the plain space. The scan filter hands the detector nothing else.
    st.text(
        st.one_of(st.just(" "), st.characters(exclude_categories=["Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"])),
        min_size=1,
        max_size=2,
    ),
)
detector_settings = st.builds(
    ScannerSettings,
    max_key_gap_ms=st.floats(0.5, 300),
    min_length=st.integers(1, 8),
    idle_end_ms=st.floats(0.5, 400),
    prefix=st.sampled_from(["", "$", "]C1", "ab"]),
    suffix=st.sampled_from(["", "#", "~~", "a"]),
    end_on_enter=st.booleans(),
    end_on_tab=st.booleans(),
    debounce_s=st.floats(0, 5),
)


@st.composite
def key_steps(draw: st.DrawFn) -> tuple[ScannerSettings, list[tuple[str, float, object]]]:
    """Settings, then steps of (what happens, milliseconds since the previous step, detail)."""
    first = draw(detector_settings)
    limits = [0.0, first.max_key_gap_ms, first.idle_end_ms]
    gap = st.one_of(
        st.sampled_from(limits),
        st.builds(lambda limit, d: max(0.0, limit + d), st.sampled_from(limits), st.sampled_from([-1e-6, 1e-6])),
        st.floats(0, 2 * max(limits)),
        st.floats(0, 5000),
    )
    step = st.one_of(
        st.tuples(st.just("char"), gap, keys),
        st.tuples(st.just("char"), gap, keys),
        st.tuples(st.sampled_from(["enter", "tab"]), gap, st.none()),
        st.tuples(st.just("poll"), gap, st.none()),
        st.tuples(st.just("end"), gap, st.none()),
        st.tuples(st.just("settings"), gap, detector_settings),
    )
    return first, draw(st.lists(step, max_size=60))


@FUZZ
@given(case=key_steps())
def test_every_key_is_released_once_in_order_or_part_of_exactly_one_scan(
    case: tuple[ScannerSettings, list[tuple[str, float, object]]],
) -> None:
    first, steps = case
    clock = Clock()
    det = BurstDetector(first, clock)
    texts: list[str] = []
    released: list[int] = []
    scanned: list[list[int]] = []

    def account(decision: Decision, offered: list[int]) -> None:
        held = [k.payload for k in det.held]
        # What stays held is the newest of what was held or offered, in order.
        assert held == offered[len(offered) - len(held) :]
        gone = offered[: len(offered) - len(held)]
        out = [int(k.payload) for k in decision.release]
        released.extend(out)
        rest = [p for p in gone if p not in out]
        assert set(out) <= set(gone)
        if decision.code is None:
            assert rest == [], "keys vanished without being released or scanned"
            assert not decision.duplicate
            return
        assert rest, "a scan code came from no keys"
        assert rest == list(range(rest[0], rest[0] + len(rest))), "a scan is one unbroken run of keys"
        assert len(rest) >= det.settings.min_length
        code = decision.code
        assert code and code == code.strip() and strip_controls(code) == code
        assert code in strip_controls("".join(texts[p] for p in rest))
        scanned.append(rest)

    for kind, gap_ms, detail in [*steps, ("end", 0.0, None)]:
        clock.now += gap_ms / 1000
        offered = [k.payload for k in det.held]
        if kind == "char":
            assert isinstance(detail, str)
            texts.append(detail)
            offered.append(len(texts) - 1)
            decision = det.feed_char(detail, payload=len(texts) - 1)
            assert decision.consume, "a printable key is always taken: held, scanned or released"
        elif kind in ("enter", "tab"):
            decision = det.feed_terminator(kind)
        elif kind == "poll":
            decision = det.poll()
        elif kind == "settings":
            # As the scan filter does: judge what is held under the old settings, then switch.
            decision = det.end_burst()
            account(decision, offered)
            assert isinstance(detail, ScannerSettings)
            det.settings = detail
            continue
        else:
            decision = det.end_burst()
        account(decision, offered)
        due = det.poll_due_in()
        assert (due is None) is (not det.pending)
        assert due is None or due >= 0

    assert not det.pending
    assert released == sorted(released)
    every = released + [p for run in scanned for p in run]
    assert sorted(every) == list(range(len(texts))), "each key exactly once: released or scanned"
