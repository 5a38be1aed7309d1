"""Generated guest lists: deterministic, realistic, consistent, and fast enough for 100,000 guests."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import orjson

from kiosk.domain.timeutil import parse_time
from kiosk.platforms.invitario.emulator.generate import (
    ACCESS_ALPHABET,
    ascii_fold,
    generate_guests,
    iter_guests,
    sample_codes,
)
from kiosk.platforms.invitario.emulator.store import ServerStore


def test_same_seed_same_guests_other_seed_other_guests() -> None:
    first = orjson.dumps(generate_guests(500, seed=11))
    assert orjson.dumps(generate_guests(500, seed=11)) == first
    assert orjson.dumps(generate_guests(500, seed=12)) != first


def test_exact_count_unique_codes_and_badges() -> None:
    guests = generate_guests(3000, seed=5)
    assert len(guests) == 3000
    assert len({g["id"] for g in guests}) == 3000
    codes = [g["accessCode"] for g in guests]
    assert len(set(codes)) == 3000
    assert all(len(c) == 8 and set(c) <= set(ACCESS_ALPHABET) for c in codes)
    assert not set(ACCESS_ALPHABET) & set("01OI")
    badges = [g["fields"]["externalId"] for g in guests]
    assert len(set(badges)) == 3000 and all(re.fullmatch(r"B\d{6}", b) for b in badges)


def test_companions_point_both_ways() -> None:
    guests = generate_guests(3000, seed=5)
    by_id = {g["id"]: g for g in guests}
    companions = [g for g in guests if g["parentId"]]
    parents_with_companions = [g for g in guests if g["companions"]]
    assert 0.05 < len(parents_with_companions) / (len(guests) - len(companions)) < 0.15
    for companion in companions:
        parent = by_id[companion["parentId"]]
        assert {"id": companion["id"]} in parent["companions"]
        assert parent["parentId"] is None and companion["companions"] == []
    for parent in parents_with_companions:
        assert 1 <= len(parent["companions"]) <= 2
        assert all(by_id[c["id"]]["parentId"] == parent["id"] for c in parent["companions"])


def test_shares_and_shapes_look_like_a_real_event() -> None:
    guests = generate_guests(5000, seed=9)
    states = Counter(g["registrationState"] for g in guests)
    assert states["registered"] > 0.9 * len(guests)
    assert 0.015 < states["deregistered"] / len(guests) < 0.05
    highlighted = [g for g in guests if "highlightColor" in g]
    assert 0.06 < len(highlighted) / len(guests) < 0.14
    assert all(re.fullmatch(r"#[0-9a-f]{6}", g["highlightColor"]) for g in highlighted)
    assert 0.03 < sum(1 for g in guests if g["fields"]["notes"] and not g["parentId"]) / len(guests) < 0.12
    assert {g["fields"]["customField1"] for g in guests} >= {"VIP", "Press", "Attendee", "Companion"}
    for guest in guests[:200]:
        assert parse_time(guest["clientUpdateDateTime"]) is not None  # has an offset
        assert guest["serverUpdateDateTime"] is None and guest["deleteDateTime"] is None


def test_names_come_from_many_cultures_with_their_letters() -> None:
    guests = generate_guests(5000, seed=2)
    text = " ".join(f"{g['fields']['firstName']} {g['fields']['lastName']}" for g in guests)
    for letter in "üñøëễłóçşåæ":
        assert letter in text.lower(), letter
    assert len({g["fields"]["country"] for g in guests}) >= 25
    assert "'" in text  # O'Brien, D'Angelo
    emails = [g["fields"]["email"] for g in guests if g["fields"]["email"]]
    assert all(re.fullmatch(r"[a-z0-9.]+@[a-z0-9.-]+\.(example|test)", e) for e in emails)


def test_ascii_fold() -> None:
    assert ascii_fold("Nguyễn Łukasz Søren Müller Ærø ßtraße") == "Nguyen Lukasz Soren Muller AEro sstrasse"
    assert ascii_fold("王") == ""


def test_sample_codes_pick_admissible_guests() -> None:
    guests = generate_guests(200, seed=4)
    guests[0]["checkInDateTime"] = "2026-01-01T10:00:00Z"
    codes = sample_codes(guests, 5)
    assert len(codes) == 5 and guests[0]["accessCode"] not in codes
    by_code = {g["accessCode"]: g for g in guests}
    assert all(by_code[c]["registrationState"] == "registered" for c in codes)


def test_100k_guests_generate_and_load_in_a_few_seconds(tmp_path: Path) -> None:
    started = time.perf_counter()
    cpu = time.process_time()
    store = ServerStore(tmp_path / "big.db")
    try:
        assert (
            store.insert_generated(iter_guests(100_000, seed=1), "2026-01-01T00:00:00.000000+00:00")
            == 100_000
        )
        cpu = time.process_time() - cpu
        elapsed = time.perf_counter() - started
        assert store.guest_count() == 100_000
    finally:
        store.close()
    # CPU time, because a busy CI machine stretches wall time; typically 3-5 s for both together.
    assert cpu < 20, f"generating and loading 100,000 guests took {cpu:.1f} s of CPU ({elapsed:.1f} s)"
