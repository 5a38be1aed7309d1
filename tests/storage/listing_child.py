"""A station process in the middle of a full listing, for the SIGKILL test: pages written until it is killed.

Usage: listing_child.py DB GUESTS PAGE. Begins a listing and applies its pages over and over (every round
renames the guests, so each page really rewrites rows and the search index), never completing it. It
prints `gen N` once, then `begin I` before and `done I` after each page, so the test can aim its kill.
"""

from __future__ import annotations

import sys
from itertools import count

from kiosk.domain.models import Admission, Guest
from kiosk.storage import Store


def page_of(start: int, size: int, total: int, round_: int) -> list[Guest]:
    return [
        Guest(
            id=f"g{i:06d}",
            access_code=f"CODE-{i}",
            admission=Admission.ADMISSIBLE,
            fields={"firstName": "Kill", "lastName": f"Round{round_}x{i}", "company": "Chaos"},
            name=f"Kill Round{round_}x{i}",
            sort_name=f"Round{round_}x{i} Kill",
            company="Chaos",
        )
        for i in range(start, min(start + size, total))
    ]


def main() -> None:
    db, total, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with Store.open(db) as store:
        gen = store.begin_listing()
        print(f"gen {gen}", flush=True)
        for n in count():
            round_, start = divmod(n * size, total)
            page = page_of(start, size, total, round_)
            print(f"begin {n}", flush=True)
            store.apply_pull_page(page, listing=gen)
            print(f"done {n}", flush=True)


if __name__ == "__main__":
    main()
