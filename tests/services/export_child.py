"""A child process for the export figure: `build PATH N` makes an N-attendee mirror, `export PATH OUT` times
the export and prints `seconds rss_mb rows` (its own peak RSS, not the builder's)."""

from __future__ import annotations

import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.domain.models import Admission, Guest
from kiosk.services.export import export_attendance
from kiosk.storage import Store

T0 = datetime(2026, 12, 3, 8, tzinfo=UTC)


def build(path: Path, count: int) -> None:
    with Store.open(path) as store:
        for start in range(0, count, 5000):
            store.apply_pull_page([
                Guest(f"g-{n:07d}", access_code=f"CODE{n:07d}", admission=Admission.ADMISSIBLE,
                      name=f"Zoë Müller-{n}", sort_name=f"Müller-{n} Zoë", company="Käser AG",
                      email=f"guest{n}@example.org", fields={"externalId": str(n), "notes": "=not a formula"},
                      check_in=T0 + timedelta(seconds=n) if n % 3 == 0 else None, companion_count=n % 4)
                for n in range(start, min(count, start + 5000))
            ], cursor="listed")


def export(path: Path, out: Path) -> None:
    with Store.open(path) as store:
        began = time.perf_counter()
        rows = export_attendance(store, out, ZoneInfo("Europe/Berlin"))
        seconds = time.perf_counter() - began
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.3f} {rss_mb:.1f} {rows}")


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        export(Path(sys.argv[2]), Path(sys.argv[3]))
