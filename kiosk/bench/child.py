"""`python -m kiosk.bench.child KIND PARAMS_JSON`: one measurement in a fresh process, one JSON line out.

The last line on stdout is {"ok": true, "result": {...}} or {"ok": false, "error": "..."}; a measurement
may print other lines before it (P8 prints READY the moment the window is ready).
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from typing import Any


def _entry(kind: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    # Imported on demand: P8 times the process from its start, so nothing extra is loaded up front.
    if kind in ("full_sync", "floor", "flat_floor"):
        from kiosk.bench import sync_child

        return {"full_sync": sync_child.full_sync, "floor": sync_child.floor, "flat_floor": sync_child.flat_floor}[kind]
    from kiosk.bench import qt_child

    entries: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "qt_floor": qt_child.qt_floor,
        "window": qt_child.window,
        "stall": qt_child.stall,
        "scans_during_sync": qt_child.scans_during_sync,
    }
    return entries[kind]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m kiosk.bench.child KIND PARAMS_JSON", file=sys.stderr)
        return 2
    try:
        result = _entry(argv[0])(json.loads(argv[1]))
    except Exception as err:
        traceback.print_exc(file=sys.stderr)
        print(json.dumps({"ok": False, "error": f"{type(err).__name__}: {err}"}), flush=True)
        return 1
    print(json.dumps({"ok": True, "result": result}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
