"""A station process building its search index after a first download, for the SIGKILL test.

Usage: search_index_child.py DB GUESTS. Writes GUESTS guests in deferred pages (a first download: scans
answered, search not yet), prints `ready`, then builds the index 7 guests a step, printing `step N` after
each committed step, and sleeping a little in between so the test can aim its kill half way. Prints
`built` at the end (the test kills it long before).
"""

from __future__ import annotations

import sys
import time

from kiosk.domain.models import Admission, Guest
from kiosk.storage import Store


def guest_of(i: int) -> Guest:
    return Guest(id=f"g{i:05d}", access_code=f"CODE-{i}", admission=Admission.ADMISSIBLE,
                 name=f"Kill Index{i}", sort_name=f"Index{i} Kill", company="Chaos" if i % 2 else "Order")


def main() -> None:
    db, total = sys.argv[1], int(sys.argv[2])
    with Store.open(db) as store:
        for start in range(0, total, 50):
            store.apply_pull_page([guest_of(i) for i in range(start, min(total, start + 50))], defer_search=True)
        print("ready", flush=True)
        step = 0
        while True:
            _, complete = store.build_search_step(7)
            step += 1
            print(f"step {step}", flush=True)
            if complete:
                break
            time.sleep(0.05)
        print("built", flush=True)


if __name__ == "__main__":
    main()
