"""Cold start of a frozen kiosk to its ready window, timed the way `kiosk bench` times P8, beside the same
start from source: spawn `KIOSK -m kiosk.bench.child window`, time to its READY line (window shown,
painted, a first scan answered), fresh data dir each run, a 100k-guest mirror; median of several runs."""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kiosk.app import configure_station
from kiosk.bench.runner import run_child
from kiosk.bench.setup import API_KEY, EVENT_ID, STATION, ServerProcess, child_env, copy_station, sample_guests
from kiosk.storage.config import StationConfig


def spawn_to_ready(program: list[str], kind: str, params: dict[str, object]) -> float:
    """Seconds from spawning `program -m kiosk.bench.child KIND` to its READY line (as P8's run_child)."""
    began = time.perf_counter()
    proc = subprocess.Popen([*program, "-m", "kiosk.bench.child", kind, json.dumps(params)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
    ready = None
    assert proc.stdout is not None
    last = ""
    for line in proc.stdout:
        if line.strip() == "READY" and ready is None:
            ready = time.perf_counter() - began
        elif line.strip():
            last = line
    err = proc.stderr.read() if proc.stderr else ""
    proc.wait()
    if ready is None or not json.loads(last or "{}").get("ok"):
        raise SystemExit(f"measure: {' '.join(program)} {kind} never became ready: {last.strip()} {err[-400:]}")
    return ready


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kiosk", required=True, help="the frozen kiosk binary (e.g. an installed /opt/kiosk/kiosk)")
    parser.add_argument("--guests", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kiosk-measure-"))
    server = ServerProcess(work, args.guests).start()
    try:
        template = work / "station"
        config = StationConfig(server_url=server.url, event_id=EVENT_ID, station=STATION, pull_interval_s=3600.0)
        asyncio.run(configure_station(template, config, API_KEY))
        run_child("full_sync", {"data_dir": str(template)})  # the mirror every run starts from
        code = sample_guests(template)[0].code
        programs = {"frozen": [args.kiosk], "source": [sys.executable]}
        for program in programs.values():  # untimed: warms the file cache, as P8 does
            spawn_to_ready(program, "qt_floor", {})
        spans: dict[str, list[float]] = {f"{name} {kind}": [] for name in programs for kind in ("window", "qt_floor")}
        for i in range(args.runs):
            for name, program in programs.items():
                fresh = copy_station(template, work / f"run-{name}-{i}")
                spans[f"{name} window"].append(spawn_to_ready(program, "window", {"data_dir": str(fresh),
                                                                                     "code": code}))
                shutil.rmtree(fresh)
                spans[f"{name} qt_floor"].append(spawn_to_ready(program, "qt_floor", {}))
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    summary = {key: {"median_s": round(statistics.median(v), 3), "min_s": round(min(v), 3),
                     "max_s": round(max(v), 3), "runs": len(v)} for key, v in spans.items()}
    for key, s in summary.items():
        print(f"measure: cold start, {key:16} median {s['median_s']:.3f} s "
              f"(range {s['min_s']:.3f}-{s['max_s']:.3f}, {s['runs']} runs, {args.guests:,} mirror)")
    if args.json:
        args.json.write_text(json.dumps({"guests": args.guests, **summary}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
