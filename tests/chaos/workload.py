"""A station's door, scripted: scans a planned list of codes with CheckIn.scan, one JSON line per scan.

Run as a separate process (`python tests/chaos/workload.py ...`) so a test can SIGKILL it at any
instant. Like the window, it keeps two connections to the mirror open. Each line is printed (and
flushed) only after the scan's commit, so a line means "the door showed this verdict": a change it
names must survive whatever happens next. A scan killed between its commit and its line is simply
not reported; its change still goes up like any other.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

from kiosk.app import open_station
from kiosk.domain import Mode
from kiosk.domain.timeutil import format_time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--plan", type=Path, required=True, help='JSON list of ["code", "mode"]')
    parser.add_argument("--start", type=int, default=0, help="first plan index to scan")
    parser.add_argument("--interval", type=float, default=0.0, help="seconds between planned scans")
    parser.add_argument("--epoch", type=float, default=0.0, help="wall-clock time of plan index 0")
    args = parser.parse_args(argv)
    plan = json.loads(args.plan.read_text())
    station = open_station(args.data_dir)
    # Held open as the window holds its sync thread's Store: a second connection in the same process
    # must not cost the first its SQLite locks while `kiosk` processes beside it open and close the mirror.
    second = station.open_store()
    try:
        for index in range(args.start, len(plan)):
            if args.interval > 0:
                # Paced by the plan, not by the previous scan: a restarted door catches up.
                delay = args.epoch + index * args.interval - time.time()
                if delay > 0:
                    time.sleep(delay)
            code, mode = plan[index]
            outcome = station.checkin.scan(code, Mode(mode))
            change = outcome.change
            guest = outcome.verdict.guest
            line = {
                "i": index,
                "code": code,
                "verdict": outcome.kind.value,
                "guest_id": guest.id if guest is not None else None,
                "change_id": change.change_id if change else None,
                "client_update": format_time(change.client_update) if change else None,
            }
            sys.stdout.write(json.dumps(line) + "\n")
            sys.stdout.flush()
    finally:
        second.close()
        asyncio.run(station.aclose())
    return 0


if __name__ == "__main__":
    sys.exit(main())
