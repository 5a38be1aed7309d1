"""The mirror keeps each registration's companion count as a number it can add up, whatever it was sent."""

from __future__ import annotations

from kiosk.domain.models import Admission, Guest
from kiosk.storage import Store
from kiosk.storage.rows import guest_from_json, guest_to_json


def test_a_companion_count_round_trips_and_nonsense_counts_nobody(store: Store) -> None:
    sent = {"a": 3, "b": -1, "c": True, "d": "2", "e": 10**9, "f": 0}
    store.apply_pull_page([Guest(gid, admission=Admission.ADMISSIBLE, companion_count=n)  # type: ignore[arg-type]
                           for gid, n in sent.items()], cursor="listed")
    kept = {gid: g.companion_count for gid in sent if (g := store.get_guest(gid)) is not None}
    assert kept == {"a": 3, "b": 0, "c": 0, "d": 0, "e": 0, "f": 0}
    assert store.companion_counts() == (0, 3)


def test_a_conflict_winner_keeps_its_companion_count() -> None:
    winner = Guest("a", admission=Admission.ADMISSIBLE, companion_count=4)
    assert guest_from_json(guest_to_json(winner)) == winner
    assert guest_from_json('{"id": "old", "fields": {}}').companion_count == 0  # type: ignore[union-attr]
